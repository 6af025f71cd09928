"""Minimal text edits from an old and a new text: the one place edits are computed.

1. equal texts give ``[]``;
2. equal leading and trailing lines are trimmed (O(n), as ruff_server's ``Replacement``),
   measured on the texts before anything is split into lines;
3. the changed middle is diffed line by line when it is small enough (``MAX_DIFF_LINES``),
   else replaced in one edit. The diff is a longest common subsequence of the lines,
   computed by rapidfuzz (bit-parallel, in C++): ~15 us for a reformatted 350-line file,
   where a patience diff in Python took ~0.2 ms and difflib.SequenceMatcher ~0.9 ms, on a
   path (the language server's formatting) whose whole budget is a fraction of a ms.
   ``line_edits`` (the language server's formatting) gets the same hunks from native code
   when it is built (``text/native_diff.py``): right after a formatter module has run, the
   edits of a reformatted 350-line file and their JSON take ~0.13 ms there against ~0.26 ms
   here, where splitting both texts and hashing every line make one object per line on cold
   caches. (In WASM, in our syntax module, the same C was no faster than this: each of the
   calls a diff needs into wasmtime cost 10-50 us at that moment.)

Edits are ``TextEdit(start, end, new_text)`` with code point offsets into the *old* text,
sorted and non-overlapping (LSP semantics: every range refers to the original document).
``positions.PositionCodec`` turns them into LSP ranges.
"""

from __future__ import annotations

import bisect
import itertools
import os.path
import re
from typing import Callable, NamedTuple, TypeVar

from rapidfuzz.distance import Indel, Postfix, Prefix

from booster_lsp.text.line_index import LINE_BREAK, split_lines
from booster_lsp.text.native_diff import line_hunks as native_line_hunks

#: Above this many changed lines on both sides the middle is replaced in one edit: the LCS
#: takes time and memory in the product of both sides (bits), and a reformat that touches
#: thousands of lines gains nothing from finer edits.
MAX_DIFF_LINES = 4000
T = TypeVar("T")


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


class LineEdit(NamedTuple):
    start_line: int  # replaces the old text's lines [start_line, end_line)
    end_line: int
    new_text: str


def minimal_edits(old: str, new: str, *, fine: bool = False) -> list[TextEdit]:
    """Edits turning ``old`` into ``new``. With ``fine``, each changed line that is replaced by
    exactly one line is narrowed to its changed words (refactorings: a rename gives one edit
    per occurrence), and other replaced blocks to their changed middle."""
    if old == new:
        return []
    _, start, old_lines, new_lines = _changed_lines(old, new)
    starts = list(itertools.accumulate(map(len, old_lines), initial=start))
    edits: list[TextEdit] = []
    for i1, i2, j1, j2 in _line_hunks(old_lines, new_lines):
        if fine and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                edits.extend(_word_edits(starts[i], old_lines[i], new_lines[j]))
        elif fine:
            edits.extend(_narrow(old, TextEdit(starts[i1], starts[i2], "".join(new_lines[j1:j2]))))
        else:
            edits.append(TextEdit(starts[i1], starts[i2], "".join(new_lines[j1:j2])))
    return edits


def line_edits(old: str, new: str, *, per_line: bool = False,
               make: Callable[[int, int, str], T] = LineEdit) -> list[T]:  # type: ignore[assignment]
    """``minimal_edits(old, new)`` by line numbers: its edits start and end at line starts, and
    the LSP position of a line start needs no conversion (the formatting path). With
    ``per_line``, a block of n changed lines replaced by n lines is n one-line edits, so that
    edits can be kept or dropped line by line (range formatting). ``make(start_line,
    end_line, new_text)`` builds each edit: a LineEdit, or what the caller sends (the
    formatting path builds each edit's JSON here, in one pass: ~25 us less for 50 edits than
    LineEdits serialized afterwards, right after a module has run)."""
    if old == new:
        return []
    line, start, end, new_end = _changed_span(old, new)
    old_middle, new_middle = old[start:end], new[start:new_end]
    if not per_line:
        # the native diff gets the changed middle only: a one-line edit of a big file encodes
        # and scans two lines, not the whole file twice
        hunks = native_line_hunks(old_middle, new_middle, MAX_DIFF_LINES)
        if hunks is not None:
            return [make(line + first, line + last, new_middle[i:j]) for first, last, i, j in hunks]
    old_lines, new_lines = split_lines(old_middle), split_lines(new_middle)
    edits = []
    for i1, i2, j1, j2 in _line_hunks(old_lines, new_lines):
        if per_line and i2 - i1 == j2 - j1:
            edits.extend(make(line + i, line + i + 1, new_lines[j]) for i, j in zip(range(i1, i2), range(j1, j2))
                         if old_lines[i] != new_lines[j])
        else:
            edits.append(make(line + i1, line + i2, "".join(new_lines[j1:j2])))
    return edits


