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
