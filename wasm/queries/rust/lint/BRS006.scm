; self-comparison
(binary_expression left: (_) @left operator: ["==" "!=" "<" ">" "<=" ">="] @op right: (_) @right) @target
