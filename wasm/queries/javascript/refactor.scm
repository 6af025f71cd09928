; Extra facts for booster-lsp's refactorings (appended to locals.scm). MIT.
(function_declaration name: (identifier) @local.definition.outer parameters: (formal_parameters) @function.params body: (statement_block) @function.body) @function
(generator_function_declaration name: (identifier) @local.definition.outer parameters: (formal_parameters) @function.params body: (statement_block) @function.body) @function
(function_expression parameters: (formal_parameters) @function.params body: (statement_block) @function.body) @function
(arrow_function parameters: (formal_parameters) @function.params) @function
(method_definition parameters: (formal_parameters) @function.params body: (statement_block) @function.body) @function
(rest_pattern (identifier) @local.definition)
(pair_pattern value: (identifier) @local.definition)
(assignment_pattern left: (identifier) @local.definition)
(lexical_declaration) @declaration
(for_in_statement kind: _ left: (identifier) @local.definition)
