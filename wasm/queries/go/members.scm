; Members for rename (booster-lsp, MIT): a method's name, and `value.Name` uses whose target
; booster cannot resolve without types.
(method_declaration name: (field_identifier) @member.definition)
(selector_expression field: (field_identifier) @member.use)
