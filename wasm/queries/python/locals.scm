; Scopes, definitions and references for rename / extract (Python).
; Written for booster-lsp against tree-sitter-python 0.25.0 (its npm package ships no
; locals.scm); capture names follow tree-sitter's locals convention.
; Licence: MIT, like the rest of booster-lsp's query files.

; Scopes
[
  (module)
  (function_definition)
  (lambda)
  (class_definition)
  (list_comprehension)
  (dictionary_comprehension)
  (set_comprehension)
  (generator_expression)
] @local.scope

; Definitions
(function_definition name: (identifier) @local.definition)
(class_definition name: (identifier) @local.definition)
(parameters (identifier) @local.definition)
(lambda_parameters (identifier) @local.definition)
(default_parameter name: (identifier) @local.definition)
(typed_parameter (identifier) @local.definition)
(typed_default_parameter name: (identifier) @local.definition)
(list_splat_pattern (identifier) @local.definition)
(dictionary_splat_pattern (identifier) @local.definition)
(assignment left: (identifier) @local.definition)
(assignment left: (pattern_list (identifier) @local.definition))
(assignment left: (tuple_pattern (identifier) @local.definition))
(augmented_assignment left: (identifier) @local.definition)
(named_expression name: (identifier) @local.definition)
(for_statement left: (identifier) @local.definition)
(for_statement left: (pattern_list (identifier) @local.definition))
(for_in_clause left: (identifier) @local.definition)
(for_in_clause left: (pattern_list (identifier) @local.definition))
(import_statement name: (dotted_name . (identifier) @local.definition))
(aliased_import alias: (identifier) @local.definition)
(import_from_statement name: (dotted_name (identifier) @local.definition))
(as_pattern alias: (as_pattern_target (identifier) @local.definition))

; References
(identifier) @local.reference
