"""pytest-lsp fixtures: booster-lsp as a subprocess, driven by pytest-lsp's client."""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SERVER = [sys.executable, "-m", "booster_lsp.lsp", "--log-level", os.environ.get("BOOSTER_TEST_LOG_LEVEL", "info")]
GATED_SERVER = [sys.executable, str(HERE / "gated_server.py")]
#: Settings for tests that must not see background work (diagnostics are pulled instead).
QUIET = {"speculativeFormat": False}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.lsp)


def capabilities(
    encoding: str | None = None, *, pull: bool = False, configuration: bool = False, editor: str | None = None
) -> types.ClientCapabilities:
    """Client capabilities: a captured real editor's, or a minimal set; UTF-8 offered when asked."""
    caps = client_capabilities(editor) if editor else types.ClientCapabilities()
    if encoding is not None:
        caps.general = types.GeneralClientCapabilities(position_encodings=[encoding, "utf-16"])
    if caps.text_document is None:
        caps.text_document = types.TextDocumentClientCapabilities()
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities() if pull else None
    if caps.workspace is None:
        caps.workspace = types.WorkspaceClientCapabilities()
    caps.workspace.configuration = configuration
    caps.workspace.apply_edit = True
    return caps


@asynccontextmanager
async def session(
    caps: types.ClientCapabilities | None = None,
    init_options: Any = None,
    command: list[str] = SERVER,
    root: Path | None = None,
    before_initialize: Callable[[LanguageClient], None] | None = None,
    trace: types.TraceValue | None = None,
) -> AsyncIterator[LanguageClient]:
    client = await ClientServerConfig(server_command=command).start()
    assert isinstance(client, LanguageClient)
    if before_initialize is not None:  # e.g. handlers for requests the server sends at `initialized`
        before_initialize(client)
    try:
        result = await client.initialize_session(
            types.InitializeParams(
                capabilities=caps or capabilities(),
                initialization_options=init_options,
                root_uri=(root or ROOT).as_uri(),
                trace=trace,
            )
        )
        client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
        yield client
        if client._server is not None and client._server.returncode is None:  # a test may have ended it
            await client.shutdown_session()
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()  # a failed test must not leave the server (and the test) hanging
        await client.stop()


def open_document(client: LanguageClient, uri: str, text: str, language: str = "python", version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)
        )
    )


def change_document(
    client: LanguageClient, uri: str, version: int, text: str, range_: types.Range | None = None
) -> None:
    change: types.TextDocumentContentChangeEvent = (
        types.TextDocumentContentChangeWholeDocument(text=text)
        if range_ is None
        else types.TextDocumentContentChangePartial(range=range_, text=text)
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
        )
    )


async def format_document(client: LanguageClient, uri: str) -> list[types.TextEdit] | None:
    return as_list(
        await client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                options=types.FormattingOptions(tab_size=4, insert_spaces=True),
            )
        )
    )


def send_format_request(client: LanguageClient, uri: str, msg_id: int | None = None) -> asyncio.Future:
    """Send textDocument/formatting now (not when first awaited) and return the pending answer."""
    params = types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri), options=types.FormattingOptions(4, True)
    )
    future = client.protocol.send_request(types.TEXT_DOCUMENT_FORMATTING, params, msg_id=msg_id)
    return asyncio.wrap_future(future)


def as_list(result):
    return None if result is None else list(result)


async def pull_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return list(report.items)


async def wait_for_diagnostics(client: LanguageClient, uri: str, timeout: float = 15) -> list[types.Diagnostic]:
    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), timeout)


def edit(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextEdit:
    return types.TextEdit(types.Range(types.Position(*start), types.Position(*end)), text)


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    """Apply LSP edits as a client does, counting ``character`` in the client's units."""
    lines = text.splitlines(keepends=True) or [""]
    if text.endswith(("\n", "\r")):
        lines.append("")

    def offset(position: types.Position) -> int:
        base = sum(len(line) for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position.character or char in "\r\n":
                return base + index
            units += len(char.encode(encoding.replace("utf-16", "utf-16-le"))) // (2 if encoding == "utf-16" else 1)
        return base + len(line)

    for text_edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(text_edit.range.start), offset(text_edit.range.end)
        text = text[:start] + text_edit.new_text + text[end:]
    return text


async def wait_for_log(client: LanguageClient, needle: str, timeout: float = 15) -> None:
    """Wait for a window/logMessage containing ``needle`` (a synchronisation point, not a timing)."""

    async def wait() -> None:
        while not any(needle in m.message for m in client.log_messages):
            await client.wait_for_notification(types.WINDOW_LOG_MESSAGE)

    await asyncio.wait_for(wait(), timeout)
