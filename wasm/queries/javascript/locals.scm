; Scopes, definitions and references for rename / extract (JavaScript, JSX).
; Adapted from tree-sitter-javascript 0.25.0 queries/locals.scm (MIT, Copyright (c) 2014
; Max Brunsfeld), extended with declarations, parameters, imports and catch clauses.

; Scopes
[
  (program)
  (statement_block)
  (function_expression)
  (arrow_function)
  (function_declaration)
  (generator_function_declaration)
  (method_definition)
  (class_body)
  (for_statement)
  (for_in_statement)
  (catch_clause)
] @local.scope

; Definitions
(pattern/identifier) @local.definition
(shorthand_property_identifier_pattern) @local.definition
(variable_declarator name: (identifier) @local.definition)
(function_declaration name: (identifier) @local.definition)
(generator_function_declaration name: (identifier) @local.definition)
(class_declaration name: (identifier) @local.definition)
(formal_parameters (identifier) @local.definition)
(arrow_function parameter: (identifier) @local.definition)
(import_clause (identifier) @local.definition)
(import_specifier name: (identifier) @local.definition)
(import_specifier alias: (identifier) @local.definition)
(namespace_import (identifier) @local.definition)
(catch_clause parameter: (identifier) @local.definition)

; References
(identifier) @local.reference
(shorthand_property_identifier) @local.reference
