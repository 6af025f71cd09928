"""Formatting edits are serialized by hand (format_engine.json_line_edits, and
json_formatting_edits as the line diff finds them): the JSON must be what json.dumps of the
same objects would decode to, for any text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booster_lsp.lsp.document_store import DocumentSnapshot
from booster_lsp.lsp.format_engine import json_formatting_edits, json_line_edits
from booster_lsp.text.edits import LineEdit, line_edits
from booster_lsp.text.positions import PositionEncoding

pytestmark = pytest.mark.unit


@given(new_texts=st.lists(st.text(), min_size=1, max_size=5))
def test_any_new_text_survives_the_round_trip(new_texts):
    snapshot = DocumentSnapshot("file:///a.py", "python", 1, "".join(f"line {n}\n" for n in range(10)))
    edits = [LineEdit(n, n + 1, text) for n, text in enumerate(new_texts)]
    decoded = json.loads(json_line_edits(snapshot, PositionEncoding.UTF16, edits))
    assert decoded == [
        {"range": {"start": {"line": n, "character": 0}, "end": {"line": n + 1, "character": 0}}, "newText": text}
        for n, text in enumerate(new_texts)
    ]


@pytest.mark.parametrize(("encoding", "character"), [(PositionEncoding.UTF16, 6), (PositionEncoding.UTF8, 8)])
def test_the_end_of_an_unterminated_last_line_is_counted_in_the_encoding(encoding, character):
    snapshot = DocumentSnapshot("file:///a.py", "python", 1, "x = 1\ny='😀'")
    [edit] = json.loads(json_line_edits(snapshot, encoding, [LineEdit(1, 2, 'y = "😀"\n')]))
    assert edit["range"]["end"] == {"line": 1, "character": character}


lines = st.lists(st.sampled_from(["a = 1", "b=2", "😀 = '字'", "", "  x", "y\r"]), max_size=8)


@given(lines, lines, st.sampled_from(["\n", "\r\n", ""]), st.sampled_from(list(PositionEncoding)))
def test_edits_built_during_the_diff_are_the_line_edits_serialized(old_lines, new_lines, end, encoding):
    old, new = "\n".join(old_lines) + end, "\n".join(new_lines) + "\n"
    snapshot = DocumentSnapshot("file:///a.py", "python", 1, old)
    split = old.splitlines(keepends=True)
    unterminated = bool(split) and not split[-1].endswith(("\n", "\r"))

    def end_of(line: int) -> dict:
        if unterminated and line == len(split):  # the end of the text, counted in the encoding
            last = split[-1]
            units = {"utf-8": len(last.encode()), "utf-16": len(last.encode("utf-16-le")) // 2}.get(encoding.value, len(last))
            return {"line": line - 1, "character": units}
        return {"line": line, "character": 0}

    assert json.loads(json_formatting_edits(snapshot, encoding, new)) == [
        {"range": {"start": {"line": start, "character": 0}, "end": end_of(end_line)}, "newText": text}
        for start, end_line, text in line_edits(old, new)
    ]
