"""Minimal text edits from an old and a new text: the one place edits are computed.

1. equal texts give ``[]``;
2. equal leading and trailing lines are trimmed (O(n), as ruff_server's ``Replacement``);
3. the changed middle is diffed line by line when it is small enough (``MAX_DIFF_LINES``),
   else replaced in one edit. The line diff is patience-style (``_matching_lines``): lines
   that occur exactly once on both sides anchor the match, the gaps between anchors are
   diffed again the same way, and only a gap without such lines goes to
   ``difflib.SequenceMatcher``. On a reformatted 350-line file SequenceMatcher alone took
   ~0.9 ms (blank and repeated lines make its longest-match search quadratic), a third of
   the language server's own time per formatting request; anchoring takes ~0.15 ms.

Edits are ``TextEdit(start, end, new_text)`` with code point offsets into the *old* text,
sorted and non-overlapping (LSP semantics: every range refers to the original document).
``positions.PositionCodec`` turns them into LSP ranges.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
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
    if "\r" not in old and "\r" not in new:
        return new  # LF only on both sides (the usual case): nothing to scan
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

    starts = list(itertools.accumulate(map(len, old_mid), initial=base))
    edits: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in _line_opcodes(old_mid, new_mid):
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


def _line_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """``SequenceMatcher.get_opcodes`` over lines, from ``_matching_lines``."""
    opcodes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for ai, bj, size in [*_matching_lines(a, b), (len(a), len(b), 0)]:
        if i < ai and j < bj:
            opcodes.append(("replace", i, ai, j, bj))
        elif i < ai:
            opcodes.append(("delete", i, ai, j, bj))
        elif j < bj:
            opcodes.append(("insert", i, ai, j, bj))
        if size:
            opcodes.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return opcodes


def _matching_lines(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """Matching blocks ``(i, j, size)`` of two line lists, sorted, adjacent blocks merged.

    Patience diff: within a region, equal leading and trailing lines match; then the lines
    that occur once in each side's region are matched along their longest increasing run
    (those anchors keep both orders) and each gap between anchors is a new region. A region
    without such lines is left to ``SequenceMatcher``. A work list instead of recursion:
    regions nest as deep as the input makes them."""
    blocks: list[tuple[int, int, int]] = []
    regions = [(0, len(a), 0, len(b))]
    while regions:
        alo, ahi, blo, bhi = regions.pop()
        start = alo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo += 1
            blo += 1
        if alo > start:
            blocks.append((start, blo - (alo - start), alo - start))
        end = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi -= 1
            bhi -= 1
        if end > ahi:
            blocks.append((ahi, bhi, end - ahi))
        if alo == ahi or blo == bhi:
            continue
        if ahi - alo == 1 or bhi - blo == 1:  # the usual hunk: one line against a few
            if ahi - alo == 1:
                line, other, other_lo, other_hi = a[alo], b, blo, bhi
            else:
                line, other, other_lo, other_hi = b[blo], a, alo, ahi
            try:
                found = other.index(line, other_lo, other_hi)
            except ValueError:
                continue
            blocks.append((alo, found, 1) if ahi - alo == 1 else (found, blo, 1))
            continue
        anchors = _unique_anchors(a, alo, ahi, b, blo, bhi)
        if anchors is None:  # no line in common: one replacement
            continue
        if not anchors:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            blocks.extend((alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n)
            continue
        previous_a, previous_b = alo, blo
        run_a = run_b = -1  # start of the current run of adjacent anchors
        for i, j in anchors:
            if i == previous_a and j == previous_b and run_a >= 0:
                previous_a, previous_b = i + 1, j + 1  # extends the run
                continue
            if run_a >= 0:
                blocks.append((run_a, run_b, previous_a - run_a))
            if previous_a < i or previous_b < j:
                regions.append((previous_a, i, previous_b, j))
            run_a, run_b = i, j
            previous_a, previous_b = i + 1, j + 1
        blocks.append((run_a, run_b, previous_a - run_a))
        if previous_a < ahi or previous_b < bhi:
            regions.append((previous_a, ahi, previous_b, bhi))
    blocks.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((i, j, size))
    return merged


def _unique_anchors(
    a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int
) -> list[tuple[int, int]] | None:
    """Pairs (i, j) of lines occurring exactly once in ``a[alo:ahi]`` and in ``b[blo:bhi]``,
    the longest subsequence increasing in both i and j (patience sorting); ``None`` when
    the two regions have no line in common at all."""
    in_a: dict[str, int] = {}
    for i in range(alo, ahi):
        line = a[i]
        in_a[line] = -1 if line in in_a else i
    in_b: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if line in in_a:
            in_b[line] = -1 if line in in_b else j
    if not in_b:
        return None
    # in order of i (first occurrences are inserted in order; unique lines have one)
    pairs = [(i, in_b[line]) for line, i in in_a.items() if i >= 0 and in_b.get(line, -1) >= 0]
    if not pairs:
        return []
    if all(pairs[k][1] < pairs[k + 1][1] for k in range(len(pairs) - 1)):
        return pairs  # the usual case for a formatter: no line moved
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k + 1
    tail_index: list[int] = []  # index in pairs of that run's last pair
    back: list[int] = []  # index in pairs of the previous pair in its run
    for index, (_i, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        back.append(tail_index[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
    run: list[tuple[int, int]] = []
    index = tail_index[-1]
    while index >= 0:
        run.append(pairs[index])
        index = back[index]
    run.reverse()
    return run


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


def formatting_near_changes(original: str, changed: str, formatted: str) -> str:
    """``changed`` (a transformation of ``original``) with only those of the formatter's
    changes (``formatted`` is ``changed`` formatted) that touch what the transformation
    wrote: a hunk of the formatter is kept when it overlaps a changed line or the line just
    before or after one (the blank lines around a new function, a missing final newline
    after the last line). Everything else keeps the user's own layout."""
    written: list[tuple[int, int]] = []  # ranges of `changed` the transformation wrote
    delta = 0
    for edit in minimal_edits(original, changed):
        start = edit.start + delta
        written.append((start, start + len(edit.new_text)))
        delta += len(edit.new_text) - (edit.end - edit.start)
    if not written:
        return changed
    starts = list(itertools.accumulate(map(len, split_lines(changed)), initial=0))

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    near = [(line_of(start) - 1, line_of(max(start, end - 1)) + 1) for start, end in written]
    changed_lines, formatted_lines = split_lines(changed), split_lines(formatted)
    kept: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in _line_opcodes(changed_lines, formatted_lines):
        if tag == "equal":
            continue
        # a block of lines reformatted one for one is judged line by line
        pieces = zip(range(i1, i2), range(i2 - i1)) if i2 - i1 == j2 - j1 else [(i1, None)]
        for i, k in pieces:
            first_line, last_line = (i, i) if k is not None else (i1, max(i1, i2 - 1))
            if any(first <= last_line and first_line <= last for first, last in near):
                if k is not None:
                    kept.append(TextEdit(starts[i], starts[i + 1], formatted_lines[j1 + k]))
                else:
                    kept.append(TextEdit(starts[i1], starts[i2], "".join(formatted_lines[j1:j2])))
    return apply_edits(changed, kept)
