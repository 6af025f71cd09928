"""A light syntax tree (named nodes with their field names and byte ranges) built from one query.

The syntax module answers queries, not tree walks; the refactorings of JavaScript, TypeScript,
Go and Rust need to look at statements, declarations and types. One query, `(_) @n` plus
`(_ FIELD: (_) @f.FIELD)` for the grammar's fields, returns every named node in a byte range in
document order (parents before children); nesting the ranges rebuilds the tree. Built per
(text, range) and kept in a small LRU, so repeated refactorings of one text walk no module.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Iterator

from booster_lsp.core.refactor.scopes import run_query
from booster_lsp.core.syntax import GRAMMARS, SyntaxService

#: field names that exist in each grammar (a query naming a missing field does not compile)
_COMMON = ("name", "value", "left", "right", "body", "parameters", "condition", "consequence",
           "alternative", "function", "arguments", "operator")
FIELDS: dict[str, tuple[str, ...]] = {
    "javascript": _COMMON + ("argument", "object", "property", "label", "initializer", "kind", "pattern", "constructor"),
    "typescript": _COMMON + ("type", "constructor", "return_type", "argument", "object", "property", "label", "pattern", "kind"),
    "tsx": _COMMON + ("type", "constructor", "return_type", "argument", "object", "property", "label", "pattern", "kind"),
    "go": _COMMON + ("type", "result", "receiver", "operand", "field", "label", "initializer", "update", "index"),
    "rust": _COMMON + ("type", "pattern", "return_type", "argument", "field", "macro", "trait"),
}


class Node:
    __slots__ = ("kind", "start", "end", "field", "parent", "children")

    def __init__(self, kind: str, start: int, end: int) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.field: str | None = None
        self.parent: Node | None = None
        self.children: list[Node] = []

    def __repr__(self) -> str:
        return f"Node({self.kind} {self.start}..{self.end}{' ' + self.field if self.field else ''})"

    def get(self, field: str) -> "Node | None":
        return next((c for c in self.children if c.field == field), None)

    def all(self, field: str) -> "list[Node]":
        return [c for c in self.children if c.field == field]

    def walk(self, skip: "frozenset[str] | set[str]" = frozenset()) -> "Iterator[Node]":
        """Pre-order; nodes whose kind is in `skip` are yielded but not entered."""
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            if n.kind not in skip or n is self:
                stack.extend(reversed(n.children))

    def ancestors(self) -> "Iterator[Node]":
        n = self.parent
        while n is not None:
            yield n
            n = n.parent

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


class Tree:
    def __init__(self, text: bytes, roots: list[Node], nodes: list[Node]) -> None:
        self.text = text
        self.roots = roots
        self.nodes = nodes

    def src(self, n: Node) -> str:
        return self.text[n.start:n.end].decode("utf-8")

    def deepest(self, start: int, end: int, kinds: "set[str] | frozenset[str] | None" = None) -> Node | None:
        """The innermost node containing [start, end) (of one of `kinds` when given)."""
        best = None
        for n in self.nodes:
            if n.start <= start and end <= n.end and (kinds is None or n.kind in kinds):
                if best is None or (n.end - n.start) <= (best.end - best.start):
                    best = n
        return best

    def at(self, start: int, end: int, kind: str | None = None) -> Node | None:
        """The innermost node spanning exactly [start, end)."""
        found = None
        for n in self.nodes:
            if n.start == start and n.end == end and (kind is None or n.kind == kind):
                found = n
            elif n.start > start:
                break
        return found


_trees: "OrderedDict[tuple, Tree]" = OrderedDict()
_lock = threading.Lock()
_queries: dict[str, str] = {}


def _query(grammar: str) -> str:
    if grammar not in _queries:
        _queries[grammar] = "(_) @n\n" + "".join(f"(_ {f}: (_) @f.{f})\n" for f in FIELDS[grammar])
    return _queries[grammar]


def node_tree(syntax: SyntaxService, language: str, text: bytes, start: int = 0, end: int = 0) -> Tree:
    """Named nodes intersecting [start, end) (end 0: to the end), with their ancestors."""
    grammar = GRAMMARS[language]
    key = (language, hashlib.blake2b(text, digest_size=16).hexdigest(), start, end)
    with _lock:
        tree = _trees.get(key)
        if tree is not None:
            _trees.move_to_end(key)
            return tree
    caps = run_query(syntax, language, text, "tree", _query(grammar), start, end)
    fields: dict[tuple[int, int, str], str] = {}
    nodes: list[Node] = []
    for c in caps:
        k = (c.start_byte, c.end_byte, c.kind)
        if c.name == "n":
            nodes.append(Node(c.kind, c.start_byte, c.end_byte))
        else:
            fields[k] = c.name[2:]
    # document order from the module: parents before children
    roots: list[Node] = []
    stack: list[Node] = []
    for n in nodes:
        n.field = fields.get((n.start, n.end, n.kind))
        while stack and not (stack[-1].start <= n.start and n.end <= stack[-1].end):
            stack.pop()
        if stack:
            n.parent = stack[-1]
            stack[-1].children.append(n)
        else:
            roots.append(n)
        stack.append(n)
    tree = Tree(text, roots, nodes)
    with _lock:
        _trees[key] = tree
        while len(_trees) > 16:
            _trees.popitem(last=False)
    return tree
