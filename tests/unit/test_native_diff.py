"""The native line diff (native/line_diff.c via text/native_diff.py) gives exactly the edits
of the Python path of text/edits.line_edits, for any text; without it, line_edits still works."""

from __future__ import annotations

import logging
import threading
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booster_lsp.text import edits, native_diff
from booster_lsp.text.edits import LineEdit, line_edits
from tests.unit.test_edits import _apply_line_edits as apply

pytestmark = pytest.mark.unit


def python_line_edits(old: str, new: str) -> list[LineEdit]:
    with mock.patch.object(edits, "native_line_hunks", lambda *args: None):
        return line_edits(old, new)


def native_line_edits(old: str, new: str, max_lines: int = edits.MAX_DIFF_LINES) -> list[LineEdit]:
    native = native_diff.native_line_diff()
    assert native is not None, "the native line diff is not built: run python native/build.py (./setup.sh does)"
    hunks = native.hunks(old, new, max_lines)
    assert hunks is not None
    return [LineEdit(start_line, end_line, new[start:end]) for start_line, end_line, start, end in hunks]


def test_the_native_diff_is_built_and_loaded_by_line_edits():
    native = native_diff.native_line_diff()
    assert native is not None, "the native line diff is not built: run python native/build.py (./setup.sh does)"
    assert native.path.name.startswith("libbooster_line_diff")
    calls = []
    with mock.patch.object(native, "hunks", side_effect=lambda *args: calls.append(args) or [(0, 1, 0, 2)]):
        assert line_edits("a\nb\nc\n", "a\nB\nc\n") == [LineEdit(1, 2, "B\n")]
    # it is given the lines between those both texts share (a one-line edit of a big file
    # is two lines to encode and scan), and its hunks are placed back
    assert calls == [("b\n", "B\n", edits.MAX_DIFF_LINES)]


def test_equal_texts_and_simple_changes():
    assert native_line_edits("a\nb\n", "a\nb\n") == []
    assert native_line_edits("a\nc\n", "a\nb\nc\n") == [LineEdit(1, 1, "b\n")]
    assert native_line_edits("a\nb\nc\n", "a\nc\n") == [LineEdit(1, 2, "")]
    assert native_line_edits("x  =  1\nkeep\ny=2", "x = 1\nkeep\ny = 2\n") == [
        LineEdit(0, 1, "x = 1\n"), LineEdit(2, 3, "y = 2\n")]
    # a last line without a line break that fills whole eight-byte words
    assert native_line_edits("", "a😀中") == [LineEdit(0, 0, "a😀中")]
    assert native_line_edits("x\nabcdefgh", "x\nabcdefgX") == [LineEdit(1, 2, "abcdefgX")]
    assert native_line_edits("abcdefghabcdefgh", "x\nabcdefghabcdefgh") == [LineEdit(0, 0, "x\n")]
    # offsets into the new text are code points, whatever the bytes
    assert native_line_edits("é=1\n😀 = 1\n字\n", "é=1\n😀 = 2\n字\n") == [LineEdit(1, 2, "😀 = 2\n")]


# Lines that meet every case of the C side: LF, CRLF, a lone CR, none at the end; multi-byte
# and astral characters, a lone surrogate, NUL, U+2028 (no line break in LSP); lines longer
# than its eight-byte words, some ending in CR right at a word's last byte.
pieces = st.sampled_from([
    "a", "b\n", "c\r\n", "d\r", "\n", "\r", "é\n", "字 = 1\n", "😀\n", "\ud800\n", "\x00\n", "x\u2028y\n",
    "abcdefg\r\n", "abcdefgh\n", "abcdefgh", "    return value  # long enough to cross words\n", "        pass\n",
])
texts = st.lists(pieces, max_size=16).map("".join)


@settings(max_examples=1500)
@given(texts, texts, texts)
def test_native_and_python_edits_are_the_same(shared, old_middle, new_middle):
    for old, new in ((shared + old_middle + shared, shared + new_middle + shared), (old_middle, new_middle)):
        expected = python_line_edits(old, new)
        assert native_line_edits(old, new) == expected
        assert apply(old, expected) == new


@given(texts, texts)
def test_above_the_line_limit_the_changed_middle_is_one_edit_on_both_paths(old, new):
    with mock.patch.object(edits, "MAX_DIFF_LINES", 3):
        expected = python_line_edits(old, new)
    assert native_line_edits(old, new, max_lines=3) == expected


def test_a_reformatted_file_gives_the_same_edits_on_both_paths():
    import shlex

    old = open(shlex.__file__, encoding="utf-8").read()
    lines = []  # every 7th line changed, every 11th deleted, a line inserted before every 13th
    for n, line in enumerate(old.splitlines(keepends=True)):
        lines += ["# inserted\n"] * (n % 13 == 0) + [line.rstrip("\n") + "  # x\n" if n % 7 == 0 else line] * (n % 11 != 0)
    new = "".join(lines)
    expected = python_line_edits(old, new)
    assert len(expected) > 60
    assert native_line_edits(old, new) == expected
    assert apply(old, expected) == new


def test_threads_diffing_at_once_each_get_their_own_hunks():
    native = native_diff.native_line_diff()
    assert native is not None
    cases = [(f"x = {n}\n" * (n + 1) + "end\n", f"x = {n}\n" + f"y = {n}\n" * n + "end\n") for n in range(1, 9)]
    expected = [python_line_edits(old, new) for old, new in cases]
    failures = []

    def work(index: int) -> None:
        old, new = cases[index]
        for _ in range(300):
            if native_line_edits(old, new) != expected[index]:
                failures.append(index)
                return

    threads = [threading.Thread(target=work, args=(index,)) for index in range(len(cases))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_without_the_library_line_edits_takes_the_python_path(monkeypatch):
    monkeypatch.setattr(native_diff, "_native", None)
    monkeypatch.setattr(native_diff, "_loaded", True)
    assert native_diff.line_hunks("a\n", "b\n", 10) is None
    assert line_edits("a\nb\nc\n", "a\nB\nc\n") == [LineEdit(1, 2, "B\n")]


def test_switched_off_by_the_environment(monkeypatch):
    monkeypatch.setattr(native_diff, "_native", None)
    monkeypatch.setattr(native_diff, "_loaded", False)
    monkeypatch.setenv("BOOSTER_NATIVE_DIFF", "off")
    assert native_diff.native_line_diff() is None


def test_a_broken_library_is_not_used_and_says_why(monkeypatch, tmp_path, caplog):
    broken = tmp_path / "libbooster_line_diff.so"
    broken.write_bytes(b"not a shared object")
    monkeypatch.setattr(native_diff, "library_paths", lambda: [broken])
    with caplog.at_level(logging.WARNING, logger="booster_lsp.text.native_diff"):
        assert native_diff._load() is None
    assert "native line diff" in caplog.text and str(broken) in caplog.text
