; Members for rename (booster-lsp, MIT): items of an `impl` or `trait`, and `value.name` /
; `Type::name` uses whose target booster cannot resolve without types.
(impl_item body: (declaration_list (function_item name: (identifier) @member.definition)))
(impl_item body: (declaration_list (const_item name: (identifier) @member.definition)))
(trait_item body: (declaration_list (function_item name: (identifier) @member.definition)))
(trait_item body: (declaration_list (function_signature_item name: (identifier) @member.definition)))
(field_expression field: (field_identifier) @member.use)
(scoped_identifier name: (identifier) @member.use)
