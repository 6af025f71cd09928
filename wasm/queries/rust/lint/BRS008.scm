; empty if branch
(if_expression consequence: (block) @target)
