"""Soak: the language server over stdio under a bounded, self-stopping load (BOOSTER_SOAK_S,
default 60 s). Many open documents, didChange storms, concurrent formatting, code actions,
cancellations; speculative formatting and published diagnostics stay on.

Checked: the server never crashes; an answer for a document that changed after the request
is never applied (the client keeps versions, as editors do) and the server answers ``[]``
when it saw the change; every applied formatting gives exactly what the core formats the
request-time text to, and formatting again gives ``[]``; RSS grows < 10 % after warm-up.
Reported (``-s`` and build/soak.json): requests, p50/p99 latency per method, RSS.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import statistics
import time
from pathlib import Path

import pytest
from lsprotocol import types

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.text.edits import keep_line_endings
from tests.lsp.conftest import ROOT, capabilities, open_document, session

pytestmark = pytest.mark.soak

SOAK_S = float(os.environ.get("BOOSTER_SOAK_S", "60"))
WARM_UP_S = min(15.0, SOAK_S / 4)
WORKERS = 4
DOCS_PER_WORKER = 10
EXTENSIONS = {"py": "python", "ts": "typescript", "js": "javascript", "go": "go"}


def _corpus() -> list[tuple[str, str]]:
    files = [p for p in sorted((ROOT / "tests" / "fixtures" / "refactor").rglob("*")) if p.suffix[1:] in EXTENSIONS]
    files += sorted((ROOT / "booster_lsp").rglob("*.py"))[:30]
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if text.isascii() and "\r" not in text:  # positions below count ASCII characters
            out.append((EXTENSIONS[path.suffix[1:]], text))
    return out


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


def _position(text: str, offset: int) -> types.Position:
    starts = _line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return types.Position(line, offset - starts[line])


def _offset(text: str, position: types.Position) -> int:
    starts = _line_starts(text)
    if position.line >= len(starts):
        return len(text)
    end = starts[position.line + 1] - 1 if position.line + 1 < len(starts) else len(text)
    return min(starts[position.line] + position.character, end)


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:_offset(text, edit.range.start)] + edit.new_text + text[_offset(text, edit.range.end):]
    return text


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Doc:
    def __init__(self, uri: str, language: str, text: str) -> None:
        self.uri, self.language, self.text, self.version = uri, language, text, 1


class Soak:
    def __init__(self, client, rng: random.Random, checker: WASMBooster) -> None:
        self.client, self.rng, self.checker = client, rng, checker
        self.latency: dict[str, list[float]] = {}
        self.counts = {"changes": 0, "applied": 0, "stale_dropped": 0, "stale_empty": 0, "cancelled": 0,
                       "answered_despite_cancel": 0, "format_failed": 0, "code_actions": 0}
        self.next_id = 10_000_000

    async def timed(self, method: str, awaitable):
        started = time.perf_counter()
        try:
            return await awaitable
        finally:
            self.latency.setdefault(method, []).append((time.perf_counter() - started) * 1000)

    def change(self, doc: Doc) -> None:
        """One incremental edit an editor would send: spaces around `=`, a blank line, trailing spaces."""
        lines = doc.text.split("\n")
        index = self.rng.randrange(len(lines))
        start = sum(len(line) + 1 for line in lines[:index])
        line = lines[index]
        choice = self.rng.random()
        if " = " in line and choice < 0.4:
            at = line.index(" = ")
            start, end, new = start + at, start + at + 3, "  =  "
        elif choice < 0.7:
            start, end, new = start + len(line), start + len(line), "   "
        else:
            start, end, new = start, start, "\n"
        range_ = types.Range(_position(doc.text, start), _position(doc.text, end))
        doc.text = doc.text[:start] + new + doc.text[end:]
        doc.version += 1
        self.counts["changes"] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            content_changes=[types.TextDocumentContentChangePartial(range=range_, text=new)]))

    def send(self, method: str, params, msg_id: int | None = None) -> asyncio.Future:
        return asyncio.wrap_future(self.client.protocol.send_request(method, params, msg_id=msg_id))

    def format_params(self, doc: Doc) -> types.DocumentFormattingParams:
        return types.DocumentFormattingParams(types.TextDocumentIdentifier(doc.uri), types.FormattingOptions(4, True))

    async def format(self, doc: Doc, *, storm_after: bool) -> None:
        version, text = doc.version, doc.text
        pending = self.send(types.TEXT_DOCUMENT_FORMATTING, self.format_params(doc))
        if storm_after:  # the document changes while the request is under way
            for _ in range(self.rng.randint(1, 5)):
                self.change(doc)
        edits = await self.timed("formatting", pending)
        edits = list(edits or [])
        if doc.version != version:
            # an editor drops answers for an older version; the server saw the change: []
            self.counts["stale_dropped"] += 1
            self.counts["stale_empty"] += not edits
            return
        expected = self.checker.transform_sync(text, "format", doc.language)
        if not expected.success:
            assert edits == []
            self.counts["format_failed"] += 1
            return
        new_text = _apply(text, edits)
        assert new_text == keep_line_endings(text, expected.transformed_code), doc.uri
        if edits:  # apply as the editor does: a whole-document change, then a re-format is a no-op
            doc.text, doc.version = new_text, doc.version + 1
            self.client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)]))
            self.counts["applied"] += 1
            again = await self.timed("formatting", self.send(types.TEXT_DOCUMENT_FORMATTING, self.format_params(doc)))
            assert list(again or []) == [], doc.uri

    async def code_actions(self, doc: Doc) -> None:
        lines = doc.text.count("\n")
        line = self.rng.randrange(max(1, lines))
        params = types.CodeActionParams(types.TextDocumentIdentifier(doc.uri),
                                        types.Range(types.Position(line, 0), types.Position(min(lines, line + 3), 0)),
                                        types.CodeActionContext(diagnostics=[]))
        await self.timed("codeAction", self.send(types.TEXT_DOCUMENT_CODE_ACTION, params))
        self.counts["code_actions"] += 1

    async def cancel(self, doc: Doc) -> None:
        self.next_id += 1
        pending = self.send(types.TEXT_DOCUMENT_FORMATTING, self.format_params(doc), msg_id=self.next_id)
        self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=self.next_id))
        try:
            await asyncio.wait_for(pending, 30)
            self.counts["answered_despite_cancel"] += 1  # it had finished before the cancel arrived
        except asyncio.TimeoutError:
            raise
        except Exception as error:  # noqa: BLE001
            assert "cancel" in str(error).lower(), error
            self.counts["cancelled"] += 1

    async def worker(self, docs: list[Doc], stop_at: float) -> None:
        while time.monotonic() < stop_at:
            doc = self.rng.choice(docs)
            roll = self.rng.random()
            if roll < 0.35:
                for _ in range(self.rng.randint(5, 30)):  # a didChange storm: typing
                    self.change(doc)
                await asyncio.sleep(0)
            elif roll < 0.65:
                await self.format(doc, storm_after=self.rng.random() < 0.3)
            elif roll < 0.85:
                await self.code_actions(doc)
            else:
                await self.cancel(doc)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def test_soak():
    rng = random.Random(int(os.environ.get("BOOSTER_SOAK_SEED", "1")))
    checker = WASMBooster(BoosterConfig(cache_enabled=True), stats_path=None)
    corpus = _corpus()
    # a result cache small enough to reach its bound during warm-up: growth after it would be a leak
    options = {"speculativeIdleMs": 100, "diagnosticsDebounceMs": 50, "cacheMaxEntries": 128}
    async with session(capabilities(), options) as client:
        pid = client._server.pid
        soak = Soak(client, rng, checker)
        workers_docs = []
        for w in range(WORKERS):
            docs = []
            for d in range(DOCS_PER_WORKER):
                language, text = corpus[(w * DOCS_PER_WORKER + d) % len(corpus)]
                ext = {v: k for k, v in EXTENSIONS.items()}[language]
                doc = Doc(f"file:///soak/w{w}/d{d}.{ext}", language, text)
                open_document(client, doc.uri, doc.text, language)
                docs.append(doc)
            workers_docs.append(docs)
        started = time.monotonic()
        await asyncio.gather(*(soak.worker(docs, started + WARM_UP_S) for docs in workers_docs))
        rss_warm = _rss_kb(pid)
        samples = [rss_warm]
        warm_counts = dict(soak.counts)
        soak.latency.clear()  # latency after warm-up only (the first requests load modules)

        async def sample_rss() -> None:
            while time.monotonic() < started + SOAK_S:
                await asyncio.sleep(1)
                samples.append(_rss_kb(pid))

        await asyncio.gather(sample_rss(), *(soak.worker(docs, started + SOAK_S) for docs in workers_docs))
        elapsed = time.monotonic() - started
        assert client._server.returncode is None, "the server died"
        rss_end = _rss_kb(pid)
    growth = (rss_end - rss_warm) / rss_warm * 100
    report = {
        "duration_s": round(elapsed, 1), "warm_up_s": WARM_UP_S, "documents": WORKERS * DOCS_PER_WORKER,
        "concurrent_clients": WORKERS, "warm_up": warm_counts, **soak.counts,
        "requests": {m: len(v) for m, v in soak.latency.items()},
        "latency_ms": {m: {"p50": round(statistics.median(v), 2), "p99": round(_percentile(v, 0.99), 2)}
                       for m, v in soak.latency.items()},
        "rss_mb": {"after_warm_up": round(rss_warm / 1024, 1), "end": round(rss_end / 1024, 1),
                   "max": round(max(samples) / 1024, 1), "growth_percent": round(growth, 1),
                   "samples": [round(kb / 1024) for kb in samples[::5]]},
    }
    out = ROOT / "build" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print("\nsoak:", json.dumps(report, indent=2))
    assert soak.counts["applied"] > 0 and soak.counts["stale_dropped"] > 0
    assert growth < 10, f"RSS grew {growth:.0f}% after warm-up (< 10% required): {report['rss_mb']}"
