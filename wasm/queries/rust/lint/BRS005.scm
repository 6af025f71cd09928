; empty loop body
(loop_expression body: (block) @target)
(while_expression body: (block) @target)
