; Scopes, definitions and references for rename / extract (Rust).
; Written for booster-lsp against tree-sitter-rust 0.24.0 (its npm package ships no
; locals.scm). Licence: MIT, like the rest of booster-lsp's query files.

; Scopes
[
  (source_file)
  (function_item)
  (closure_expression)
  (block)
  (impl_item)
  (trait_item)
  (for_expression)
  (match_arm)
  (if_expression)
  (while_expression)
] @local.scope

; Definitions
(function_item name: (identifier) @local.definition)
(parameter pattern: (identifier) @local.definition)
(self_parameter) @local.definition
(let_declaration pattern: (identifier) @local.definition)
(tuple_pattern (identifier) @local.definition)
(tuple_struct_pattern (identifier) @local.definition)
(closure_parameters (identifier) @local.definition)
(for_expression pattern: (identifier) @local.definition)
(let_condition pattern: (tuple_struct_pattern (identifier) @local.definition))
(struct_item name: (type_identifier) @local.definition)
(enum_item name: (type_identifier) @local.definition)
(trait_item name: (type_identifier) @local.definition)
(type_item name: (type_identifier) @local.definition)
(const_item name: (identifier) @local.definition)
(static_item name: (identifier) @local.definition)
(type_parameters (type_parameter name: (type_identifier) @local.definition))

; References
(identifier) @local.reference
(type_identifier) @local.reference
