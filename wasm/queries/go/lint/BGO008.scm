; for true { } is for { }
(for_statement (true) @target)
