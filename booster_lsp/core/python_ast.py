"""Python formatting must not change the program: black's "safe mode", for any formatter.

The input's and the output's ASTs are compared after the normalisation black applies
(``black/parsing.py``): a docstring is compared line by line with each line stripped (a
formatter re-indents docstrings and drops trailing spaces), and ``del (a, b)`` equals
``del a, b``. Line and column numbers are ignored. An input CPython cannot parse (a newer
grammar than this interpreter's, or a syntax error the formatter tolerates) is not compared:
the tree-sitter check of verify applies to it instead.

The two trees are walked side by side, iteratively, stopping at the first difference. The
walk replaced normalising each tree in place and comparing ``ast.dump`` strings, which took
~100 ms on a 2,000-line file on the benchmark VM (12x the formatting itself, on the path of
every ``booster format`` without ``--fast``) and raised RecursionError on an expression
nested ~1,000 deep (``a + a + ... + a``), which CPython parses. Comparing now takes ~14 ms
of the ~56; the rest is CPython parsing both texts.
"""

from __future__ import annotations

import ast
import warnings
from itertools import repeat
from typing import Any

_DOCSTRING_OWNERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)

NOT_COMPARED = "not compared"


def _parse(code: str) -> ast.AST | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and friends
            return ast.parse(code, type_comments=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _docstring(body: list[ast.stmt]) -> str | None:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.value.value
    return None


def _normalised_docstring(value: str, docstring_code: bool) -> str:
    # with docstring_code the formatter also rewrites the code examples inside them
    return "<docstring>" if docstring_code else "\n".join(line.strip() for line in value.splitlines()).strip()


def _delete_targets(node: ast.Delete) -> list[ast.expr]:
    targets: list[ast.expr] = []
    for target in node.targets:
        targets.extend(target.elts if isinstance(target, ast.Tuple) else [target])
    return targets


def _describe(value: object) -> str:
    if isinstance(value, ast.Constant):
        return f"the constant {value.value!r}"[:80]
    if isinstance(value, ast.AST):
        return f"a {type(value).__name__}"
    if isinstance(value, list):
        return f"{len(value)} item{'' if len(value) == 1 else 's'}"
    return repr(value)[:80]


def _first_difference(old: ast.AST, new: ast.AST, docstring_code: bool) -> str | None:
    """Where ``new`` is not the same tree as ``old`` (after the normalisation above), else
    None. Leaves are equal when of the same type and equal (``1`` is not ``1.0`` or
    ``True``); the fields are those of ``ast.dump``, position attributes are not compared."""
    pending: list[tuple[Any, Any, int]] = [(old, new, 1)]
    pop, push, extend = pending.pop, pending.append, pending.extend
    while pending:
        a, b, line = pop()
        if a is b:  # shared objects: Load/Store singletons, interned names, None
            continue
        kind = type(a)
        if kind is not type(b):
            return f"at line {line}: {_describe(a)} became {_describe(b)}"
        if kind is list:
            if len(a) != len(b):
                return f"at line {line}: {_describe(a)} became {_describe(b)}"
            extend(zip(reversed(a), reversed(b), repeat(line)))
            continue
        fields = _FIELDS.get(kind)
        if fields is None:
            if not issubclass(kind, ast.AST):  # a leaf: str, int, float, complex, bytes, bool, None, ...
                if a != b:
                    return f"at line {line}: {_describe(a)} became {_describe(b)}"
                continue
            fields = _FIELDS[kind] = tuple(reversed(kind._fields))
        line = getattr(a, "lineno", line)
        if kind in _SPECIAL:
            if kind is ast.Delete:
                push((_delete_targets(a), _delete_targets(b), line))
                continue
            old_doc, new_doc = _docstring(a.body), _docstring(b.body)
            if old_doc is not None and new_doc is not None:
                if _normalised_docstring(old_doc, docstring_code) != _normalised_docstring(new_doc, docstring_code):
                    return f"at line {a.body[0].lineno}: the docstring changed"
                for name in fields:
                    push((a.body[1:], b.body[1:], line) if name == "body" else (getattr(a, name), getattr(b, name), line))
                continue
        for name in fields:
            push((getattr(a, name, None), getattr(b, name, None), line))
    return None


#: each node class's fields, last first (the walk pops the first field first)
_FIELDS: dict[type, tuple[str, ...]] = {}
_SPECIAL = frozenset({*_DOCSTRING_OWNERS, ast.Delete})


def ast_difference(before: str, after: str, *, docstring_code: bool = False) -> str | None:
    """None when ``after`` is the same program as ``before``; :data:`NOT_COMPARED` when
    ``before`` cannot be parsed by this interpreter; otherwise the first difference."""
    old_tree = _parse(before)
    if old_tree is None:
        return NOT_COMPARED
    new_tree = _parse(after)
    if new_tree is None:
        return "the output does not parse with Python's own parser"
    difference = _first_difference(old_tree, new_tree, docstring_code)
    return None if difference is None else f"its AST differs from the input's {difference}"
