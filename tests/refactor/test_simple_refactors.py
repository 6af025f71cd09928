"""REFACTOR_SIMPLE: simplify, inline, extract_constant (Python), with their refusals."""

from __future__ import annotations

import pytest

from booster_lsp.core.refactor.constant import extract_constant
from booster_lsp.core.refactor.inline import inline_variable
from booster_lsp.core.refactor.simplify import simplify
from booster_lsp.errors import TransformationError


def test_spec_example(booster) -> None:
    result = booster.transform_sync("if x == True:\n    return True\nelse:\n    return False", "refactor_simple",
                                    "python", refactor_type="simplify")
    assert result.success and result.transformed_code == "return x == True"  # x may not be a bool


@pytest.mark.parametrize(("code", "expected"), [
    ("def f(a):\n    if a == 1:\n        return True\n    else:\n        return False\n", "def f(a):\n    return a == 1\n"),
    ("def f(c):\n    if c:\n        return True\n    else:\n        return False\n", "def f(c):\n    return bool(c)\n"),
    ("def g(c):\n    if c:\n        return False\n    return True\n", "def g(c):\n    return not c\n"),
    ("def h(c, x):\n    if c:\n        return x\n    else:\n        y = 1\n        return y\n",
     "def h(c, x):\n    if c:\n        return x\n    y = 1\n    return y\n"),
    ("z = not not q\n", "z = bool(q)\n"),
    ("w = a if c else a\n", "w = a\n"),
    ("w = a if f() else a\n", "w = a if f() else a\n"),
    ("if (a > 1) == True:\n    pass\n", "if (a > 1):\n    pass\n"),
    ("if (a > 1) != True:\n    pass\n", "if not ((a > 1)):\n    pass\n"),
    ("if x == True:\n    pass\n", "if x == True:\n    pass\n"),
])
def test_simplify(syntax, code, expected) -> None:
    assert simplify(syntax, "python", code) == expected


CODE = '''"""doc"""
import os

def f(a, b):
    total = a + b
    print(total * 2, total)
    n = len(a)
    return n + 1

def g():
    k = os.getcwd()
    print(1)
    return k + "https://example.org" + "https://example.org"
'''


def test_inline(syntax) -> None:
    out = inline_variable(syntax, "python", CODE, 5, 5)
    assert "    print((a + b) * 2, (a + b))\n" in out and "total" not in out
    assert "    return len(a) + 1\n" in inline_variable(syntax, "python", CODE, 7, 5)


@pytest.mark.parametrize(("code", "line", "message"), [
    ("def f():\n    x = 1\n    x = 2\n    return x\n", 2, "'x' is assigned 2 times"),
    ("def f(x):\n    return x\n", 2, "'x' is a parameter"),
    ("def f():\n    x = g()\n    return x + x\n", 2, "inlining would evaluate it 2 times"),
    (CODE, 11, "moving it past other statements could change behaviour"),
    ("def f(a):\n    x = a\n    a = 2\n    return x\n", 2, "'a', read by the initializer, is reassigned at line 3"),
    ("def f():\n    x = 1\n    def g():\n        return x\n", 2, "is used in a nested function"),
    ("def f():\n    x = 1\n", 2, "'x' is never used"),
    ("def f():\n    for x in y:\n        print(x)\n", 3, "is not bound by a plain `name = value` statement"),
])
def test_inline_refusals(syntax, code, line, message) -> None:
    text = code.split("\n")[line - 1]
    col = text.rindex("x") + 1 if "x" in text else len(text) - len(text.lstrip()) + 1
    with pytest.raises(TransformationError) as info:
        inline_variable(syntax, "python", code, line, col)
    assert message in info.value.message


def test_extract_constant(syntax) -> None:
    out = extract_constant(syntax, "python", CODE, 13, 20)
    assert 'import os\n\nHTTPS_EXAMPLE_ORG = "https://example.org"\n' in out
    assert "return k + HTTPS_EXAMPLE_ORG + HTTPS_EXAMPLE_ORG" in out
    one = extract_constant(syntax, "python", CODE, 13, 20, "URL", replace_all=False)
    assert 'return k + URL + "https://example.org"' in one
    assert "return n + OFFSET" in extract_constant(syntax, "python", CODE, 8, 16, "OFFSET")


@pytest.mark.parametrize(("code", "line", "col", "name", "message"), [
    ("x = a + 1\n", 1, 1, None, "no string or number literal at 1:1"),
    ('x = f"{a}"\n', 1, 6, None, "f-strings and literals inside them cannot be extracted"),
    ("x = 1\nY = 2\n", 1, 5, "Y", "'Y' is already defined at module level"),
    ("x = 1\n", 1, 5, "not valid", "'not valid' is not a valid Python identifier"),
])
def test_extract_constant_refusals(syntax, code, line, col, name, message) -> None:
    with pytest.raises(TransformationError) as info:
        extract_constant(syntax, "python", code, line, col, name)
    assert message in info.value.message


