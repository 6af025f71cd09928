; needless ternary: c ? true : false
(ternary_expression condition: (_) @cond consequence: [(true) (false)] @then alternative: [(true) (false)] @else) @target
