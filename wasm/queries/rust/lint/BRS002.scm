; needless bool: if c { true } else { false }
(if_expression
  condition: (_) @cond
  consequence: (block . (boolean_literal) @then .)
  alternative: (else_clause (block . (boolean_literal) @else .))) @target
