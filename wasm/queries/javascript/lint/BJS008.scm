; loose equality against null or a literal
(binary_expression left: (_) @left operator: ["==" "!="] @op right: [(null) (number) (string) (undefined)] @right) @target
(binary_expression left: [(null) (number) (string) (undefined)] @left operator: ["==" "!="] @op right: (_) @right) @target
