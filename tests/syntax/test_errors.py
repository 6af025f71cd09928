"""Broken fixtures: exact error locations and messages, per language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from booster_lsp.core.syntax import SyntaxIssue

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "syntax"

EXPECTED = json.loads((FIXTURES / "expected_errors.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_errors(shared_service, name):
    case = EXPECTED[name]
    issues = shared_service.parse_errors(case["language"], (FIXTURES / name).read_bytes())
    assert [
        {"kind": i.kind, "start": list(i.start), "end": list(i.end), "start_byte": i.start_byte,
         "end_byte": i.end_byte, "message": i.message}
        for i in issues
    ] == case["errors"]


def test_every_language_has_a_fixture():
    assert {c["language"] for c in EXPECTED.values()} == {
        "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust"
    }


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("python", "print(1 +)\n", [SyntaxIssue(8, 9, (0, 8), (0, 9), "unexpected '+'", "error")]),
        ("python", "def f():\n    return )\n", [SyntaxIssue(13, 21, (1, 4), (1, 12), "unexpected ')'", "error")]),
        ("rust", "fn main( { }\n", [SyntaxIssue(8, 8, (0, 8), (0, 8), "expected ')'", "missing")]),
        ("go", "package main\nfunc main() {\n  x := \n}\n", [SyntaxIssue(33, 33, (2, 6), (2, 6), "expected identifier", "missing")]),
        ("typescript", "let x: = 1;\n", [SyntaxIssue(5, 6, (0, 5), (0, 6), "unexpected ':'", "error")]),
        ("python", "x = 'é' +\n", [SyntaxIssue(0, 10, (0, 0), (0, 10), "unexpected '+'", "error")]),  # byte columns
        ("python", "", []),
        # the file ends inside a bracket: the innermost unclosed one, not the node's last token
        ("python", "x = (1,\n", [SyntaxIssue(4, 5, (0, 4), (0, 5), "'(' was never closed", "error")]),
        ("python", "y = 1\nz = f([1, ')'\n  \n", [SyntaxIssue(12, 13, (1, 6), (1, 7), "'[' was never closed", "error")]),
        ("go", "package main\n\nfunc main() {\n", [SyntaxIssue(26, 27, (2, 12), (2, 13), "'{' was never closed", "error")]),
        ("rust", "fn main() {\n    let x = (1, 2);\n", [SyntaxIssue(10, 11, (0, 10), (0, 11), "'{' was never closed", "error")]),
        # text after the error: a bracket may close later, so the usual message
        ("python", "print('a'\ny = 2\n", [SyntaxIssue(5, 11, (0, 5), (1, 1), "unexpected 'y'", "error")]),
    ],
)
def test_small_snippets(shared_service, language, text, expected):
    assert shared_service.parse_errors(language, text) == expected


def test_new_errors_reports_only_introduced_ones(shared_service):
    before = "def f(:\n    pass\n"
    assert shared_service.new_errors("python", before, before) == []
    after = before + "x = = 1\n"
    introduced = shared_service.new_errors("python", before, after)
    assert [(i.start, i.message) for i in introduced] == [((2, 4), "unexpected '='")]
    assert shared_service.new_errors("python", after, "x = 1\n") == []


def test_supports():
    from booster_lsp.core.syntax import SyntaxService
    for lang in ("python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust"):
        assert SyntaxService.supports(lang)
    assert not SyntaxService.supports("ruby")
