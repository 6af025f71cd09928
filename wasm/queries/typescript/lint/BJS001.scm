; no-debugger
(statement_block (debugger_statement) @target)
(program (debugger_statement) @target)
(switch_case (debugger_statement) @target)
[(if_statement consequence: (debugger_statement) @target @nofix) (else_clause (debugger_statement) @target @nofix)]
