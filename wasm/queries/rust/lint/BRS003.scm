; self-assignment: x = x
(assignment_expression left: (_) @left right: (_) @right) @target
