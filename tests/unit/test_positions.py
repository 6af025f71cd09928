"""Offsets <-> LSP positions in UTF-16 and UTF-8 (text/positions.py, text/line_index.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booster_lsp.text.line_index import LineIndex, split_lines
from booster_lsp.text.positions import PositionCodec, PositionEncoding, negotiate_encoding

pytestmark = pytest.mark.unit

UTF8, UTF16 = PositionEncoding.UTF8, PositionEncoding.UTF16
TEXT = "a = 1\r\ns = '😀 中文'\r\nb\n\nlast"


def codec(text: str, encoding: PositionEncoding) -> PositionCodec:
    return PositionCodec(LineIndex(text), encoding)


def test_negotiation_prefers_utf8_else_utf16():
    assert negotiate_encoding(["utf-16", "utf-8"]) is UTF8
    assert negotiate_encoding(["utf-32", "utf-16"]) is UTF16
    assert negotiate_encoding(None) is UTF16
    assert negotiate_encoding([]) is UTF16


def test_lines_end_at_lf_crlf_and_cr_only():
    assert split_lines("a\r\nb\rc\nd\x0ce\u2028f") == ["a\r\n", "b\r", "c\n", "d\x0ce\u2028f"]
    assert LineIndex("a\n").line_count == 2
    assert LineIndex("").line_count == 1


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        # "s = '" is 5 units; the emoji is 2 UTF-16 units / 4 UTF-8 bytes; each CJK char 1 / 3.
        (UTF16, [(1, 0), (1, 5), (1, 7), (1, 8), (1, 9), (1, 10), (1, 11)]),
        (UTF8, [(1, 0), (1, 5), (1, 9), (1, 10), (1, 13), (1, 16), (1, 17)]),
    ],
)
def test_positions_of_emoji_and_cjk(encoding, expected):
    c = codec(TEXT, encoding)
    line_start = TEXT.index("s")
    offsets = [line_start + i for i in (0, 5, 6, 7, 8, 9, 10)]
    assert [c.position(offset) for offset in offsets] == expected
    assert [c.offset(position) for position in expected] == offsets


def test_positions_past_line_end_clamp_to_line_end_before_crlf():
    c = codec(TEXT, UTF16)
    assert c.offset((0, 99)) == TEXT.index("\r\n")
    assert c.offset((99, 0)) == len(TEXT)
    assert c.position(len(TEXT)) == (4, 4)


def test_inside_surrogate_pair_snaps_to_the_character_start():
    c = codec("😀x", UTF16)
    assert c.offset((0, 1)) == 0
    assert c.offset((0, 2)) == 1
    assert codec("😀x", UTF8).offset((0, 2)) == 0


def test_byte_offsets_round_trip():
    index = LineIndex(TEXT)
    for offset in range(len(TEXT) + 1):
        byte = index.byte_offset(offset)
        assert byte == len(TEXT[:offset].encode("utf-8"))
        assert index.offset_of_byte(byte) == offset


def test_module_locations_are_clamped():
    c = codec("package main\nfunc main() {\n", UTF16)
    assert c.position_of_location(2, 15) == (1, 13)
    assert c.position_of_location(9, 1) == (2, 0)


alphabet = st.sampled_from(["a", " ", "\n", "\r\n", "\r", "😀", "中", "é", "\t"])
texts = st.lists(alphabet, max_size=40).map("".join)


@given(texts, st.sampled_from([UTF8, UTF16]))
def test_position_offset_round_trip(text, encoding):
    c = codec(text, encoding)
    index = c.index
    for offset in range(len(text) + 1):
        # offsets between \r and \n of a CRLF are not addressable by a position
        if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
            continue
        assert c.offset(c.position(offset)) == offset
        line, character = c.position(offset)
        prefix = text[index.line_starts[line] : offset]
        unit = 2 if encoding is UTF16 else 1
        expected = len(prefix.encode("utf-16-le" if encoding is UTF16 else "utf-8")) // unit
        assert character == expected


@given(st.lists(st.sampled_from(["a", "é", "😀", "\n", "\r", "\r\n", "\x0c", "\u2028", " "]), max_size=40).map("".join))
def test_line_starts_follow_the_lsp_line_breaks(text):
    """A line starts after each \\n, \\r\\n or lone \\r, and nowhere else (not after a form feed
    or U+2028, where str.splitlines would break): both ways of building the index agree."""
    expected = [0]
    i = 0
    while i < len(text):
        if text[i] == "\r" and text[i + 1 : i + 2] == "\n":
            i += 2
            expected.append(i)
        elif text[i] in "\r\n":
            i += 1
            expected.append(i)
        else:
            i += 1
    assert LineIndex(text).line_starts == expected
