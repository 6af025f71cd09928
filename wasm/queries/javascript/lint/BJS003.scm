; unreachable code after return / throw / break / continue
(statement_block [(return_statement) (throw_statement) (break_statement) (continue_statement)] @jump . (_) @target)
(switch_case [(return_statement) (throw_statement) (break_statement) (continue_statement)] @jump . (_) @target)
