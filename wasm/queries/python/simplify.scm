; Simplify patterns (booster-lsp, MIT). Each match is one rewrite; see core/refactor/simplify.py.
(if_statement
  condition: (_) @cond
  consequence: (block . (return_statement [(true) (false)] @then) .)
  alternative: (else_clause body: (block . (return_statement [(true) (false)] @else) .))) @bool_return

(if_statement
  condition: (_) @cond
  consequence: (block . (return_statement [(true) (false)] @then) .)
  !alternative) @bool_return_tail

(if_statement
  consequence: (block (return_statement) .)
  alternative: (else_clause body: (block) @else_body) @else) @else_after_return

(not_operator argument: (not_operator argument: (_) @inner)) @not_not

(conditional_expression . (_) @a . (_) @cond . (_) @b .) @same_branches

(comparison_operator . (_) @left . [(true) (false)] @right .) @compare_bool

[(comparison_operator) (not_operator) (boolean_operator)] @boolean
(call function: (identifier) @fn (#any-of? @fn "isinstance" "issubclass" "callable" "hasattr" "bool" "all" "any")) @boolean
[(true) (false)] @boolean
[(call) (await) (yield) (named_expression) (subscript) (attribute)] @impure
(expression_statement (assignment left: (identifier) @lhs right: (_) @rhs)) @assign_stmt
[(string) (integer) (float) (concatenated_string)] @literal
(interpolation) @interpolation
