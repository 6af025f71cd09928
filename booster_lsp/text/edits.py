"""Minimal text edits from an old and a new text: the one place edits are computed.

1. equal texts give ``[]``;
2. equal leading and trailing lines are trimmed (O(n), as ruff_server's ``Replacement``);
3. the changed middle is diffed line by line with ``difflib.SequenceMatcher`` when it is
   small enough (``MAX_DIFF_LINES``), else replaced in one edit.

Edits are ``TextEdit(start, end, new_text)`` with code point offsets into the *old* text,
sorted and non-overlapping (LSP semantics: every range refers to the original document).
``positions.PositionCodec`` turns them into LSP ranges.
"""

from __future__ import annotations

import difflib
import os.path
import re
from typing import NamedTuple

from booster_lsp.text.line_index import LINE_BREAK, split_lines

#: Above this many changed lines on both sides the middle is replaced in one edit:
#: SequenceMatcher is quadratic in the worst case, and a reformat that touches thousands
#: of lines gains nothing from finer edits.
MAX_DIFF_LINES = 4000


class TextEdit(NamedTuple):
    start: int  # code point offset in the old text
    end: int
    new_text: str


def line_ending_of(text: str) -> str | None:
    """The first line ending of ``text`` (``None`` when it has a single line)."""
    match = LINE_BREAK.search(text)
    return match.group() if match else None


def keep_line_endings(old: str, new: str) -> str:
    """``new`` with every line ending replaced by the first one of ``old`` (editors own
    line endings; a file with a single line keeps what the formatter produced)."""
    ending = line_ending_of(old)
    if ending is None:
        return new
    if len(set(LINE_BREAK.findall(old))) > 1:
        # Mixed endings (e.g. a stray CR before a CRLF): there is no single ending to restore,
        # and rewriting them would change lines the transformation never touched.
        return new
    if ending == "\n" and "\r" not in new:
        return new
    crlf = new.count("\r\n")
    if ending == "\r\n" and new.count("\n") == crlf and new.count("\r") == crlf:
        return new
    return LINE_BREAK.sub(ending, new)


def minimal_edits(old: str, new: str, *, fine: bool = False) -> list[TextEdit]:
    """Edits turning ``old`` into ``new``. With ``fine``, each changed line that is replaced by
    exactly one line is narrowed to its changed words (refactorings: a rename gives one edit
    per occurrence), and other replaced blocks to their changed middle."""
    if old == new:
        return []
    old_lines = split_lines(old)
    new_lines = split_lines(new)

    prefix = 0
    limit = min(len(old_lines), len(new_lines))
    while prefix < limit and old_lines[prefix] == new_lines[prefix]:
        prefix += 1
    suffix = 0
    limit -= prefix
    while suffix < limit and old_lines[-1 - suffix] == new_lines[-1 - suffix]:
        suffix += 1

    old_mid = old_lines[prefix : len(old_lines) - suffix]
    new_mid = new_lines[prefix : len(new_lines) - suffix]
    base = sum(len(line) for line in old_lines[:prefix])

    if not old_mid or not new_mid or len(old_mid) + len(new_mid) > MAX_DIFF_LINES:
        end = base + sum(len(line) for line in old_mid)
        edit = TextEdit(base, end, "".join(new_mid))
        return _narrow(old, edit) if fine else [edit]

    starts = [base]
    for line in old_mid:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    edits: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if fine and tag == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                edits.extend(_word_edits(starts[i], old_mid[i], new_mid[j]))
        elif fine:
            edits.extend(_narrow(old, TextEdit(starts[i1], starts[i2], "".join(new_mid[j1:j2]))))
        else:
            edits.append(TextEdit(starts[i1], starts[i2], "".join(new_mid[j1:j2])))
    return edits


_WORD = re.compile(r"\w+|\s+|.", re.DOTALL)
MAX_WORDS = 400  # per line; longer lines get one edit for their changed middle


def _narrow(old: str, edit: TextEdit) -> list[TextEdit]:
    """``edit`` without the characters its new text shares with the old text at both ends."""
    replaced = old[edit.start : edit.end]
    new = edit.new_text
    prefix = len(os.path.commonprefix([replaced, new]))
    limit = min(len(replaced), len(new)) - prefix
    suffix = 0
    while suffix < limit and replaced[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    if prefix == len(replaced) == len(new):
        return []
    return [TextEdit(edit.start + prefix, edit.end - suffix, new[prefix : len(new) - suffix])]


def _word_edits(base: int, old_line: str, new_line: str) -> list[TextEdit]:
    """Edits of one changed line, word by word (``base``: the line's offset)."""
    old_words, new_words = _WORD.findall(old_line), _WORD.findall(new_line)
    if len(old_words) > MAX_WORDS or len(new_words) > MAX_WORDS:
        narrowed = _narrow(old_line, TextEdit(0, len(old_line), new_line))
        return [TextEdit(base + e.start, base + e.end, e.new_text) for e in narrowed]
    starts = [0]
    for word in old_words:
        starts.append(starts[-1] + len(word))
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    return [
        TextEdit(base + starts[i1], base + starts[i2], "".join(new_words[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply non-overlapping edits given against ``text`` (used by tests and commands)."""
    out: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda item: (item.start, item.end)):
        out.append(text[position : edit.start])
        out.append(edit.new_text)
        position = edit.end
    out.append(text[position:])
    return "".join(out)
