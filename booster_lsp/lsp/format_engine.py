"""Format one document snapshot with the core and turn the result into LSP edits.

Shared by the formatting handlers, the ``booster.formatDocument`` command and speculative
formatting. Runs in a worker thread; never raises for bad input.
"""

from __future__ import annotations

import logging
from json.encoder import encode_basestring_ascii as encode_json_string
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from booster_lsp.core.booster import WASMBooster
from booster_lsp.core.operations import BoosterOperation, TransformationResult
from booster_lsp.core.project_files import lookups_once
from booster_lsp.errors import BoosterError
from booster_lsp.files import excluded_by_project
from booster_lsp.lsp.document_store import DocumentSnapshot
from booster_lsp.text.edits import LineEdit, keep_line_endings, line_edits
from booster_lsp.text.line_index import split_lines
from booster_lsp.text.positions import PositionCodec, PositionEncoding, Range

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormatOutcome:
    """The edits of one formatting, kept serialized as the ``result`` of a formatting
    response (``result_json``): the formatting handlers and speculative formatting send it
    as it is. Building lsprotocol ``TextEdit`` objects and having cattrs unstructure them
    cost ~0.25 ms per 50 edits, dicts and ``json.dumps`` ~0.15 ms, formatting the JSON text
    directly (``json_formatting_edits``) ~0.04 ms; ``convert.text_edits_of`` builds the objects
    for the callers that need them (``booster.formatDocument``)."""

    result_json: str | None  # None: the document could not be formatted
    message: str | None = None  # why not, for the user
    kind: str | None = None  # syntax | module | unsupported | config
    module_ms: float = 0.0  # time spent in the core's transformations (for $/logTrace)

    @property
    def ok(self) -> bool:
        return self.result_json is not None


class JsonResult(str):
    """A request's result already serialized as JSON; BoosterProtocol writes it as it is,
    where pygls would have cattrs unstructure it."""


#: One LSP ``TextEdit`` between line starts, as JSON (the new text through json's own
#: string encoder).
_EDIT_JSON = '{"range": {"start": {"line": %d, "character": 0}, "end": {"line": %d, "character": %d}}, "newText": %s}'


def json_edit_maker(snapshot: DocumentSnapshot, encoding: PositionEncoding) -> Callable[[int, int, str], str]:
    """``make(start_line, end_line, new_text)``: the LSP ``TextEdit`` JSON of an edit between
    line starts of ``snapshot`` (text/edits.line_edits' ``make``). Line ``n`` starts at
    ``{line: n, character: 0}`` in every encoding; only the end of a last line without a line
    break is a position to convert (text/positions), and the line index is not built otherwise."""
    text = snapshot.text
    ends_open = bool(text) and text[-1] not in "\r\n"
    line_count = len(split_lines(text)) if ends_open else -1

    def make(start_line: int, end_line: int, new_text: str) -> str:
        end_character = 0
        if end_line == line_count:  # the end of a last line without a line break
            end_line, end_character = snapshot.codec(encoding).position(len(text))
        return _EDIT_JSON % (start_line, end_line, end_character, encode_json_string(new_text))

    return make


def json_line_edits(snapshot: DocumentSnapshot, encoding: PositionEncoding, edits: list[LineEdit]) -> str:
    """LSP ``TextEdit[]`` JSON of edits between line starts (``json_edit_maker``)."""
    make = json_edit_maker(snapshot, encoding)
    return "[" + ", ".join(make(*edit) for edit in edits) + "]"


def json_formatting_edits(snapshot: DocumentSnapshot, encoding: PositionEncoding, formatted: str) -> str:
    """LSP ``TextEdit[]`` JSON of the minimal edits from the snapshot's text to ``formatted``,
    each edit's JSON built as the line diff finds it."""
    return "[" + ", ".join(line_edits(snapshot.text, formatted, make=json_edit_maker(snapshot, encoding))) + "]"


def format_snapshot(
    booster: WASMBooster,
    snapshot: DocumentSnapshot,
    encoding: PositionEncoding,
    ranges: Sequence[Range] = (),
) -> FormatOutcome:
    """The edits formatting the document, or only the lines of ``ranges`` (range and ranges
    formatting)."""
    clock = ModuleClock()
    with lookups_once():  # the project's configuration: looked up once for this request
        return _format_snapshot(booster, snapshot, encoding, ranges, clock)


class ModuleClock:
    """The time one request spends in the core's transformations, as the core measures it
    (``TransformationResult.execution_time_ms``): the rest of a request's time is the
    server's own."""

    __slots__ = ("ms",)

    def __init__(self) -> None:
        self.ms = 0.0

    def add(self, result: TransformationResult) -> TransformationResult:
        self.ms += result.execution_time_ms
        return result


