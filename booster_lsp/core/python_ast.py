"""Python formatting must not change the program: black's "safe mode", for any formatter.

The input's and the output's ASTs are compared after the normalisation black applies
(``black/parsing.py``): a docstring is compared line by line with each line stripped (a
formatter re-indents docstrings and drops trailing spaces), and ``del (a, b)`` equals
``del a, b``. Line and column numbers are ignored. An input CPython cannot parse (a newer
grammar than this interpreter's, or a syntax error the formatter tolerates) is not compared:
the tree-sitter check of verify applies to it instead.
"""

from __future__ import annotations

import ast
import os
import warnings

_DOCSTRING_OWNERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _parse(code: str) -> ast.AST | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and friends
            return ast.parse(code, type_comments=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _normalise(tree: ast.AST, docstring_code: bool) -> str:
    for node in ast.walk(tree):
        if isinstance(node, _DOCSTRING_OWNERS) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                # with docstring_code the formatter also rewrites the code examples inside them
                value = first.value.value
                first.value.value = (
                    "<docstring>" if docstring_code else "\n".join(line.strip() for line in value.splitlines()).strip()
                )
        elif isinstance(node, ast.Delete):
            targets: list[ast.expr] = []
            for target in node.targets:
                targets.extend(target.elts if isinstance(target, ast.Tuple) else [target])
            node.targets = targets
    return ast.dump(tree)


NOT_COMPARED = "not compared"


def ast_difference(before: str, after: str, *, docstring_code: bool = False) -> str | None:
    """None when ``after`` is the same program as ``before``; :data:`NOT_COMPARED` when
    ``before`` cannot be parsed by this interpreter; otherwise the first difference."""
    old_tree = _parse(before)
    if old_tree is None:
        return NOT_COMPARED
    new_tree = _parse(after)
    if new_tree is None:
        return "the output does not parse with Python's own parser"
    old, new = _normalise(old_tree, docstring_code), _normalise(new_tree, docstring_code)
    if old == new:
        return None
    at = len(os.path.commonprefix([old, new]))
    return f"its AST differs from the input's: {old[max(0, at - 60):at + 40]!r} became {new[max(0, at - 60):at + 40]!r}"
