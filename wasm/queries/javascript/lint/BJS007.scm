; comparison to a boolean literal: x === true
(binary_expression left: (_) @left operator: ["==" "===" "!=" "!=="] @op right: [(true) (false)] @literal) @target
