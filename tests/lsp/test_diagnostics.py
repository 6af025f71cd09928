"""Syntax-error diagnostics: pushed on open/change (debounced), cleared on close, and pulled."""

import pytest
from lsprotocol import types

from conftest import (
    QUIET,
    capabilities,
    change_document,
    open_document,
    pull_diagnostics,
    session,
    wait_for_diagnostics,
)

URI = "file:///work/broken.py"


def syntax_error(start, end, message):
    return types.Diagnostic(
        range=types.Range(types.Position(*start), types.Position(*end)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code="syntax-error",
        source="booster",
    )


async def test_pushed_on_open_and_change_and_cleared_on_close():
    async with session(init_options={**QUIET, "diagnosticsDebounceMs": 50}) as client:
        open_document(client, URI, "def f(:\n    pass\n")
        assert await wait_for_diagnostics(client, URI) == [
            syntax_error((0, 6), (0, 7), "Expected a parameter or the end of the parameter list")
        ]

        client.diagnostics.pop(URI)
        change_document(client, URI, 2, "def f():\n    pass\n")
        assert await wait_for_diagnostics(client, URI) == []

        client.diagnostics.pop(URI)
        change_document(client, URI, 3, "x = (1,\n")
        assert await wait_for_diagnostics(client, URI) == [syntax_error((1, 0), (1, 0), "unexpected EOF while parsing")]

        client.diagnostics.pop(URI)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(URI)))
        assert await wait_for_diagnostics(client, URI) == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_pulled_diagnostic_range_after_wide_characters(encoding):
    text = "s = '😀中'  +  (\n"
    async with session(capabilities(encoding, pull=True), QUIET) as client:
        uri = "file:///work/wide.py"
        open_document(client, uri, text)
        diagnostics = await pull_diagnostics(client, uri)
        assert diagnostics == [syntax_error((1, 0), (1, 0), "unexpected EOF while parsing")]
        assert client.diagnostics == {}  # a client that pulls gets nothing pushed


@pytest.mark.parametrize(("encoding", "character"), [("utf-16", 22), ("utf-8", 26)])
async def test_typescript_error_column_in_client_units(encoding, character):
    text = "let s = '中文'; let x = {1\n"
    async with session(capabilities(encoding, pull=True), QUIET) as client:
        uri = "file:///work/a.ts"
        open_document(client, uri, text, "typescript")
        assert await pull_diagnostics(client, uri) == [
            syntax_error((0, character), (0, character + 1), "Expected ',', got '<eof>'")
        ]


async def test_go_error_at_end_of_file_is_clamped_to_the_line():
    async with session(capabilities(pull=True), QUIET) as client:
        uri = "file:///work/a.go"
        open_document(client, uri, "package main\nfunc main() {\n", "go")
        assert await pull_diagnostics(client, uri) == [syntax_error((1, 13), (1, 13), "expected '}', found 'EOF'")]
