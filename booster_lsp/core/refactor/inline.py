"""Inline variable (Python): replace every use of a variable assigned once by its initializer.

Refused when the variable is assigned more than once (or is a parameter, a loop target, ...),
when it is used in another scope (a nested function would read it later), when the initializer
has effects or depends on mutable state (a call, attribute, subscript, await, yield, walrus)
and is used more than once or not right after, or when a name the initializer reads is
reassigned between the assignment and a use.
"""

from __future__ import annotations

from booster_lsp.core.refactor.languages import apply_edits, line_of, refuse_if_initializer_reads_change
from booster_lsp.core.refactor.rename import find_binding
from booster_lsp.core.refactor.scopes import run_query, scope_model
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError

_ATOMIC = ("identifier", "integer", "float", "string", "true", "false", "none", "call", "parenthesized_expression",
           "attribute", "subscript", "list", "dictionary", "tuple", "set")


def _refuse(message: str, line: int | None = None) -> TransformationError:
    return TransformationError(message, kind="refused", line=line, column=1 if line else None)


def inline_variable(syntax: SyntaxService, language: str, code: str, line: int, column: int | None,
                    name: str | None = None) -> str:
    if language != "python":
        from booster_lsp.core.refactor.block_facts import FACTS

        if language in FACTS:
            from booster_lsp.core.refactor.simple_block import inline_block

            return inline_block(syntax, language, code, line, column, name)
        raise TransformationError(f"inline does not support {language!r}", kind="unsupported")
    text = code.encode("utf-8")
    model = scope_model(syntax, language, text)
    binding = find_binding(model, name, line, column)
    stores = [o for o in binding.occurrences if o.is_binding]
    uses = [o for o in binding.occurrences if o.role == "ref"]
    if binding.kind == "param":
        raise _refuse(f"{binding.name!r} is a parameter; only variables can be inlined", line)
    if len(stores) != 1:
        raise _refuse(f"{binding.name!r} is assigned {len(stores)} times; only a variable assigned once can be inlined",
                      line)
    caps = run_query(syntax, "python", text, "simplify")
    matches: dict[int, dict] = {}
    for c in caps:
        matches.setdefault(c.match_id, {})[c.name] = c
    store = stores[0]
    m = next((m for m in matches.values() if "lhs" in m and m["lhs"].start_byte == store.start), None)
    if m is None:
        raise _refuse(f"{binding.name!r} is not bound by a plain `name = value` statement", line_of(text, store.start))
    if not uses:
        raise _refuse(f"{binding.name!r} is never used; nothing to inline", line_of(text, store.start))
    stmt, rhs = m["assign_stmt"], m["rhs"]
    if any(u.scope is not store.scope for u in uses):
        raise _refuse(f"{binding.name!r} is used in a nested function; inlining would evaluate the initializer later",
                      line_of(text, next(u for u in uses if u.scope is not store.scope).start))
    if any(u.start < stmt.end_byte for u in uses):
        raise _refuse(f"{binding.name!r} is used before its assignment (in a loop?)", line_of(text, uses[0].start))
    impure = [c for c in caps if c.name == "impure" and rhs.start_byte <= c.start_byte and c.end_byte <= rhs.end_byte]
    if impure and len(uses) > 1:
        raise _refuse(f"the initializer of {binding.name!r} has a {impure[0].kind} and {binding.name!r} is used "
                      f"{len(uses)} times; inlining would evaluate it {len(uses)} times", line_of(text, rhs.start_byte))
    # names read by the initializer must not be reassigned before a use
    refuse_if_initializer_reads_change(model, binding.name, rhs.start_byte, rhs.end_byte, stmt.end_byte,
                                       max(u.start for u in uses), lambda read, o: o.is_binding)
    if impure:
        between = text[stmt.end_byte:uses[0].start]
        if between.strip().count(b"\n") > 0 or b";" in between:
            raise _refuse(f"the initializer of {binding.name!r} has a {impure[0].kind}; moving it past other "
                          "statements could change behaviour", line_of(text, rhs.start_byte))
    value = text[rhs.start_byte:rhs.end_byte].decode("utf-8")
    if rhs.kind not in _ATOMIC:
        value = f"({value})"
    line_start = text.rfind(b"\n", 0, stmt.start_byte) + 1
    line_end = text.find(b"\n", stmt.end_byte)
    line_end = len(text) if line_end < 0 else line_end + 1
    if text[line_start:stmt.start_byte].strip() or text[stmt.end_byte:line_end].strip():
        removal = (stmt.start_byte, stmt.end_byte, b"pass")
    else:
        removal = (line_start, line_end, b"")
    edits = [removal] + [(u.start, u.end, value.encode("utf-8")) for u in uses]
    return apply_edits(text, edits).decode("utf-8")
