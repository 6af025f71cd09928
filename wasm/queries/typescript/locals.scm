; Scopes, definitions and references for rename / extract (TypeScript, and TSX, which uses
; this file: core/syntax.py QUERY_BASE). Adapted from tree-sitter-javascript 0.25.0 queries/locals.scm and
; tree-sitter-typescript 0.23.2 queries/locals.scm (both MIT, Copyright (c) 2014 Max
; Brunsfeld / 2016 the tree-sitter-typescript authors), extended with types and imports.

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
  (interface_body)
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
(class_declaration name: (type_identifier) @local.definition)
(interface_declaration name: (type_identifier) @local.definition)
(type_alias_declaration name: (type_identifier) @local.definition)
(enum_declaration name: (identifier) @local.definition)
(type_parameter name: (type_identifier) @local.definition)
(required_parameter pattern: (identifier) @local.definition)
(optional_parameter pattern: (identifier) @local.definition)
(arrow_function parameter: (identifier) @local.definition)
(import_clause (identifier) @local.definition)
(import_specifier name: (identifier) @local.definition)
(import_specifier alias: (identifier) @local.definition)
(namespace_import (identifier) @local.definition)
(catch_clause parameter: (identifier) @local.definition)

; References
(identifier) @local.reference
(type_identifier) @local.reference
(shorthand_property_identifier) @local.reference
