"""The only place that converts between offsets and LSP positions.

An LSP position is (line, character) where ``character`` counts code units of the
negotiated encoding: UTF-16 by default, UTF-8 when the client offers it (and UTF-32,
i.e. code points, for clients that ask for it). Inside the server everything is a code
point offset into the document (or a UTF-8 byte offset at the core boundary); a Python
string index never leaves this module as a ``character``.

No LSP library is imported here: positions are plain ``(line, character)`` tuples.
"""

from __future__ import annotations

from enum import Enum
from typing import Iterable

from booster_lsp.text.line_index import LineIndex

Position = tuple[int, int]  # (line, character), both 0-based
Range = tuple[Position, Position]


class PositionEncoding(str, Enum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


def negotiate_encoding(offered: Iterable[str] | None) -> PositionEncoding:
    """UTF-8 when the client offers it (no conversion at all for ASCII-heavy code and the
    cheapest for byte-oriented modules), else UTF-16, which every client must support."""
    if offered and PositionEncoding.UTF8.value in list(offered):
        return PositionEncoding.UTF8
    return PositionEncoding.UTF16


def _units(char: str, encoding: PositionEncoding) -> int:
    code = ord(char)
    if encoding is PositionEncoding.UTF16:
        return 2 if code > 0xFFFF else 1
    if encoding is PositionEncoding.UTF8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return 1


def _count_units(text: str, encoding: PositionEncoding) -> int:
    if encoding is PositionEncoding.UTF32 or text.isascii():
        return len(text)
    if encoding is PositionEncoding.UTF8:
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


class PositionCodec:
    """Converts with one LineIndex (one document version) and one encoding."""

    __slots__ = ("index", "encoding")

    def __init__(self, index: LineIndex, encoding: PositionEncoding) -> None:
        self.index = index
        self.encoding = encoding

    # ------------------------------------------------------------------ LSP -> offsets
    def offset(self, position: Position) -> int:
        """Code point offset of an LSP position. Positions past the end of a line mean the
        line's end (as the spec says); lines past the end mean the end of the document; a
        position inside a surrogate pair or a UTF-8 sequence snaps to that character."""
        line, character = position
        index = self.index
        if line < 0:
            return 0
        if line >= index.line_count:
            return len(index.text)
        start, end = index.line_span(line)
        if character <= 0:
            return start
        if self.encoding is PositionEncoding.UTF32 or index.is_ascii:
            return min(start + character, end)
        text = index.text
        offset = start
        remaining = character
        while offset < end:
            remaining -= _units(text[offset], self.encoding)
            if remaining < 0:
                break
            offset += 1
            if remaining == 0:
                break
        return offset

    def offsets(self, range_: Range) -> tuple[int, int]:
        start, end = self.offset(range_[0]), self.offset(range_[1])
        return (start, end) if start <= end else (end, start)

    def byte_range(self, range_: Range) -> tuple[int, int]:
        """UTF-8 byte offsets of an LSP range, for the core."""
        start, end = self.offsets(range_)
        return self.index.byte_offset(start), self.index.byte_offset(end)

    # ------------------------------------------------------------------ offsets -> LSP
    def position(self, offset: int) -> Position:
        index = self.index
        offset = min(max(offset, 0), len(index.text))
        line = index.line_of(offset)
        line_start = index.line_starts[line]
        if self.encoding is PositionEncoding.UTF32 or index.is_ascii:
            return line, offset - line_start
        return line, _count_units(index.text[line_start:offset], self.encoding)

    def range(self, start: int, end: int) -> Range:
        return self.position(start), self.position(end)

    def position_of_byte(self, byte_offset: int) -> Position:
        return self.position(self.index.offset_of_byte(byte_offset))

    def position_of_location(self, line: int, column: int) -> Position:
        """A 1-based (line, column in characters) location as reported by the modules,
        clamped to the document."""
        return self.position(self.index.offset_of_location(line, column))
