"""Queries: the locals.scm files compile and capture what they should; errors are reported."""

from __future__ import annotations

import pytest

from booster_lsp.core.syntax import QUERY_BASE, QUERY_DIR, SyntaxService, query_path
from booster_lsp.wasm.abi.syntax_v1 import QueryCompileError

LANGUAGES = ["python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust"]


def _query_names(grammar: str) -> set[str]:
    """Every query file a grammar uses: its own and those it takes from its base grammars."""
    names: set[str] = set()
    current: str | None = grammar
    while current is not None:
        base = QUERY_DIR / current
        names |= {path.relative_to(base).with_suffix("").as_posix() for path in base.rglob("*.scm")}
        current = QUERY_BASE.get(current)
    return names


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_query_file_compiles(service, language):
    """Including the files a grammar inherits (TSX from TypeScript, TypeScript from JavaScript)."""
    grammar = SyntaxService.grammar(language)
    names = _query_names(grammar)
    assert "locals" in names, f"no locals.scm for {grammar}"
    service.open("empty", language, "")
    for name in sorted(names):
        service.query("empty", query_path(grammar, name).read_text())


def _captures(service, language, source):
    service.open(language, language, source)
    text = service.text(language)
    caps = service.query(language, service.query_file(language, "locals"))
    return [(c.name, text[c.start_byte:c.end_byte].decode()) for c in caps if c.name != "local.scope"], [
        (c.kind, c.start[0]) for c in caps if c.name == "local.scope"
    ]


def test_python_locals(service):
    src = "import os\n\ndef area(w, h=2, *rest):\n    total = w * h\n    return total\n"
    named, scopes = _captures(service, "python", src)
    defs = [t for n, t in named if n == "local.definition"]
    assert defs == ["os", "area", "w", "h", "rest", "total"]
    assert ("local.reference", "total") in named
    assert scopes == [("module", 0), ("function_definition", 2)]


def test_javascript_locals(service):
    named, scopes = _captures(service, "javascript", "function f(a, {b}) {\n  const c = a + b;\n  return c;\n}\n")
    defs = [t for n, t in named if n == "local.definition"]
    assert set(defs) == {"f", "a", "b", "c"}
    assert [k for k, _ in scopes] == ["program", "function_declaration", "statement_block"]


def test_typescript_locals(service):
    named, _ = _captures(service, "typescript", "interface P { x: number }\nfunction g(p: P, q?: number): number { return p.x; }\n")
    defs = [t for n, t in named if n == "local.definition"]
    assert set(defs) >= {"P", "g", "p", "q"}


def test_go_locals(service):
    named, scopes = _captures(service, "go", "package main\n\nfunc add(a, b int) int {\n\ts := a + b\n\treturn s\n}\n")
    defs = [t for n, t in named if n == "local.definition"]
    assert defs == ["add", "a", "b", "s"]
    assert [k for k, _ in scopes] == ["source_file", "function_declaration", "block"]


def test_rust_locals(service):
    named, _ = _captures(service, "rust", "struct S;\nfn twice(x: u32) -> u32 {\n    let y = x * 2;\n    y\n}\n")
    defs = [t for n, t in named if n == "local.definition"]
    assert defs == ["S", "twice", "x", "y"]


def test_predicates_eq_and_any_of(service):
    service.open("p.py", "python", "self.a = 1\nother.b = 2\nprint(len(x))\n")
    caps = service.query("p.py", '((identifier) @s (#eq? @s "self"))')
    assert [(c.name, c.start) for c in caps] == [("s", (0, 0))]
    caps = service.query("p.py", '((identifier) @f (#any-of? @f "print" "len"))')
    assert [c.start for c in caps] == [(2, 0), (2, 6)]
    caps = service.query("p.py", '((identifier) @n (#not-eq? @n "x"))')
    assert "x" not in [service.text("p.py")[c.start_byte:c.end_byte].decode() for c in caps]


def test_query_range_and_capture_fields(service):
    service.open("r.py", "python", "a = 1\nb = 2\n")
    caps = service.query("r.py", "(identifier) @id", start_byte=6)
    assert [(c.name, c.kind, c.start_byte, c.end_byte, c.start, c.end) for c in caps] == [
        ("id", "identifier", 6, 7, (1, 0), (1, 1))
    ]


@pytest.mark.parametrize(
    ("query", "error_type", "offset"),
    [
        ("(function_definition nme: (identifier))", "unknown field", 21),
        ("(no_such_node)", "unknown node type", 1),
        ("(identifier", "syntax error", 11),
        ('((identifier) @x (#match? @x "a"))', "unsupported predicate (supported: eq?, not-eq?, any-of?, not-any-of?)", 0),
    ],
)
def test_query_errors_carry_offset_and_type(service, query, error_type, offset):
    service.open("e.py", "python", "x = 1\n")
    with pytest.raises(QueryCompileError) as info:
        service.query("e.py", query)
    assert (info.value.error_type, info.value.offset) == (error_type, offset)
    # the service still works afterwards
    assert service.query("e.py", "(identifier) @i")[0].kind == "identifier"
