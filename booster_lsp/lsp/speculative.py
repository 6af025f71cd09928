"""Speculative formatting: format idle documents in the background so that a following
format request (format-on-save) is answered from memory.

- A change (re)starts an idle timer of ``speculative_idle_ms`` for its document: nothing
  runs while the user is typing.
- When the timer fires and the snapshot is still current, the document is formatted in a
  worker and the outcome kept for that revision and settings generation.
- A newer change cancels the timer and the queued work; a result that arrives for an old
  revision is dropped. A format request for a revision being formatted joins that work.
- ``speculative_format: false`` switches it off.

A finished, successful result is also published in ``_ready`` with its response already
serialized (done in the worker): ``ready`` is then a few dictionary lookups, safe to
call from the stdin reader thread (lsp/transport.py), so that format-on-save after an idle
pause costs about what any request round trip costs.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from booster_lsp.lsp.document_store import DocumentSnapshot
from booster_lsp.lsp.format_engine import FormatOutcome, format_snapshot

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ready:
    snapshot: DocumentSnapshot
    generation: int
    result_json: str  # the response's `result`: the edits as LSP JSON


@dataclass
class _Entry:
    revision: int
    generation: int  # settings generation the outcome was computed with
    timer: asyncio.TimerHandle | None = None
    future: asyncio.Future[FormatOutcome] | None = None


class SpeculativeFormatter:
    def __init__(self, server: BoosterLanguageServer) -> None:
        self.server = server
        self._entries: dict[str, _Entry] = {}
        #: uri -> finished result; written by the event loop, read by the reader thread too
        #: (single dictionary operations; the snapshot and generation are checked on read).
        self._ready: dict[str, Ready] = {}
        self.completed = 0  # speculative formats finished (reported by booster.stats)
        self.served = 0  # format requests answered from them

    @property
    def enabled(self) -> bool:
        return self.server.booster.config.speculative_format

    def schedule(self, snapshot: DocumentSnapshot) -> None:
        self.cancel(snapshot.uri)
        if not self.enabled or snapshot.language is None:
            return
        delay = self.server.booster.config.speculative_idle_ms / 1000
        entry = _Entry(snapshot.revision, self.server.settings.generation)
        entry.timer = asyncio.get_running_loop().call_later(delay, self._start, snapshot, entry)
        self._entries[snapshot.uri] = entry

    def _start(self, snapshot: DocumentSnapshot, entry: _Entry) -> None:
        entry.timer = None
        if self._entries.get(snapshot.uri) is not entry or not self.server.documents.is_current(snapshot):
            return
        log.debug("speculative formatting of %s v%s started", snapshot.uri, snapshot.version)
        entry.future = asyncio.ensure_future(self.server.run_in_worker(self._format, snapshot))
        entry.future.add_done_callback(lambda future: self._done(snapshot, entry, future))

    def _format(self, snapshot: DocumentSnapshot) -> FormatOutcome:
        # the edits come serialized (format_engine): the request that follows only writes them
        return format_snapshot(self.server.booster, snapshot, self.server.features.position_encoding)

    def _done(self, snapshot: DocumentSnapshot, entry: _Entry, future: asyncio.Future[FormatOutcome]) -> None:
        if not future.cancelled() and future.exception() is None:
            self.completed += 1
            outcome = future.result()
            if outcome.result_json is not None and self._entries.get(snapshot.uri) is entry:
                self._ready[snapshot.uri] = Ready(snapshot, entry.generation, outcome.result_json)
            log.debug("speculative formatting of %s v%s ready", snapshot.uri, snapshot.version)
        elif not future.cancelled():
            log.warning("speculative formatting failed: %s", future.exception())

    async def outcome(self, snapshot: DocumentSnapshot) -> FormatOutcome | None:
        """The speculative outcome for exactly this snapshot and settings, else ``None``."""
        entry = self._entries.get(snapshot.uri)
        if (
            entry is None
            or entry.future is None
            or entry.revision != snapshot.revision
            or entry.generation != self.server.settings.generation
        ):
            return None
        if entry.future.cancelled():
            return None
        try:
            outcome = entry.future.result() if entry.future.done() else await asyncio.shield(entry.future)
        except asyncio.CancelledError:  # a didChange cancelled the joined run: the request goes on ([])
            if not entry.future.cancelled() or asyncio.current_task().cancelling():  # type: ignore[union-attr]
                raise  # this request itself was cancelled
            return None
        except Exception:  # noqa: BLE001 - the request formats again itself
            return None
        self.served += 1
        return outcome

    def in_flight(self, snapshot: DocumentSnapshot) -> bool:
        """Is this revision being formatted speculatively right now (a request would join it)?
        Callable from any thread."""
        entry = self._entries.get(snapshot.uri)
        return entry is not None and entry.revision == snapshot.revision and entry.future is not None

    def ready(self, uri: str) -> Ready | None:
        """A finished, successful speculative format of the current revision of ``uri`` with
        the current settings, its edits serialized (the fast path for format-on-save), else
        ``None``. Callable from any thread."""
        ready = self._ready.get(uri)
        if (
            ready is None
            or ready.generation != self.server.settings.generation
            or not self.server.documents.is_current(ready.snapshot)
        ):
            return None
        self.served += 1
        log.debug("formatting %s v%s: answered from speculative formatting", uri, ready.snapshot.version)
        return ready

    def cancel(self, uri: str) -> None:
        self._ready.pop(uri, None)
        entry = self._entries.pop(uri, None)
        if entry is None:
            return
        if entry.timer is not None:
            entry.timer.cancel()
        if entry.future is not None and not entry.future.done():
            entry.future.cancel()  # stops queued work; a running module call finishes and is dropped

    def clear(self) -> None:
        for uri in list(self._entries):
            self.cancel(uri)
