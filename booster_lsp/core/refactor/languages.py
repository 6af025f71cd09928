"""Per-language facts of the refactorings, as data: identifier syntax, keywords, spelling."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from booster_lsp.errors import TransformationError


@dataclass(frozen=True)
class LanguageFacts:
    name: str
    identifier: re.Pattern[str]
    keywords: frozenset[str]


_JS_KEYWORDS = frozenset(
    "break case catch class const continue debugger default delete do else export extends false finally for "
    "function if import in instanceof new null return super switch this throw true try typeof var void while "
    "with yield let static enum await implements package protected interface private public".split()
)
_TS_KEYWORDS = _JS_KEYWORDS | frozenset("any boolean number string symbol never unknown object undefined".split())
_GO_KEYWORDS = frozenset(
    "break case chan const continue default defer else fallthrough for func go goto if import interface map "
    "package range return select struct switch type var".split()
)
_RUST_KEYWORDS = frozenset(
    "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod "
    "move mut pub ref return self Self static struct super trait true type unsafe use where while abstract "
    "become box do final macro override priv typeof unsized virtual yield try gen".split()
)

FACTS: dict[str, LanguageFacts] = {
    "python": LanguageFacts("Python", re.compile(r"^[^\W\d]\w*$"), frozenset(keyword.kwlist)),
    "javascript": LanguageFacts("JavaScript", re.compile(r"^[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*$"), _JS_KEYWORDS),
    "typescript": LanguageFacts("TypeScript", re.compile(r"^[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*$"), _TS_KEYWORDS),
    "go": LanguageFacts("Go", re.compile(r"^[^\W\d]\w*$"), _GO_KEYWORDS),
    "rust": LanguageFacts("Rust", re.compile(r"^(?:[A-Za-z][A-Za-z0-9_]*|_[A-Za-z0-9_]+)$"), _RUST_KEYWORDS),
}
FACTS["javascriptreact"] = FACTS["javascript"]
FACTS["typescriptreact"] = FACTS["typescript"]


def facts(language: str) -> LanguageFacts:
    try:
        return FACTS[language]
    except KeyError:
        raise TransformationError(f"refactorings do not support {language!r}", kind="unsupported") from None


def check_identifier(language: str, name: str) -> None:
    f = facts(language)
    if not isinstance(name, str) or not f.identifier.match(name) or (language == "python" and not name.isidentifier()):
        raise TransformationError(f"{name!r} is not a valid {f.name} identifier", kind="refused")
    if name in f.keywords:
        raise TransformationError(f"{name!r} is a {f.name} keyword and cannot be used as a name", kind="refused")


def line_col_to_offset(text: bytes, line: int, column: int | None = None) -> int:
    """1-based line and 1-based column in characters -> byte offset (clamped to the line)."""
    if line < 1:
        raise TransformationError(f"line {line} is out of range (lines start at 1)", kind="refused")
    start = 0
    for _ in range(line - 1):
        nl = text.find(b"\n", start)
        if nl < 0:
            raise TransformationError(f"line {line} is past the end of the code", kind="refused")
        start = nl + 1
    if column is None or column <= 1:
        return start
    end = text.find(b"\n", start)
    line_text = text[start:end if end >= 0 else len(text)].decode("utf-8")
    return start + len(line_text[: column - 1].encode("utf-8"))


def line_of(text: bytes, offset: int) -> int:
    """1-based line of a byte offset."""
    return text.count(b"\n", 0, offset) + 1


def refuse_if_initializer_reads_change(model, name: str, start: int, end: int, declared_end: int, last_use: int,
                                       is_write) -> None:
    """Inline moves the initializer of ``name`` (bytes ``start``..``end``) to its uses: no name
    it reads may be written between the end of the declaration and the last use.
    ``is_write(read, occurrence)`` tells which occurrences of a read name write it."""
    text = model.text
    for read in model.occurrences_in(start, end):
        if read.binding is None:
            continue
        for occurrence in read.binding.occurrences:
            if is_write(read, occurrence) and declared_end <= occurrence.start < last_use:
                line = line_of(text, occurrence.start)
                raise TransformationError(
                    f"{read.name!r}, read by the initializer, is reassigned at line {line} before a use of {name!r}",
                    kind="refused", line=line, column=1,
                )


def column_of(text: bytes, offset: int) -> int:
    """1-based column in characters."""
    start = text.rfind(b"\n", 0, offset) + 1
    return len(text[start:offset].decode("utf-8", "replace")) + 1


def apply_edits(text: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = []
    pos = 0
    for s, e, new in sorted(edits, key=lambda x: (x[0], x[1])):
        if s < pos:
            raise TransformationError("internal error: overlapping edits", kind="module")
        out.append(text[pos:s])
        out.append(new)
        pos = e
    out.append(text[pos:])
    return b"".join(out)
