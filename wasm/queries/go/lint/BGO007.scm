; redundant break at the end of a switch case
(expression_case (statement_list (break_statement !label) @target .))
(default_case (statement_list (break_statement) @target .))
