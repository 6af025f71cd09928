"""Checks on LLM answers that need no model: a small lexer and token comparisons.

FORMAT may only change whitespace, line breaks and trailing commas (before a closing
bracket, in languages that allow them); comments keep their words. RENAME may only replace
identifier tokens ``old`` by ``new``. Parse checks (no new syntax errors) are done with
the syntax module by :mod:`booster_lsp.llm.fallback`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: languages whose lists accept a trailing comma before the closing bracket
TRAILING_COMMA_LANGUAGES = frozenset(
    {"python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust", "json5"}
)
CLOSERS = frozenset(")]}>")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ident | number | string | comment | punct
    text: str


_STRINGS_PYTHON = r"""(?:[rRbBuUfF]{0,2})(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")"""
_STRINGS_C = r"""'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`"""
_STRINGS_RUST = r"""b?r(?P<h>\#*)"[\s\S]*?"(?P=h)|b?"(?:\\.|[^"\\])*"|b?'(?:\\.|[^'\\\n])'|'[A-Za-z_]\w*"""


def _lexer(language: str) -> re.Pattern[str]:
    if language == "python":
        comment, strings = r"\#[^\n]*", _STRINGS_PYTHON
    elif language == "rust":
        comment, strings = r"//[^\n]*|/\*[\s\S]*?\*/", _STRINGS_RUST
    else:
        comment, strings = r"//[^\n]*|/\*[\s\S]*?\*/", _STRINGS_C
    return re.compile(
        rf"(?P<ws>\s+)|(?P<comment>{comment})|(?P<string>{strings})"
        r"|(?P<number>\d[\w.]*)|(?P<ident>[^\W\d]\w*|\$[\w$]*)|(?P<punct>.)",
        re.S,
    )


_LEXERS: dict[str, re.Pattern[str]] = {}


def tokens(language: str, code: str) -> list[Token]:
    lexer = _LEXERS.get(language)
    if lexer is None:
        lexer = _LEXERS[language] = _lexer(language)
    result = []
    for match in lexer.finditer(code):
        kind = match.lastgroup
        if kind == "ws" or kind is None:
            continue
        if kind == "h":  # pragma: no cover - named group inside strings
            kind = "string"
        text = match.group(kind) if kind in ("comment", "string", "number", "ident", "punct") else match.group(0)
        if kind == "comment":
            text = " ".join(text.split())
        result.append(Token(kind, text))
    return result


def _without_trailing_commas(items: list[Token]) -> list[Token]:
    kept = []
    for index, token in enumerate(items):
        following = next((t for t in items[index + 1:] if t.kind != "comment"), None)
        if token.text == "," and token.kind == "punct" and following is not None and following.text in CLOSERS:
            continue
        kept.append(token)
    return kept


def format_difference(language: str, before: str, after: str) -> str | None:
    """None when ``after`` differs from ``before`` only in what a formatter may change,
    else a description of the first other difference."""
    old, new = tokens(language, before), tokens(language, after)
    if language in TRAILING_COMMA_LANGUAGES:
        old, new = _without_trailing_commas(old), _without_trailing_commas(new)
    for index, (a, b) in enumerate(zip(old, new)):
        if a != b:
            return f"token {index + 1} changed from {a.text[:40]!r} to {b.text[:40]!r}"
    if len(old) != len(new):
        extra = new[len(old)] if len(new) > len(old) else old[len(new)]
        verb = "added" if len(new) > len(old) else "removed"
        return f"token {min(len(old), len(new)) + 1} {verb}: {extra.text[:40]!r}"
    return None


def rename_difference(language: str, before: str, after: str, old_name: str, new_name: str) -> str | None:
    """None when ``after`` is ``before`` with some identifiers ``old_name`` replaced by
    ``new_name`` (at least one, and ``new_name`` exists), else what is wrong."""
    if not re.fullmatch(r"[^\W\d]\w*|\$[\w$]*", new_name):
        return f"{new_name!r} is not an identifier"
    old, new = tokens(language, before), tokens(language, after)
    if len(old) != len(new):
        return "the code changed beyond the rename"
    renamed = 0
    for a, b in zip(old, new):
        if a == b:
            continue
        if a.kind == b.kind == "ident" and a.text == old_name and b.text == new_name:
            renamed += 1
            continue
        return f"{a.text[:40]!r} became {b.text[:40]!r}, which is not the rename"
    if renamed == 0:
        return f"`{old_name}` was not renamed"
    return None


def identifier_at(language: str, code: str, offset: int) -> str | None:
    """The identifier that contains character ``offset`` (or ends right before it)."""
    for match in re.finditer(r"[^\W\d]\w*", code):
        if match.start() <= offset <= match.end():
            return match.group(0)
        if match.start() > offset:
            break
    return None
