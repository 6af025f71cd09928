; Named imports without an alias: `import { x } from "m"` becomes `import { x as new } from "m"`
; when x is renamed in this file only. Default and namespace imports bind a local name freely.
(import_specifier name: (identifier) @import.name !alias)
