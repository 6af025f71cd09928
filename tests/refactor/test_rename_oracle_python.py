"""Rename oracle on CPython's standard library.

For ≥ 200 stdlib files (fixed seed), pick a random function-local variable (assigned, not a
parameter) and a random use of it, rename it through the position, then check the result:
- compiles;
- is alpha-equivalent to the original: the `ast` of the result with the new name mapped back
  equals the original `ast`, and the `symtable` of every scope equals the original one with the
  name changed exactly in the binding's scope and in the nested scopes where it is free;
Pass rate must be ≥ 99 %. Names starting with `__` are not picked (class-private mangling makes
symtable report `_C__x`, which the symtable comparison does not model).
"""

from __future__ import annotations

import ast
import random
import statistics
import symtable
import time
from pathlib import Path

import pytest

from booster_lsp.core.refactor.rename import rename
from tests.conftest import STDLIB

pytestmark = pytest.mark.slow

SEED = 20240606
FILES = 220


class _MapBack(ast.NodeTransformer):
    def __init__(self, new: str, old: str) -> None:
        self.new, self.old = new, old

    def _m(self, name: str) -> str:
        return self.old if name == self.new else name

    def visit_Name(self, node):
        node.id = self._m(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self._m(node.arg)
        self.generic_visit(node)
        return node

    def visit_Global(self, node):
        node.names = [self._m(n) for n in node.names]
        return node

    visit_Nonlocal = visit_Global

    def visit_ExceptHandler(self, node):
        if node.name:
            node.name = self._m(node.name)
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node):
        node.name = self._m(node.name)
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_alias(self, node):
        if node.asname:
            node.asname = self._m(node.asname)
        elif "." not in node.name:
            node.name = self._m(node.name)
        return node

    def visit_MatchAs(self, node):
        if node.name:
            node.name = self._m(node.name)
        self.generic_visit(node)
        return node

    visit_MatchStar = visit_MatchAs


_FLAGS = ("is_local", "is_free", "is_global", "is_declared_global", "is_parameter", "is_assigned",
          "is_referenced", "is_imported", "is_nonlocal")


def _renamed_tables(table: symtable.SymbolTable, old: str, acc: set[int]) -> None:
    """Ids of nested tables where `old` is free and resolves (through) to the renamed binding."""
    for child in table.get_children():
        names = set(child.get_identifiers())
        if child.get_type() == "class":
            if old in names and child.lookup(old).is_free():
                acc.add(child.get_id())
            _renamed_tables(child, old, acc)
        elif old in names:
            sym = child.lookup(old)
            if sym.is_free() or sym.is_nonlocal():
                acc.add(child.get_id())
                _renamed_tables(child, old, acc)


def _walk(table: symtable.SymbolTable):
    yield table
    for child in table.get_children():
        yield from _walk(child)


def _symtables_match(old_src: str, new_src: str, target_id_path: list[int], old: str, new: str) -> str | None:
    t_old = symtable.symtable(old_src, "old", "exec")
    t_new = symtable.symtable(new_src, "new", "exec")
    olds, news = list(_walk(t_old)), list(_walk(t_new))
    if len(olds) != len(news):
        return "different number of scopes"
    target = olds[target_id_path[0]]
    renamed = {target.get_id()}
    _renamed_tables(target, old, renamed)
    for a, b in zip(olds, news):
        mapping = (lambda n: new if n == old else n) if a.get_id() in renamed else (lambda n: n)
        expected = {mapping(n): a.lookup(n) for n in a.get_identifiers()}
        got = {n: b.lookup(n) for n in b.get_identifiers()}
        if set(expected) != set(got):
            return f"scope {a.get_name()} (line {a.get_lineno()}): symbols {sorted(set(expected) ^ set(got))}"
        for n, sym in expected.items():
            if any(getattr(sym, f)() != getattr(got[n], f)() for f in _FLAGS):
                return f"scope {a.get_name()}: flags of {n}"
    return None


