; unreachable code after return / goto / break / continue
(statement_list [(return_statement) (goto_statement) (break_statement) (continue_statement)] @jump . (_) @target)
