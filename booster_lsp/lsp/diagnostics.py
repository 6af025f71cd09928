"""Diagnostics: sources that find problems in a snapshot, and the debounced publisher.

A source turns a ``DocumentSnapshot`` into ``Finding``s (code point offsets, no LSP types).
The first source is the format modules' syntax errors; the tree-sitter syntax module and
the linters plug in as further sources (``DiagnosticsEngine.sources``) without touching the
handlers. Collection runs in a worker thread; results for a stale revision are dropped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from lsprotocol import types

from booster_lsp.core.booster import WASMBooster
from booster_lsp.core.operations import BoosterOperation
from booster_lsp.core.project_files import lookups_once
from booster_lsp.errors import BoosterError
from booster_lsp.files import excluded_by_project
from booster_lsp.lsp.convert import lsp_diagnostic
from booster_lsp.lsp.document_store import DocumentSnapshot

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    start: int  # code point offsets into the snapshot's text
    end: int
    message: str
    severity: str = "error"  # error | warning | information | hint
    code: str | None = None
    url: str | None = None  # the rule's documentation (codeDescription)
    tags: tuple[str, ...] = ()  # unnecessary | deprecated


class DiagnosticSource(Protocol):
    name: str

    def collect(self, snapshot: DocumentSnapshot) -> list[Finding]: ...

    def close(self, uri: str) -> None: ...


class SyntaxModuleSource:
    """Syntax errors from our tree-sitter module (core.syntax.SyntaxService) for Python,
    JavaScript(React), TypeScript(React), Go and Rust: one tree per open document, updated
    incrementally with the byte range that changed since the last collection."""

    name = "syntax"

    def __init__(self, booster: WASMBooster) -> None:
        self.booster = booster
        self._texts: dict[str, bytes] = {}  # what the service's tree holds, per document
        self._lock = threading.Lock()

    def supports(self, language: str | None) -> bool:
        from booster_lsp.core.syntax import SyntaxService

        return language is not None and SyntaxService.supports(language)

    def collect(self, snapshot: DocumentSnapshot) -> list[Finding]:
        if not self.supports(snapshot.language):
            return []
        try:
            with self._lock:
                service = self._sync(snapshot)
                issues = service.errors(snapshot.uri)
        except (BoosterError, ValueError, KeyError) as error:
            self._texts.pop(snapshot.uri, None)
            log.warning("syntax diagnostics for %s: %s", snapshot.uri, error)
            return []
        index = snapshot.index
        return [
            Finding(
                index.offset_of_byte(issue.start_byte),
                index.offset_of_byte(issue.end_byte),
                issue.message,
                code=f"syntax-{issue.kind}",
            )
            for issue in issues
        ]

    def nodes(self, snapshot: DocumentSnapshot, start_byte: int, end_byte: int) -> list:
        """Named nodes of the open document's tree that intersect [start_byte, end_byte]
        (ancestors included; ``Capture``: kind and byte range), outermost first. The tree is
        brought up to the snapshot incrementally; ``[]`` for other languages or on failure."""
        if not self.supports(snapshot.language):
            return []
        try:
            with self._lock:
                service = self._sync(snapshot)
                return service.query(snapshot.uri, "(_) @n", start_byte, max(end_byte, start_byte + 1))
        except (BoosterError, ValueError, KeyError) as error:
            self._texts.pop(snapshot.uri, None)
            log.warning("syntax tree of %s: %s", snapshot.uri, error)
            return []

    def sync(self, snapshot: DocumentSnapshot) -> None:
        """Bring the document's tree up to the snapshot (an incremental reparse), so that
        refactorings of this text query it instead of parsing the whole text again."""
        if not self.supports(snapshot.language):
            return
        try:
            with self._lock:
                self._sync(snapshot)
        except (BoosterError, ValueError, KeyError) as error:
            self._texts.pop(snapshot.uri, None)
            log.warning("syntax tree of %s: %s", snapshot.uri, error)

    def _sync(self, snapshot: DocumentSnapshot):
        """The service with the snapshot's text as the document's tree (caller holds the lock)."""
        data = snapshot.text.encode("utf-8")
        service = self.booster.syntax
        old = self._texts.get(snapshot.uri)
        if old is None:
            service.open(snapshot.uri, snapshot.language, data)
        elif old != data:
            service.replace_text(snapshot.uri, data)
        self._texts[snapshot.uri] = data
        return service

    def close(self, uri: str) -> None:
        with self._lock:
            if self._texts.pop(uri, None) is not None:
                try:
                    self.booster.syntax.close(uri)
                except BoosterError:
                    pass


class FormatErrorSource:
    """Syntax errors as reported by the format modules (Ruff, dprint, gofmt, rustfmt), for
    the languages the syntax module does not parse (JSON, Markdown, TOML, ...).

    The module reports a point (1-based line and column); the diagnostic covers the
    character there, or is empty at the end of a line."""

    name = "format"

    def __init__(self, booster: WASMBooster, skip: SyntaxModuleSource | None = None) -> None:
        self.booster = booster
        self.skip = skip

    def collect(self, snapshot: DocumentSnapshot) -> list[Finding]:
        if snapshot.language is None or (self.skip is not None and self.skip.supports(snapshot.language)):
            return []
        try:
            if self.booster.format_provider(snapshot.language) is None:
                return []
            result = self.booster.transform_sync(snapshot.text, BoosterOperation.FORMAT, snapshot.language)
        except BoosterError as error:
            log.warning("diagnostics for %s: %s", snapshot.uri, error)
            return []
        if result.success or result.error_kind != "syntax":
            return []
        index = snapshot.index
        location = result.error_location
        start = index.offset_of_location(location.line, location.column) if location else 0
        _, line_end = index.line_span(index.line_of(start))
        end = start + 1 if start < line_end else start
        return [Finding(start, end, result.error or "syntax error", code="syntax-error")]

    def close(self, uri: str) -> None:
        pass


class LintSource:
    """Lint diagnostics (operation LINT: Ruff for Python, our syntax rules for JS/TS/Go/Rust).

    Keeps the core's diagnostics (byte ranges, fixes) of the last collected revision of each
    document for the code actions (quick fixes, fix all, suppressions). Ruff's own syntax
    errors are left out: the syntax source reports them. A failing linter logs and yields
    nothing, so syntax diagnostics are never lost."""

    name = "lint"

    def __init__(self, booster: WASMBooster) -> None:
        self.booster = booster
        self._results: dict[str, tuple[int, list[LintResult]]] = {}
        self._lock = threading.Lock()

    def collect(self, snapshot: DocumentSnapshot) -> list[Finding]:
        results = self._lint(snapshot)
        with self._lock:
            self._results[snapshot.uri] = (snapshot.revision, results)
        return [result.finding for result in results]

    def results(self, snapshot: DocumentSnapshot) -> list[LintResult] | None:
        """The lint results of exactly this revision, if collected."""
        with self._lock:
            cached = self._results.get(snapshot.uri)
        return cached[1] if cached is not None and cached[0] == snapshot.revision else None

    def latest_results(self, uri: str) -> list[LintResult]:
        """The lint results of the last revision of ``uri`` collected, whichever it was."""
        with self._lock:
            cached = self._results.get(uri)
        return cached[1] if cached is not None else []

    def _lint(self, snapshot: DocumentSnapshot) -> list[LintResult]:
        with lookups_once():  # the project's configuration: looked up once for this lint
            return self._lint_once(snapshot)

    def _lint_once(self, snapshot: DocumentSnapshot) -> list[LintResult]:
        if snapshot.language is None:
            return []
        if snapshot.file_path is not None and excluded_by_project(snapshot.file_path, "lint"):
            return []  # as ruff server: a file the project excludes is not linted
        try:
            if self.booster.handler(BoosterOperation.LINT, snapshot.language) is None:
                return []
            result = self.booster.transform_sync(snapshot.text, BoosterOperation.LINT, snapshot.language,
                                                 path=snapshot.path, _llm=False)
        except Exception as error:  # noqa: BLE001 - lint must never break the other diagnostics
            log.warning("lint of %s failed: %s", snapshot.uri, error)
            return []
        if not result.success:
            if result.error_kind != "syntax":
                log.warning("lint of %s: %s", snapshot.uri, result.error)
            return []
        index = snapshot.index
        out = []
        for raw in result.diagnostics:
            if raw.get("code") in (None, "invalid-syntax"):
                continue
            finding = Finding(
                index.offset_of_byte(raw["start"]), index.offset_of_byte(raw["end"]), raw["message"],
                raw.get("severity") or "warning", raw["code"], raw.get("url"), tuple(raw.get("tags") or ()),
            )
            out.append(LintResult(finding, raw))
        return out

    def close(self, uri: str) -> None:
        with self._lock:
            self._results.pop(uri, None)


@dataclass(frozen=True)
class LintResult:
    finding: Finding  # code point offsets
    raw: dict  # the core's diagnostic: byte ranges, ``fix`` with edits and applicability

    @property
    def fix(self) -> dict | None:
        return self.raw.get("fix")


class DiagnosticsEngine:
    """Runs the sources; publishes (push) after a debounce pause, answers pulls."""

    def __init__(self, server: BoosterLanguageServer, sources: list[DiagnosticSource]) -> None:
        self.server = server
        self.sources = sources
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._results: dict[str, tuple[int, list[types.Diagnostic]]] = {}
        self._stopped = False
        self.epoch = 0  # counts invalidations: part of a pulled report's resultId

    def collect(self, snapshot: DocumentSnapshot) -> list[types.Diagnostic]:
        """All sources, in a worker thread."""
        codec = snapshot.codec(self.server.features.position_encoding)
        findings: list[Finding] = []
        for source in self.sources:
            try:
                findings.extend(source.collect(snapshot))
            except Exception:  # noqa: BLE001 - one failing source never hides the others
                log.exception("diagnostics source %s failed for %s", source.name, snapshot.uri)
        diagnostics = [lsp_diagnostic(codec, finding) for finding in findings]
        self._results[snapshot.uri] = (snapshot.revision, diagnostics)
        return diagnostics

    async def pull(self, snapshot: DocumentSnapshot) -> list[types.Diagnostic]:
        cached = self._results.get(snapshot.uri)
        if cached is not None and cached[0] == snapshot.revision:
            return cached[1]
        return await self.server.run_in_worker(self.collect, snapshot)

    def invalidate(self) -> None:
        """Forget every revision's diagnostics (the settings or a project's configuration
        changed): a pull collects them anew, and is not answered "unchanged"."""
        self._results.clear()
        self.epoch += 1

    def schedule(self, snapshot: DocumentSnapshot, delay_ms: int) -> None:
        """Push diagnostics for ``snapshot`` after ``delay_ms`` without a newer change."""
        if self.server.features.pull_diagnostics or self._stopped:
            # pull: the client asks (textDocument/diagnostic), pushing too would show them
            # twice; stopped: after shutdown
            return
        self._cancel_timer(snapshot.uri)
        loop = asyncio.get_running_loop()
        self._timers[snapshot.uri] = loop.call_later(delay_ms / 1000, self._start, snapshot)

    def _start(self, snapshot: DocumentSnapshot) -> None:
        self._timers.pop(snapshot.uri, None)
        if not self.server.documents.is_current(snapshot):
            return
        future = asyncio.ensure_future(self.server.run_in_worker(self.collect, snapshot))
        future.add_done_callback(lambda done: self._publish(snapshot, done))

    def _publish(self, snapshot: DocumentSnapshot, done: asyncio.Future) -> None:
        if done.cancelled() or self._stopped or not self.server.documents.is_current(snapshot):
            return
        if (error := done.exception()) is not None:
            log.error("diagnostics for %s failed: %s", snapshot.uri, error)
            return
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=snapshot.uri, diagnostics=done.result(), version=snapshot.version)
        )

    def close(self, uri: str) -> None:
        self._cancel_timer(uri)
        self._results.pop(uri, None)
        for source in self.sources:
            source.close(uri)
        if not self.server.features.pull_diagnostics:
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def stop(self) -> None:
        """At shutdown: nothing scheduled is published any more, nor anything running."""
        self._stopped = True
        for uri in list(self._timers):
            self._cancel_timer(uri)

    def _cancel_timer(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
