; empty branch
(if_statement consequence: (block) @target)
(if_statement alternative: (block) @target)