def test_unknown_refactor_type(booster) -> None:
    result = booster.transform_sync("x = 1\n", "refactor_simple", "python", refactor_type="explode")
    assert not result.success and "unknown refactor_type 'explode'" in result.error


@pytest.mark.parametrize("kind", ["simplify", "inline", "extract_constant"])
def test_other_languages_refused(syntax, kind) -> None:
    fn = {"simplify": lambda: simplify(syntax, "cobol", "x\n"),
          "inline": lambda: inline_variable(syntax, "cobol", "x\n", 1, 1),
          "extract_constant": lambda: extract_constant(syntax, "cobol", "x\n", 1, 1)}[kind]
    with pytest.raises(TransformationError, match="does not support 'cobol'") as info:
        fn()
    assert info.value.kind == "unsupported"


@pytest.mark.parametrize(("code", "expected"), [
    # `x is True` is `x` only when x can only be a bool: every assignment of it is a known boolean
    ("def f(a):\n    flag = a > 1\n    if flag is True:\n        return 1\n",
     "def f(a):\n    flag = a > 1\n    if flag:\n        return 1\n"),
    ("def f(a):\n    flag = a > 1\n    return flag is not True\n", "def f(a):\n    flag = a > 1\n    return not (flag)\n"),
    ("def f(a):\n    flag = a\n    if flag is True:\n        return 1\n",
     "def f(a):\n    flag = a\n    if flag is True:\n        return 1\n"),
    ("def f(flag):\n    return flag is True\n", "def f(flag):\n    return flag is True\n"),
    ("def f(a):\n    flag = a > 1\n    flag = g()\n    return flag is True\n",
     "def f(a):\n    flag = a > 1\n    flag = g()\n    return flag is True\n"),
    ("if (a > 1) is True:\n    pass\n", "if (a > 1):\n    pass\n"),
])
def test_simplify_is_true(syntax, code, expected) -> None:
    assert simplify(syntax, "python", code) == expected


CRLF = ("def total(items):\r\n    s = 0\r\n    k = 2\r\n    for it in items:\r\n        s += it * k\r\n"
        "    z = not not s\r\n    return z\r\n")


@pytest.mark.parametrize(("operation", "args"), [
    ("rename", {"old_name": "s", "new_name": "acc", "line": 2, "column": 5}),
    ("extract_function", {"start_line": 4, "end_line": 5, "function_name": "add"}),
    ("refactor_simple", {"refactor_type": "extract_constant", "line": 2, "column": 9, "name": "ZERO"}),
    ("refactor_simple", {"refactor_type": "inline", "line": 3, "column": 5}),
    ("refactor_simple", {"refactor_type": "simplify"}),
])
def test_a_refactoring_keeps_the_texts_line_endings(booster, operation, args) -> None:
    """Refactorings write "\\n" and the formatter near them chose LF: a CRLF text came back
    LF, or mixed, from the API and the MCP server."""
    result = booster.transform_sync(CRLF, operation, "python", _cache=False, **args)
    assert result.success, result.error
    assert result.transformed_code != CRLF
    assert result.transformed_code.count("\n") == result.transformed_code.count("\r\n")


@pytest.mark.parametrize(("operation", "args"), [  # lines of CRLF, one lower
    ("extract_function", {"start_line": 5, "end_line": 6, "function_name": "add"}),
    ("refactor_simple", {"refactor_type": "extract_constant", "line": 3, "column": 9, "name": "ZERO"}),
    ("lint", {"fix": "safe"}),
])
def test_code_inserted_at_the_top_goes_after_the_byte_order_mark(booster, operation, args) -> None:
    """A U+FEFF left in the middle of a Python file is a syntax error."""
    code = "\ufeffimport os\r\n" + CRLF
    result = booster.transform_sync(code, operation, "python", _cache=False, **args)
    assert result.success, result.error
    assert result.transformed_code.startswith("\ufeff") and result.transformed_code.count("\ufeff") == 1
    assert result.transformed_code != code


def test_lint_positions_after_a_byte_order_mark_are_those_an_editor_shows(booster) -> None:
    result = booster.transform_sync("\ufeffimport os\nx = 1\n", "lint", "python", _cache=False)
    assert [(d["code"], d["line"], d["column"]) for d in result.diagnostics] == [("F401", 1, 8)]
