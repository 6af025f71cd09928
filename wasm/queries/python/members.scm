; Member accesses for rename (booster-lsp, MIT): `value.name` uses whose target booster cannot
; resolve without types. A member's definitions are the bindings of a class scope (scopes.py).
(attribute attribute: (identifier) @member.use)
