; needless return at the end of a function body
(function_item body: (block (expression_statement (return_expression (_) @value) @target) .))
(function_item body: (block (return_expression (_) @value) @target .))
