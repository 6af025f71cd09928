; Extra facts for booster-lsp's refactorings (appended to locals.scm). MIT.
(function_declaration name: (identifier) @local.definition.outer parameters: (parameter_list) @function.params body: (block) @function.body) @function
(method_declaration parameters: (parameter_list) @function.params body: (block) @function.body) @function
(func_literal parameters: (parameter_list) @function.params body: (block) @function.body) @function
(short_var_declaration) @declaration
(var_declaration) @declaration
(const_declaration) @declaration
(keyed_element . (literal_element (identifier) @skip))
