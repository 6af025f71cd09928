; comparison to a boolean literal: x == true
(binary_expression left: (_) @left operator: ["==" "!="] @op right: (boolean_literal) @literal) @target
