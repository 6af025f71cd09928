; unreachable code after return / break / continue
(block (expression_statement [(return_expression) (break_expression) (continue_expression)]) @jump . (_) @target)