def _format_snapshot(
    booster: WASMBooster, snapshot: DocumentSnapshot, encoding: PositionEncoding, ranges: Sequence[Range],
    clock: ModuleClock,
) -> FormatOutcome:
    name = snapshot.path.rsplit("/", 1)[-1]
    if snapshot.language is None:
        return FormatOutcome(None, f"{name}: no formatter for this file type", "unsupported")
    if snapshot.file_path is not None and excluded_by_project(snapshot.file_path, "format"):
        log.info("%s: not formatted, the project's configuration excludes it", snapshot.file_path)
        return FormatOutcome("[]")
    if not ranges:
        text = snapshot.text
        if booster.config.fix_on_format and not (
                snapshot.file_path is not None and excluded_by_project(snapshot.file_path, "lint")):
            text = _with_fixes(booster, snapshot, clock)
        formatted = _formatted(booster, snapshot, text, clock)
        if isinstance(formatted, FormatOutcome):
            return formatted
        return FormatOutcome(json_formatting_edits(snapshot, encoding, formatted), module_ms=clock.ms)
    codec = snapshot.codec(encoding)
    kept: list[LineEdit] = []
    for range_ in ranges:
        formatted = _formatted(booster, snapshot, snapshot.text, clock, (codec, range_))
        if isinstance(formatted, FormatOutcome):
            return formatted
        # Keep the edits inside the requested lines: a module may format more than the range
        # (dprint's plugins take a range and format the whole file), or only whole files.
        # Each range is formatted on the document as it is; where two ranges share lines,
        # the first one's edits are kept.
        first, last = snapshot.index.selected_lines(*codec.offsets(range_))
        earlier = list(kept)
        for edit in line_edits(snapshot.text, formatted, per_line=True):
            if edit.start_line >= first and edit.end_line <= last + 1 and not any(_overlap(edit, other) for other in earlier):
                kept.append(edit)
    kept.sort(key=lambda edit: (edit.start_line, edit.end_line))
    return FormatOutcome(json_line_edits(snapshot, encoding, kept), module_ms=clock.ms)


def _formatted(booster: WASMBooster, snapshot: DocumentSnapshot, text: str, clock: ModuleClock,
               ranged: tuple[PositionCodec, Range] | None = None) -> str | FormatOutcome:
    """``text`` formatted (with ``ranged``, only around that range where the module formats
    ranges: the range in the codec's unit), or why not."""
    name = snapshot.path.rsplit("/", 1)[-1]
    try:
        provider = booster.format_provider(snapshot.language)
        byte_range = None
        if ranged is not None and provider is not None and provider.supports_range:
            codec, range_ = ranged
            byte_range = codec.byte_range(range_)
        result = clock.add(booster.transform_sync(
            text, BoosterOperation.FORMAT, snapshot.language, byte_range=byte_range, path=snapshot.file_path
        ))
    except BoosterError as error:  # a missing or unverifiable module
        return FormatOutcome(None, f"{name}: {error}", "module", clock.ms)
    if not result.success:
        where = f" at {result.error_location.line}:{result.error_location.column}" if result.error_location else ""
        reason = "syntax error" if result.error_kind == "syntax" else "cannot format"
        return FormatOutcome(None, f"{name}: {reason}{where}: {result.error}", result.error_kind, clock.ms)
    if booster.config.line_ending == "auto":
        return keep_line_endings(snapshot.text, result.transformed_code)
    return result.transformed_code


def _overlap(edit: LineEdit, other: LineEdit) -> bool:
    """Do two edits (of two ranges) touch the same lines, or insert at the same place?"""
    if edit.start_line == other.start_line:
        return True
    return edit.start_line < other.end_line and other.start_line < edit.end_line


def _with_fixes(booster: WASMBooster, snapshot: DocumentSnapshot, clock: ModuleClock) -> str:
    """The document with lint's fixes applied until none is left (``fix_on_format``: what
    ``source.fixAll.booster`` would apply, safe fixes unless the project's Ruff configuration
    sets ``unsafe-fixes = true``), then formatted as usual, in one set of edits; the document
    as it is where lint cannot run (a syntax error, which formatting then reports, or a
    language without lint)."""
    from booster_lsp.core.lint import project_fix_mode  # here: only fix_on_format needs lint (~12 ms to import at start-up)

    mode = project_fix_mode(snapshot.file_path, snapshot.language)
    fixed = clock.add(booster.transform_sync(snapshot.text, BoosterOperation.LINT, snapshot.language,
                                             path=snapshot.file_path, _llm=False, fix=mode))
    if not fixed.success:
        log.debug("%s: fix_on_format: no fixes applied: %s", snapshot.path, fixed.error)
        return snapshot.text
    return fixed.transformed_code
