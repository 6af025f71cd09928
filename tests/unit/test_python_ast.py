"""The AST comparison behind `verify` for Python (core/python_ast.py): black's safe mode."""

from __future__ import annotations

import pytest

from booster_lsp.core.python_ast import NOT_COMPARED, ast_difference

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "before, after",
    [
        ("x=[1,2]\n", "x = [1, 2]\n"),
        ("x = (\n  1\n)\n", "x = 1\n"),
        ('def f():\n  """Doc.   \n\n       more\n  """\n', 'def f():\n    """Doc.\n\n    more\n    """\n'),
        ('class C:\n  """  Doc."""\n  x=1\n', 'class C:\n    """Doc."""\n\n    x = 1\n'),
        ("del (a, b)\n", "del a, b\n"),
        ("del (a), [b]\n", "del a, [b]\n"),
        ("f(**a, b=1)\n{**a, 'b': 1}\n", "f(**a, b=1)\n{**a, 'b': 1}\n"),
        ("x = 'a' 'b'\n", 'x = "a" "b"\n'),
        ("global a, b\n", "global a, b\n"),
    ],
)
def test_layout_quotes_docstring_indentation_and_del_parentheses_are_the_same_program(before, after):
    assert ast_difference(before, after) is None


@pytest.mark.parametrize(
    "before, after, expected",
    [
        ("x = 1\n", "x = 1.0\n", "at line 1: 1 became 1.0"),
        ("x = 1\n", "x = True\n", "at line 1: 1 became True"),
        ("x = 'a'\n", "x = b'a'\n", "at line 1: 'a' became b'a'"),
        ("x = 1\n\ny = a\n", "x = 1\n\ny = b\n", "at line 3: 'a' became 'b'"),
        ("f(a, b)\n", "f(a)\n", "at line 1: 2 items became 1 item"),
        ("x = a + b\n", "x = a - b\n", "at line 1: a Add became a Sub"),
        ('def f():\n    """One."""\n', 'def f():\n    """Two."""\n', "at line 2: the docstring changed"),
        ('def f():\n    """Doc."""\n    return 1\n', "def f():\n    return 1\n", "at line 1: 2 items became 1 item"),
        ("del a, b\n", "del a\n", "at line 1: 2 items became 1 item"),
        ("x = u'a'\n", "x = 'a'\n", "at line 1: 'u' became None"),
    ],
)
def test_a_different_program_is_reported_with_the_line_of_the_first_difference(before, after, expected):
    difference = ast_difference(before, after)
    assert difference is not None and difference.startswith("its AST differs from the input's " + expected)


def test_with_docstring_code_the_docstrings_contents_are_not_compared():
    before, after = 'def f():\n    """>>> f( 1 )"""\n', 'def f():\n    """>>> f(1)"""\n'
    assert ast_difference(before, after) is not None
    assert ast_difference(before, after, docstring_code=True) is None


def test_an_expression_nested_thousands_deep_is_compared_without_recursion():
    terms = ["a"] * 2500
    before = "x = " + "+".join(terms) + "\n"
    assert ast_difference(before, "x = (" + " + ".join(terms) + ")\n") is None
    assert "'a' became 'b'" in ast_difference(before, "x = " + "+".join(terms[:-1]) + "+b\n")


def test_an_input_python_cannot_parse_is_not_compared_and_an_output_it_cannot_parse_is_a_difference():
    assert ast_difference('print "x"\n', "x = 1\n") == NOT_COMPARED
    assert ast_difference("x = 1\n", "x = (\n") == "the output does not parse with Python's own parser"
