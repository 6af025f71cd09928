; empty block
(if_statement consequence: (statement_block) @target)
(else_clause (statement_block) @target)
(while_statement body: (statement_block) @target)
(for_statement body: (statement_block) @target)
(for_in_statement body: (statement_block) @target)
(catch_clause body: (statement_block) @target)
