; Control flow facts inside an extract-function selection (booster-lsp, MIT).
(return_statement) @return
(break_statement) @break
(continue_statement) @continue
(yield) @yield
(await) @await
(for_statement "async") @await
(with_statement "async") @await
[(for_statement) (while_statement)] @loop
[(function_definition) (lambda) (class_definition)] @nested
(augmented_assignment left: (identifier) @augmented)
