; Scope and binding facts for booster-lsp's refactorings (rename, extract, inline) — Python.
; Written for booster-lsp against tree-sitter-python 0.25.0. Licence: MIT.
; Capture names are roles; booster_lsp/core/refactor/scopes.py gives each identifier the
; strongest role among its captures: param > store / def / global / nonlocal / walrus > skip > ref.

; ---------------------------------------------------------------- scope regions
(function_definition
  name: (identifier) @def
  parameters: (parameters) @fn.params
  body: (block) @fn.body) @fn
(class_definition name: (identifier) @def body: (block) @class.body) @class
(lambda parameters: (lambda_parameters) @lambda.params body: (_) @lambda.body) @lambda
(lambda body: (_) @lambda.body) @lambda
(list_comprehension body: (_) . (for_in_clause right: (_) @comp.first)) @comp
(set_comprehension body: (_) . (for_in_clause right: (_) @comp.first)) @comp
(dictionary_comprehension body: (_) . (for_in_clause right: (_) @comp.first)) @comp
(generator_expression body: (_) . (for_in_clause right: (_) @comp.first)) @comp

; ---------------------------------------------------------------- parameters
(parameters (identifier) @param)
(lambda_parameters (identifier) @param)
(default_parameter name: (identifier) @param)
(typed_parameter (identifier) @param)
(typed_default_parameter name: (identifier) @param)
(list_splat_pattern (identifier) @param.splat)
(dictionary_splat_pattern (identifier) @param)

; ---------------------------------------------------------------- stores
(assignment left: (identifier) @store)
(augmented_assignment left: (identifier) @store)
(for_statement left: (identifier) @store)
(for_in_clause left: (identifier) @store)
(pattern_list (identifier) @store)
(tuple_pattern (identifier) @store)
(list_pattern (identifier) @store)
(as_pattern_target (identifier) @store)
(as_pattern_target [(tuple (identifier) @store) (list (identifier) @store) (parenthesized_expression (identifier) @store)])
(as_pattern_target [(tuple [(tuple (identifier) @store) (list (identifier) @store) (parenthesized_expression (identifier) @store) (list_splat (identifier) @store)])
                    (list [(tuple (identifier) @store) (list (identifier) @store) (list_splat (identifier) @store)])])
(delete_statement (identifier) @store)
(delete_statement [(expression_list (identifier) @store) (parenthesized_expression (identifier) @store) (tuple (identifier) @store) (list (identifier) @store)])
(named_expression name: (identifier) @walrus)
(import_statement name: (dotted_name . (identifier) @store))
(import_from_statement name: (dotted_name (identifier) @store))
(aliased_import alias: (identifier) @store)
(case_pattern (dotted_name . (identifier) @store .))
(splat_pattern (identifier) @store)
(case_pattern (as_pattern (identifier) @store .))
(global_statement (identifier) @global)
(nonlocal_statement (identifier) @nonlocal)

; ---------------------------------------------------------------- not variables
(attribute attribute: (identifier) @skip)
(keyword_argument name: (identifier) @skip)
(keyword_pattern . (identifier) @skip)
(import_statement name: (dotted_name (identifier) @skip))
(aliased_import name: (dotted_name (identifier) @skip))
(import_from_statement module_name: (dotted_name (identifier) @skip))
(relative_import (dotted_name (identifier) @skip))
(future_import_statement (dotted_name (identifier) @skip))

; ---------------------------------------------------------------- calls with keyword arguments
(call function: (identifier) @call.callee
  arguments: (argument_list (keyword_argument name: (identifier) @call.keyword)))

; ---------------------------------------------------------------- every name
(identifier) @ref
