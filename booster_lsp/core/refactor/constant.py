"""Extract constant (Python): lift the literal at a position to a module-level UPPER_CASE
constant, inserted after the module's docstring and imports; identical literals of the module
are replaced too unless replace_all=False. Refused off a literal, inside f-strings, or when the
name is taken."""

from __future__ import annotations

import re

from booster_lsp.core.refactor.languages import apply_edits, check_identifier, line_col_to_offset
from booster_lsp.core.refactor.scopes import run_query, scope_model
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import TransformationError


def extract_constant(syntax: SyntaxService, language: str, code: str, line: int, column: int | None,
                     name: str | None = None, replace_all: bool = True) -> str:
    if language != "python":
        from booster_lsp.core.refactor.block_facts import FACTS

        if language in FACTS:
            from booster_lsp.core.refactor.simple_block import extract_constant_block

            return extract_constant_block(syntax, language, code, line, column, name, replace_all)
        raise TransformationError(f"extract constant does not support {language!r}", kind="unsupported")
    text = code.encode("utf-8")
    offset = line_col_to_offset(text, line, column)
    caps = run_query(syntax, "python", text, "simplify")
    literals = [c for c in caps if c.name == "literal"]
    here = [c for c in literals if c.start_byte <= offset < c.end_byte]
    if not here:
        raise TransformationError(f"no string or number literal at {line}:{column}", kind="refused", line=line,
                                  column=column)
    lit = max(here, key=lambda c: c.start_byte)
    interps = [c for c in caps if c.name == "interpolation"]
    if any(lit.start_byte <= c.start_byte < lit.end_byte for c in interps) or any(
            c.start_byte <= lit.start_byte < c.end_byte for c in interps):
        raise TransformationError("f-strings and literals inside them cannot be extracted to a constant",
                                  kind="refused", line=line, column=column)
    value = text[lit.start_byte:lit.end_byte]
    model = scope_model(syntax, language, text)
    if name is None:
        words = re.sub(r"[^0-9A-Za-z]+", "_", value.decode("utf-8").strip("'\"bBrRuU")).strip("_").upper()
        name = words[:30].strip("_") if words and not words[0].isdigit() else f"VALUE_{words}".rstrip("_")
        name = name or "CONSTANT"
        base, n = name, 2
        while name in model.module.bindings:
            name, n = f"{base}_{n}", n + 1
    check_identifier(language, name)
    if name in model.module.bindings and model.module.bindings[name].defined:
        raise TransformationError(f"{name!r} is already defined at module level", kind="refused")
    for occ in model.occurrences:
        if occ.name == name:
            raise TransformationError(f"{name!r} is already used in this module; choose another name", kind="refused")
    targets = [c for c in literals if text[c.start_byte:c.end_byte] == value] if replace_all else [lit]
    targets = [c for c in targets if not any(i.start_byte <= c.start_byte < i.end_byte for i in interps)]
    edits = [(c.start_byte, c.end_byte, name.encode()) for c in targets]
    insert = _insertion_point(syntax, text)
    if any(c.start_byte < insert for c in targets):
        edits = [e for e in edits if e[0] >= insert]
    edits.append((insert, insert, f"{name} = ".encode() + value + b"\n" + (b"\n" if insert > 0 else b"\n")))
    return apply_edits(text, edits).decode("utf-8")


def _insertion_point(syntax: SyntaxService, text: bytes) -> int:
    """After the module docstring, `from __future__` and the imports at the top."""
    pos = 0
    for m in re.finditer(rb"(?m)^(?:(?:import|from)\s[^\n]*(?:\([^)]*\))?[^\n]*\n|[ \t]*#[^\n]*\n|[ \t]*\n)", text):
        if m.start() != pos:
            break
        pos = m.end()
    if pos == 0:
        doc = re.match(rb'\s*(?:[rRuU]?("""|\'\'\')[\s\S]*?\1|[rRuU]?("|\')[^\n]*?\2)[ \t]*\n', text)
        if doc:
            pos = doc.end()
            rest = _insertion_point(syntax, text[pos:])
            pos += rest
    return pos
