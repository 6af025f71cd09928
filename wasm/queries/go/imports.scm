; Go binds package names without writing them (`import "fmt"` binds fmt): nothing to alias here.
(import_spec name: (package_identifier) @import.aliased)
