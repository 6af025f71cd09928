"""textDocument/formatting, textDocument/rangeFormatting and textDocument/rangesFormatting
(LSP 3.18: several ranges at once; Neovim 0.11 formats several ranges only with it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.lsp.convert import text_range
from booster_lsp.lsp.document_store import DocumentSnapshot
from booster_lsp.lsp.format_engine import FormatOutcome, JsonResult, format_snapshot

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)


async def formatting(ls: BoosterLanguageServer, params: types.DocumentFormattingParams) -> JsonResult | None:
    started = time.perf_counter()
    snapshot = ls.request_snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    outcome = await ls.speculative.outcome(snapshot)
    if outcome is None:
        outcome = await ls.run_in_worker(format_snapshot, ls.booster, snapshot, ls.features.position_encoding)
        module_ms, how = outcome.module_ms, "formatted by a worker"
    else:
        log.debug("formatting %s v%s: answered from speculative formatting", snapshot.uri, snapshot.version)
        module_ms, how = 0.0, SPECULATIVE  # the core ran before the request
    result = answer(ls, snapshot, outcome)
    trace(ls, snapshot, started, result, module_ms, how)
    return result


async def range_formatting(
    ls: BoosterLanguageServer, params: types.DocumentRangeFormattingParams
) -> JsonResult | None:
    return await _format_ranges(ls, params.text_document.uri, [params.range])


async def ranges_formatting(
    ls: BoosterLanguageServer, params: types.DocumentRangesFormattingParams
) -> JsonResult | None:
    return await _format_ranges(ls, params.text_document.uri, params.ranges)


async def _format_ranges(ls: BoosterLanguageServer, uri: str, ranges: Sequence[types.Range]) -> JsonResult | None:
    snapshot = ls.request_snapshot(uri)
    if snapshot is None:
        return None
    if not ranges:
        return JsonResult("[]")
    started = time.perf_counter()
    text_ranges = tuple(text_range(range_) for range_ in ranges)
    outcome = await ls.run_in_worker(format_snapshot, ls.booster, snapshot, ls.features.position_encoding, text_ranges)
    result = answer(ls, snapshot, outcome)
    trace(ls, snapshot, started, result, outcome.module_ms, "formatted by a worker", types.TEXT_DOCUMENT_RANGE_FORMATTING)
    return result


def answer(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, outcome: FormatOutcome) -> JsonResult:
    """The edits, serialized (see JsonResult), or ``[]`` (with a message) when the document
    changed or could not be formatted."""
    if not ls.documents.is_current(snapshot):
        log.info("%s changed while it was formatted: no edits", snapshot.uri)
        return JsonResult("[]")
    if outcome.result_json is None:
        if outcome.kind != "quarantined":  # while it rests, its failures are not repeated to the user
            ls.show_message(outcome.message or "cannot format", types.MessageType.Warning)
        return JsonResult("[]")
    return JsonResult(outcome.result_json)


#: How a request answered from speculative formatting was answered (its trace)
SPECULATIVE = "speculative formatting's result"


def trace(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, started: float, result_json: str, module_ms: float,
          how: str, method: str = types.TEXT_DOCUMENT_FORMATTING) -> None:
    """``$/logTrace`` of one formatting request, when the client traces the server: the time
    from its arrival (``started``) to its answer, the part of it spent in the core
    (``module_ms``: the formatter module, and lint's fixes with ``fixOnFormat``) and how it
    was answered. The rest is the server's own time: what a user can hold against the
    module's. Called once the answer is out, so it never raises: a caller that saw an error
    would answer the request a second time."""
    if not ls.protocol.tracing:
        return
    try:
        elapsed_ms = (time.perf_counter() - started) * 1000
        edits = result_json.count('{"range"')
        ls.protocol.log_trace(
            f"{method} {snapshot.path.rsplit('/', 1)[-1]} v{snapshot.version}: {elapsed_ms:.3f} ms in the server, "
            f"{module_ms:.3f} ms of it in the core ({how})",
            f"{edits} edit{'s' if edits != 1 else ''}; {snapshot.uri}",
        )
    except Exception:  # noqa: BLE001 - a trace lost, nothing else
        log.exception("the trace of %s %s could not be sent", method, snapshot.uri)
