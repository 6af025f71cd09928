; loose equality against a literal or `undefined`; not `== null`, the idiom for "null or
; undefined" (Biome's noDoubleEquals with its default ignoreNull, ESLint's eqeqeq "smart")
(binary_expression left: (_) @left operator: ["==" "!="] @op right: [(number) (string) (undefined)] @right) @target
(binary_expression left: [(number) (string) (undefined)] @left operator: ["==" "!="] @op right: (_) @right) @target
