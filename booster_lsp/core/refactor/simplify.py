"""Simplify (Python): boolean-return patterns, `x == True`, `not not x`, redundant `else` after
`return`, `a if c else a`. Patterns are data (wasm/queries/python/simplify.scm); every rewrite
keeps behaviour: a condition is returned as is only when it is known to be boolean (a
comparison, `not`, `and`/`or` of booleans, `isinstance(...)`, ...), otherwise wrapped in
`bool(...)`; `x == True` is rewritten only when `x` is known boolean.
"""

from __future__ import annotations

import re

from booster_lsp.core.refactor.languages import apply_edits, line_col_to_offset
from booster_lsp.core.refactor.scopes import run_query
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError

_OPS = re.compile(rb"(==|!=|\bis\s+not\b|\bis\b)")


def simplify(syntax: SyntaxService, language: str, code: str, start_line: int | None = None,
             end_line: int | None = None) -> str:
    if language != "python":
        from booster_lsp.core.refactor.block_facts import FACTS

        if language in FACTS:
            from booster_lsp.core.refactor.simple_block import simplify_block

            return simplify_block(syntax, language, code, start_line, end_line)
        raise TransformationError(f"simplify does not support {language!r}", kind="unsupported")
    text = code.encode("utf-8")
    for _ in range(8):  # rewrites can enable each other (else-after-return, then a bool return)
        lo = line_col_to_offset(text, start_line) if start_line else 0
        hi = line_col_to_offset(text, end_line + 1) if end_line and end_line < text.count(b"\n") + 1 else len(text)
        edits = _edits(syntax, text, lo, hi)
        if not edits:
            break
        text = apply_edits(text, edits)
    return text.decode("utf-8")


def _edits(syntax: SyntaxService, text: bytes, lo: int, hi: int) -> list[tuple[int, int, bytes]]:
    caps = run_query(syntax, "python", text, "simplify")
    boolean = {(c.start_byte, c.end_byte) for c in caps if c.name == "boolean"}
    for s_, e_ in list(boolean):  # `(a > 1)` is boolean too
        if text[s_ - 1:s_] == b"(" and text[e_:e_ + 1] == b")":
            boolean.add((s_ - 1, e_ + 1))
    _known_bool_names(syntax, text, caps, boolean)
    impure = [(c.start_byte, c.end_byte) for c in caps if c.name == "impure"]
    matches: dict[int, dict[str, tuple[int, int]]] = {}
    for c in caps:
        matches.setdefault(c.match_id, {})[c.name] = (c.start_byte, c.end_byte)
    edits: list[tuple[int, int, bytes]] = []
    taken: list[tuple[int, int]] = []

    def src(r: tuple[int, int]) -> str:
        return text[r[0]:r[1]].decode("utf-8")

    def pure(r: tuple[int, int]) -> bool:
        return not any(r[0] <= s and e <= r[1] for s, e in impure)

    def add(r: tuple[int, int], new: str) -> None:
        if r[0] < lo or r[1] > hi or any(not (r[1] <= s or e <= r[0]) for s, e in taken):
            return
        taken.append(r)
        edits.append((r[0], r[1], new.encode("utf-8")))

    def as_bool(cond: tuple[int, int], negate: bool) -> str:
        c = src(cond)
        if negate:
            return f"not ({c})" if re.search(r"\s", c.strip()) else f"not {c}"
        return c if cond in boolean else f"bool({c})"

    for m in sorted(matches.values(), key=lambda m: min(v[0] for v in m.values())):
        if "bool_return" in m and "else" in m:
            then, other = src(m["then"]), src(m["else"])
            if then == other:
                add(m["bool_return"], f"return {then}")
            else:
                add(m["bool_return"], "return " + as_bool(m["cond"], negate=(then == "False")))
        elif "bool_return_tail" in m:
            # `if c: return True` followed by `return False` as the next statement
            stmt = m["bool_return_tail"]
            after = text[stmt[1]:]
            nxt = re.match(rb"(\s*\n)([ \t]*)return\s+(True|False)[ \t]*(?=\n|$)", after)
            if_line = text.rfind(b"\n", 0, stmt[0]) + 1
            indent = text[if_line:stmt[0]]
            if nxt and nxt.group(2) == indent and nxt.group(3).decode() != src(m["then"]):
                end = stmt[1] + nxt.end()
                add((stmt[0], end), "return " + as_bool(m["cond"], negate=(src(m["then"]) == "False")))
        elif "else_after_return" in m:
            else_r, body = m["else"], m["else_body"]
            else_line = text.rfind(b"\n", 0, else_r[0]) + 1
            indent = text[else_line:else_r[0]].decode()
            body_line = text.rfind(b"\n", 0, body[0]) + 1
            body_indent = text[body_line:body[0]].decode()
            if text[else_r[0]:body[0]].strip() != b"else:" or "\n" not in text[else_r[0]:body[0]].decode():
                continue  # `else: x` on one line, or comments after the colon: leave it
            lines = text[body_line:body[1]].decode().split("\n")
            moved = "\n".join(indent + ln[len(body_indent):] if ln.startswith(body_indent) else ln for ln in lines)
            add((else_line, body[1]), moved)
        elif "not_not" in m:
            add(m["not_not"], f"bool({src(m['inner'])})")
        elif "same_branches" in m:
            if src(m["a"]) == src(m["b"]) and pure(m["cond"]):
                add(m["same_branches"], src(m["a"]))
        elif "compare_bool" in m:
            left, right = m["left"], m["right"]
            op = _OPS.search(text[left[1]:right[0]])
            if op is None or left not in boolean:
                continue  # `x == True` is not `x` unless x is a bool
            positive = (src(right) == "True") == (op.group(1).strip() in (b"==", b"is"))
            add(m["compare_bool"], src(left) if positive else f"not ({src(left)})")
    return edits


def _known_bool_names(syntax: SyntaxService, text: bytes, caps: list, boolean: set[tuple[int, int]]) -> None:
    """Add to `boolean` the names that can only hold a bool: every binding of the name in its scope
    is a plain `name = <known boolean>` (so `flag is True` ≡ `flag`). Parameters, loop targets,
    augmented or tuple assignments, globals and names without a binding here are not known."""
    from booster_lsp.core.refactor.scopes import scope_model

    assigns = {}
    for c in caps:
        if c.name == "lhs":
            assigns.setdefault(c.match_id, {})["lhs"] = c
        elif c.name == "rhs":
            assigns.setdefault(c.match_id, {})["rhs"] = c
    rhs_of = {m["lhs"].start_byte: (m["rhs"].start_byte, m["rhs"].end_byte) for m in assigns.values()
              if "lhs" in m and "rhs" in m}
    candidates = [c for c in caps if c.name == "left" and c.kind == "identifier"]
    if not candidates:
        return
    model = scope_model(syntax, "python", text)
    for c in candidates:
        occ = model.occurrence_at(c.start_byte)
        b = occ.binding if occ is not None else None
        if b is None or not b.defined or b.kind != "variable" or b.scope.globals or b.scope is model.module:
            continue
        stores = [o for o in b.occurrences if o.role != "ref"]
        if stores and all(o.role == "store" and rhs_of.get(o.start) in boolean for o in stores):
            boolean.add((c.start_byte, c.end_byte))