def _scope_nodes(fn: ast.AST, name: str) -> list[ast.Name]:
    """Name nodes of `name` directly in fn's own scope (not in nested scopes)."""
    out: list[ast.Name] = []
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)

    def visit(node: ast.AST, top: bool) -> None:
        if not top and isinstance(node, nested):
            return
        if isinstance(node, ast.Name) and node.id == name:
            out.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child, False)

    for stmt in fn.body:  # type: ignore[attr-defined]
        visit(stmt, True if isinstance(stmt, nested) and False else False)
    return out


def _candidates(src: str, tree: ast.Module):
    table = symtable.symtable(src, "old", "exec")
    tables = list(_walk(table))
    funcs = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            funcs[(node.name, node.lineno)] = node
    out = []
    for index, t in enumerate(tables):
        if t.get_type() != "function":
            continue
        node = funcs.get((t.get_name(), t.get_lineno()))
        if node is None:
            # decorated functions: symtable reports the line of the first decorator
            node = next((n for (nm, ln), n in funcs.items() if nm == t.get_name() and n.decorator_list
                         and n.decorator_list[0].lineno == t.get_lineno()), None)
        if node is None:
            continue
        for sym in t.get_symbols():
            n = sym.get_name()
            if sym.is_local() and sym.is_assigned() and not sym.is_parameter() and not n.startswith("__") \
                    and not sym.is_imported():
                out.append((index, node, n))
    return out


def _stdlib_files() -> list[Path]:
    files = sorted(p for p in STDLIB.glob("*.py") if 2_000 < p.stat().st_size < 200_000)
    files += sorted(p for d in ("json", "email", "asyncio", "concurrent/futures", "importlib", "logging",
                                "http", "xml/etree", "unittest", "sqlite3", "urllib", "collections")
                    for p in (STDLIB / d).glob("*.py") if 2_000 < p.stat().st_size < 200_000)
    return files


def test_rename_oracle_stdlib(syntax) -> None:
    rng = random.Random(SEED)
    files = _stdlib_files()
    rng.shuffle(files)
    attempts, passed, failures, timings = 0, 0, [], []
    for path in files:
        if attempts >= FILES:
            break
        src = path.read_text(encoding="utf-8", errors="strict")
        try:
            tree = ast.parse(src)
            cands = _candidates(src, tree)
        except (SyntaxError, ValueError):
            continue
        if not cands:
            continue
        if syntax.parse_errors("python", src):
            continue
        index, fn, name = rng.choice(cands)
        uses = _scope_nodes(fn, name)
        if not uses:
            continue
        node = rng.choice(uses)
        line_bytes = src.encode("utf-8").split(b"\n")[node.lineno - 1]
        column = len(line_bytes[: node.col_offset].decode("utf-8")) + 1
        new = f"renamed_{name}_{attempts}"
        attempts += 1
        started = time.perf_counter()
        try:
            out = rename(syntax, "python", src, name, new, line=node.lineno, column=column)
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            failures.append(f"{path.name}:{node.lineno}:{column} {name}: raised {error}")
            continue
        timings.append((time.perf_counter() - started) * 1000)
        try:
            compile(out, str(path), "exec")
        except SyntaxError as error:
            failures.append(f"{path.name}:{node.lineno} {name}: does not compile: {error}")
            continue
        mapped = _MapBack(new, name).visit(ast.parse(out))
        if ast.dump(mapped) != ast.dump(tree):
            failures.append(f"{path.name}:{node.lineno} {name}: ast differs")
            continue
        problem = _symtables_match(src, out, [index], name, new)
        if problem:
            failures.append(f"{path.name}:{node.lineno} {name}: symtable: {problem}")
            continue
        passed += 1
    rate = passed / attempts
    print(f"\nrename oracle: {passed}/{attempts} = {rate:.1%} alpha-equivalent; "
          f"median {statistics.median(timings):.1f} ms per rename (parse + query + resolve, cold per file)")
    for f in failures:
        print("  FAIL", f)
    assert attempts >= 200
    assert rate >= 0.99, failures
