; `use a::b;` and `use a::{b, c};` bind b and c: renamed in this file only as `b as new`.
(use_declaration argument: (scoped_identifier name: (identifier) @import.name))
(use_declaration argument: (identifier) @import.name)
(use_list (identifier) @import.name)
(use_list (scoped_identifier name: (identifier) @import.name))
