"""Minimal edits (text/edits.py) and their LSP ranges in both encodings."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booster_lsp.text.edits import TextEdit, apply_edits, formatting_near_changes, keep_line_endings, minimal_edits
from booster_lsp.text.line_index import LineIndex
from booster_lsp.text.positions import PositionCodec, PositionEncoding

pytestmark = pytest.mark.unit


def test_equal_texts_give_no_edits():
    assert minimal_edits("a\r\nb", "a\r\nb") == []


def test_only_changed_lines_are_replaced():
    old = "keep\nx  =  1\nkeep too\ny=2\nend"
    new = "keep\nx = 1\nkeep too\ny = 2\nend"
    assert minimal_edits(old, new) == [TextEdit(5, 13, "x = 1\n"), TextEdit(22, 26, "y = 2\n")]


def test_missing_final_newline_is_added_at_the_end():
    assert minimal_edits("a\nb", "a\nb\n") == [TextEdit(2, 3, "b\n")]


def test_insertion_and_deletion_of_lines():
    assert minimal_edits("a\nc\n", "a\nb\nc\n") == [TextEdit(2, 2, "b\n")]
    assert minimal_edits("a\nb\nc\n", "a\nc\n") == [TextEdit(2, 4, "")]


def test_line_endings_of_the_old_text_are_kept():
    assert keep_line_endings("a\r\nb\r\n", "a\nb\n") == "a\r\nb\r\n"
    assert keep_line_endings("a\nb\n", "a\r\nb\n") == "a\nb\n"
    assert keep_line_endings("single line", "x\r\n") == "x\r\n"
    assert keep_line_endings("a\r\n", "a\r\nb\r\n") == "a\r\nb\r\n"


def lsp_apply(text: str, edits: list[TextEdit], encoding: PositionEncoding) -> str:
    """Apply edits the way a client does: from LSP ranges, in its own units."""
    c = PositionCodec(LineIndex(text), encoding)
    ranges = [(c.range(edit.start, edit.end), edit.new_text) for edit in edits]
    # a client converts back with its own index; the round trip must land on the same offsets
    converted = [TextEdit(*c.offsets(range_), new_text) for range_, new_text in ranges]
    return apply_edits(text, converted)


@pytest.mark.parametrize("encoding", [PositionEncoding.UTF8, PositionEncoding.UTF16])
def test_emoji_cjk_crlf_edit_ranges(encoding):
    old = "s = '😀'\r\nt  =  '中文'\r\nu = 1"
    new = "s = '😀'\r\nt = '中文'\r\nu = 1\r\n"
    edits = minimal_edits(old, new)
    c = PositionCodec(LineIndex(old), encoding)
    assert [(c.range(e.start, e.end), e.new_text) for e in edits] == [(((1, 0), (2, 5)), "t = '中文'\r\nu = 1\r\n")]
    assert lsp_apply(old, edits, encoding) == new


alphabet = st.sampled_from(["a", "b", " ", "\n", "\r\n", "\r", "😀", "中", "x = 1\n", "\t"])
texts = st.lists(alphabet, max_size=30).map("".join)


@settings(max_examples=300)
@given(texts, texts, st.sampled_from([PositionEncoding.UTF8, PositionEncoding.UTF16]))
def test_applying_edits_gives_the_new_text(old, new, encoding):
    edits = minimal_edits(old, new)
    assert apply_edits(old, edits) == new
    assert lsp_apply(old, edits, encoding) == new
    assert all(a.end <= b.start for a, b in zip(edits, edits[1:]))
    if old == new:
        assert edits == []


def test_formatting_near_changes_keeps_only_the_formatter_hunks_that_touch_written_lines():
    original = "a = {'x':1}\n\ndef f():\n    return 1\n\n\nb = [ 1 ]\nc = ( 2 )\n"
    changed = "a = {'x':1}\n\ndef f():\n    return  2\n\n\nb = [ 1 ]\nc = ( 2 )\n"  # line 4 written
    formatted = 'a = {"x": 1}\n\n\ndef f():\n    return 2\n\n\nb = [1]\nc = 2\n'
    # kept: line 4 itself; not kept: `a` and the blank line after it (two lines away),
    # `b` and `c` (three lines away)
    assert formatting_near_changes(original, changed, formatted) == (
        "a = {'x':1}\n\ndef f():\n    return 2\n\n\nb = [ 1 ]\nc = ( 2 )\n"
    )
    # a neighbouring line reformatted one for one is kept with it; one further is not
    tight = "x=1\ny=2\nz=3\n"
    assert formatting_near_changes(tight, "x=1\ny=20\nz=3\n", "x = 1\ny = 20\nz = 3\n") == "x = 1\ny = 20\nz = 3\n"
    assert formatting_near_changes("w=0\n" + tight, "w=0\nx=1\ny=2\nz=30\n", "w = 0\nx = 1\ny = 2\nz = 30\n") == \
        "w=0\nx=1\ny = 2\nz = 30\n"
    assert formatting_near_changes(original, original, formatted) == original  # nothing written: nothing formatted


def test_line_edits_per_line_split_a_block_of_equally_many_lines():
    from booster_lsp.text.edits import LineEdit, line_edits

    old, new = "a=1\nb=2\nkeep\nc=3\n", "a = 1\nb=2\nkeep\nc = 3\nd = 4\n"
    assert line_edits(old, new) == [LineEdit(0, 1, "a = 1\n"), LineEdit(3, 4, "c = 3\nd = 4\n")]
    old, new = "a=1\nb=2\n", "a = 1\nb = 2\n"
    assert line_edits(old, new) == [LineEdit(0, 2, "a = 1\nb = 2\n")]
    assert line_edits(old, new, per_line=True) == [LineEdit(0, 1, "a = 1\n"), LineEdit(1, 2, "b = 2\n")]


def _line_edits_of_all_lines(old: str, new: str):
    """What line_edits gave before it measured the shared text first: both texts split into
    lines, the same line diff."""
    from booster_lsp.text.edits import LineEdit, _line_hunks
    from booster_lsp.text.line_index import split_lines

    a, b = split_lines(old), split_lines(new)
    return [LineEdit(i1, i2, "".join(b[j1:j2])) for i1, i2, j1, j2 in _line_hunks(a, b)]


@settings(max_examples=500)
@given(texts, texts, texts)
def test_line_edits_are_those_of_a_diff_of_all_lines(shared, old_middle, new_middle):
    """The shared text is measured on the texts (rapidfuzz); the edits must be the same as
    when every line is compared, whatever line breaks (CR, LF, CRLF) meet at its ends."""
    from booster_lsp.text.edits import line_edits

    for old, new in ((shared + old_middle + shared, shared + new_middle + shared), (old_middle, new_middle)):
        if old != new:
            assert line_edits(old, new) == _line_edits_of_all_lines(old, new)
            assert _apply_line_edits(old, line_edits(old, new, per_line=True)) == new


def _apply_line_edits(text: str, edits) -> str:
    from booster_lsp.text.line_index import split_lines

    lines, out, position = split_lines(text), [], 0
    for edit in edits:
        assert edit.start_line >= position
        out += lines[position : edit.start_line] + [edit.new_text]
        position = edit.end_line
    return "".join(out + lines[position:])


def _longest_common_subsequence(a: list[str], b: list[str]) -> int:
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            lengths[i + 1][j + 1] = lengths[i][j] + 1 if x == y else max(lengths[i][j + 1], lengths[i + 1][j])
    return lengths[-1][-1]


@settings(max_examples=500)
@given(st.lists(st.sampled_from("abc\n"), max_size=12), st.lists(st.sampled_from("abc\n"), max_size=12))
def test_changed_blocks_keep_a_longest_common_subsequence(a, b):
    """The changed blocks (from rapidfuzz's matching blocks) turn ``a`` into ``b``, are sorted,
    separated by unchanged items, and leave as many items unchanged as any diff could."""
    from booster_lsp.text.edits import _changes

    changes = _changes(a, b)
    out, position, j_position = [], 0, 0
    for i1, i2, j1, j2 in changes:
        assert i1 >= position and (i1 > position or position == 0) and (i1 < i2 or j1 < j2)
        assert a[position:i1] == b[j_position:j1]
        out += a[position:i1] + b[j1:j2]
        position, j_position = i2, j2
    assert out + a[position:] == b
    assert len(a) - sum(i2 - i1 for i1, i2, _, _ in changes) == _longest_common_subsequence(a, b)
