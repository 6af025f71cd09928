; needless bool return: if c { return true } else { return false }
(if_statement
  condition: (_) @cond
  consequence: (block (statement_list . (return_statement (expression_list [(true) (false)] @then)) .))
  alternative: (block (statement_list . (return_statement (expression_list [(true) (false)] @else)) .))) @target
