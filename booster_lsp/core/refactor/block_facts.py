"""Node kinds of JavaScript, TypeScript, Go and Rust that the block-language refactorings look
at (extract function, simplify, inline, extract constant), as data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BlockFacts:
    containers: frozenset[str]  # nodes whose named children are statements
    functions: frozenset[str]  # nested functions / closures: their return / await / this are their own
    loops: frozenset[str]
    breakable: frozenset[str]  # loops + switch / select (a plain `break` leaves them)
    returns: frozenset[str]
    breaks: frozenset[str]
    continues: frozenset[str]
    awaits: frozenset[str]
    yields: frozenset[str]
    receiver: frozenset[str]  # `this` / `self`
    literals: dict[str, str]  # literal node kind -> type (the language's default)
    impure: frozenset[str]  # expressions that may have effects or read mutable state
    bool_true: str = "true"
    bool_false: str = "false"
    comparisons: frozenset[str] = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||", "instanceof", "in"})
    atomic: frozenset[str] = frozenset()
    declarations: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    string_like: frozenset[str] = field(default_factory=frozenset)


_JS_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                           "generator_function_declaration", "generator_function", "class_declaration", "class"})
JS = BlockFacts(
    containers=frozenset({"statement_block", "program", "switch_case", "switch_default"}),
    functions=_JS_FUNCTIONS,
    loops=frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"}),
    breakable=frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement", "switch_statement"}),
    returns=frozenset({"return_statement"}),
    breaks=frozenset({"break_statement"}),
    continues=frozenset({"continue_statement"}),
    awaits=frozenset({"await_expression"}),
    yields=frozenset({"yield_expression"}),
    receiver=frozenset({"this", "super"}),
    literals={"number": "number", "string": "string", "true": "boolean", "false": "boolean"},
    impure=frozenset({"call_expression", "new_expression", "await_expression", "yield_expression", "member_expression",
                      "subscript_expression", "assignment_expression", "augmented_assignment_expression",
                      "update_expression", "template_substitution"}),
    atomic=frozenset({"identifier", "number", "string", "true", "false", "null", "undefined", "call_expression",
                      "member_expression", "subscript_expression", "parenthesized_expression", "array", "object",
                      "this", "template_string"}),
    declarations=frozenset({"lexical_declaration", "variable_declaration"}),
    methods=frozenset({"method_definition"}),
    string_like=frozenset({"string"}),
)
GO = BlockFacts(
    containers=frozenset({"statement_list", "source_file"}),
    functions=frozenset({"func_literal", "function_declaration", "method_declaration"}),
    loops=frozenset({"for_statement"}),
    breakable=frozenset({"for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"}),
    returns=frozenset({"return_statement"}),
    breaks=frozenset({"break_statement"}),
    continues=frozenset({"continue_statement"}),
    awaits=frozenset(),
    yields=frozenset(),
    receiver=frozenset(),
    literals={"int_literal": "int", "float_literal": "float64", "interpreted_string_literal": "string",
              "raw_string_literal": "string", "true": "bool", "false": "bool", "rune_literal": "rune",
              "imaginary_literal": "complex128"},
    impure=frozenset({"call_expression", "selector_expression", "index_expression", "unary_expression",
                      "slice_expression", "type_assertion_expression"}),
    comparisons=frozenset({"==", "!=", "<", ">", "<=", ">=", "&&", "||"}),
    atomic=frozenset({"identifier", "int_literal", "float_literal", "interpreted_string_literal", "raw_string_literal",
                      "true", "false", "nil", "rune_literal", "call_expression", "selector_expression",
                      "index_expression", "parenthesized_expression", "composite_literal"}),
    declarations=frozenset({"short_var_declaration", "var_declaration"}),
    methods=frozenset({"method_declaration"}),
    string_like=frozenset({"interpreted_string_literal", "raw_string_literal"}),
)
RUST = BlockFacts(
    containers=frozenset({"block", "source_file"}),
    functions=frozenset({"closure_expression", "function_item", "async_block"}),
    loops=frozenset({"loop_expression", "while_expression", "for_expression"}),
    breakable=frozenset({"loop_expression", "while_expression", "for_expression"}),
    returns=frozenset({"return_expression", "try_expression"}),
    breaks=frozenset({"break_expression"}),
    continues=frozenset({"continue_expression"}),
    awaits=frozenset({"await_expression"}),
    yields=frozenset({"yield_expression"}),
    receiver=frozenset({"self"}),
    literals={"integer_literal": "i32", "float_literal": "f64", "string_literal": "&str", "raw_string_literal": "&str",
              "boolean_literal": "bool", "char_literal": "char"},
    impure=frozenset({"call_expression", "macro_invocation", "field_expression", "index_expression",
                      "await_expression", "try_expression", "unary_expression", "reference_expression",
                      "assignment_expression", "compound_assignment_expr"}),
    comparisons=frozenset({"==", "!=", "<", ">", "<=", ">=", "&&", "||"}),
    atomic=frozenset({"identifier", "integer_literal", "float_literal", "string_literal", "boolean_literal",
                      "char_literal", "call_expression", "field_expression", "index_expression",
                      "parenthesized_expression", "macro_invocation", "self", "tuple_expression", "array_expression"}),
    declarations=frozenset({"let_declaration"}),
    methods=frozenset({"function_item"}),
    string_like=frozenset({"string_literal", "raw_string_literal"}),
)

FACTS: dict[str, BlockFacts] = {"javascript": JS, "javascriptreact": JS, "typescript": JS, "typescriptreact": JS,
                                "go": GO, "rust": RUST}
TYPED = frozenset({"typescript", "typescriptreact", "go", "rust"})
JS_LIKE = frozenset({"javascript", "javascriptreact", "typescript", "typescriptreact"})
