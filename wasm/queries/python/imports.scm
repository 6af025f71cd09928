; Names bound by import statements without an alias. Renaming such a name in one file must
; not change what is imported: `from m import x` becomes `from m import x as new`.
(import_from_statement name: (dotted_name (identifier) @import.name))
; `import a` binds a; `import a.b` binds a too, but `import a.b as new` would bind a.b: refused.
(import_statement name: (dotted_name) @import.dotted)
