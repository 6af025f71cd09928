; Scopes, definitions and references for rename / extract (Go).
; Written for booster-lsp against tree-sitter-go 0.25.0 (its npm package ships no
; locals.scm). Licence: MIT, like the rest of booster-lsp's query files.

; Scopes
[
  (source_file)
  (function_declaration)
  (method_declaration)
  (func_literal)
  (block)
  (if_statement)
  (for_statement)
  (expression_switch_statement)
  (type_switch_statement)
  (select_statement)
  (expression_case)
  (type_case)
  (communication_case)
  (default_case)
] @local.scope

; Definitions
(function_declaration name: (identifier) @local.definition)
(method_declaration name: (field_identifier) @local.definition)
(parameter_declaration name: (identifier) @local.definition)
(variadic_parameter_declaration name: (identifier) @local.definition)
(short_var_declaration left: (expression_list (identifier) @local.definition))
(var_spec name: (identifier) @local.definition)
(const_spec name: (identifier) @local.definition)
(range_clause left: (expression_list (identifier) @local.definition))
(type_spec name: (type_identifier) @local.definition)
(type_switch_statement alias: (expression_list (identifier) @local.definition))
(labeled_statement label: (label_name) @local.definition)

; References
(identifier) @local.reference
(type_identifier) @local.reference
