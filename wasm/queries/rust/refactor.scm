; Extra facts for booster-lsp's refactorings (appended to locals.scm). MIT.
(function_item name: (identifier) @local.definition.outer parameters: (parameters) @function.params body: (block) @function.body) @function
(closure_expression parameters: (closure_parameters) @function.params) @function
(mut_pattern (identifier) @local.definition)
(parameter pattern: (mut_pattern (identifier) @local.definition))
(let_declaration pattern: (mut_pattern (identifier) @local.definition))
(ref_pattern (identifier) @local.definition)
(let_condition pattern: (identifier) @local.definition)
(let_declaration) @declaration
(scoped_identifier name: (identifier) @skip)
(macro_invocation macro: (identifier) @skip)
(tuple_struct_pattern type: (identifier) @skip)
(shorthand_field_initializer (identifier) @local.reference.shorthand)