def _changed_lines(old: str, new: str) -> tuple[int, int, list[str], list[str]]:
    """The lines between the leading and the trailing lines ``old`` and ``new`` share: (the
    number of the first, its offset in ``old``, those lines of ``old``, those of ``new``)."""
    line, start, end, new_end = _changed_span(old, new)
    return line, start, split_lines(old[start:end]), split_lines(new[start:new_end])


def _changed_span(old: str, new: str) -> tuple[int, int, int, int]:
    """Where the lines between the leading and the trailing lines ``old`` and ``new`` share
    are: (the number of the first, their start and end in ``old``, their end in ``new``; they
    start at the same offset in both). The shared text is measured in C (rapidfuzz's Prefix
    and Postfix, ~10 us for 12 KB), and only what lies between is split into lines: a
    one-line edit of a 350-line file no longer splits both texts (~65 us on the benchmark VM)."""
    prefix = Prefix.similarity(old, new)
    suffix = min(Postfix.similarity(old, new), min(len(old), len(new)) - prefix)
    start = old.rfind("\n", 0, prefix) + 1  # after the last line break inside the shared prefix
    end = old.find("\n", len(old) - suffix)  # the first line break inside the shared suffix
    end = len(old) if end < 0 else end + 1
    line = old.count("\n", 0, start)
    if "\r" in old:  # a lone CR ends a line too (LSP); a CRLF holds one LF
        line += old.count("\r", 0, start) - old.count("\r\n", 0, start)
    return line, start, end, end + len(new) - len(old)


def _line_hunks(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    """The changed blocks ``(i1, i2, j1, j2)``: ``a[i1:i2]`` becomes ``b[j1:j2]``."""
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    limit -= prefix
    while suffix < limit and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    a_end, b_end = len(a) - suffix, len(b) - suffix
    if prefix == a_end or prefix == b_end or (a_end - prefix) + (b_end - prefix) > MAX_DIFF_LINES:
        return [(prefix, a_end, prefix, b_end)]
    if prefix == 0 and suffix == 0:  # the usual case after _changed_lines: no copies
        return _changes(a, b)
    return [
        (prefix + i1, prefix + i2, prefix + j1, prefix + j2)
        for i1, i2, j1, j2 in _changes(a[prefix:a_end], b[prefix:b_end])
    ]


def _changes(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    """The changed blocks ``(i1, i2, j1, j2)`` of two sequences of strings (``a[i1:i2]``
    becomes ``b[j1:j2]``): the gaps between the equal blocks of their longest common
    subsequence (rapidfuzz's Indel), as ``SequenceMatcher.get_opcodes`` gives them but
    ``equal``. Taken from the matching blocks, not the opcodes: a reformatted 350-line file
    has ~50 blocks and ~150 opcodes, and this runs right after a module has run, when every
    Python step costs 2-3x (cold caches). rapidfuzz compares the items' hashes: an equal
    block whose items differ (a 64-bit hash collision) is counted as changed.

    The subsequence is taken of the reversed sequences: where several alignments are equally
    long, rapidfuzz places an insertion or deletion as late as it can; reversed, it lands as
    early as it can, where difflib and git put it (``x == true`` -> ``x``: `` == true`` is
    deleted, not ``== true ``)."""
    n, m = len(a), len(b)
    changes = []
    i = j = 0  # end of the last equal block
    for reversed_i, reversed_j, size in reversed(Indel.opcodes(a[::-1], b[::-1]).as_matching_blocks()):
        i1, j1 = n - reversed_i - size, m - reversed_j - size
        if not size or a[i1 : i1 + size] != b[j1 : j1 + size]:
            continue
        if i < i1 or j < j1:
            changes.append((i, i1, j, j1))
        i, j = i1 + size, j1 + size
    if i < n or j < m:
        changes.append((i, n, j, m))
    return changes


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
    return [
        TextEdit(base + starts[i1], base + starts[i2], "".join(new_words[j1:j2]))
        for i1, i2, j1, j2 in _changes(old_words, new_words)
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
    for i1, i2, j1, j2 in _changes(changed_lines, formatted_lines):
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
