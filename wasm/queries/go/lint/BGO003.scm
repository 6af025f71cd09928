; self-assignment: x = x
(assignment_statement left: (expression_list . (_) @left .) operator: "=" right: (expression_list . (_) @right .)) @target
