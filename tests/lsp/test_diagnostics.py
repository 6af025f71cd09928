"""Syntax-error diagnostics: pushed on open/change (debounced), cleared on close, and pulled.

Python, JavaScript, TypeScript, Go and Rust are parsed by our tree-sitter module (one tree
per open document, updated incrementally); other languages report the format module's error."""

import asyncio

import pytest
from lsprotocol import types

from tests.lsp.conftest import (
    QUIET,
    capabilities,
    change_document,
    edit,
    format_document,
    open_document,
    pull_diagnostics,
    session,
    wait_for_diagnostics,
)

URI = "file:///work/broken.py"


def syntax_error(start, end, message, code="syntax-error"):
    return types.Diagnostic(
        range=types.Range(types.Position(*start), types.Position(*end)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code=code,
        source="booster",
    )


async def test_pushed_on_open_and_change_and_cleared_on_close():
    async with session(init_options={**QUIET, "diagnosticsDebounceMs": 50}) as client:
        open_document(client, URI, "def f(:\n    pass\n")
        assert await wait_for_diagnostics(client, URI) == [
            syntax_error((0, 6), (0, 6), "expected ')'", "syntax-missing")
        ]

        client.diagnostics.pop(URI)
        change_document(client, URI, 2, ")", types.Range(types.Position(0, 6), types.Position(0, 6)))
        assert await wait_for_diagnostics(client, URI) == []  # incremental change: "def f():"

        client.diagnostics.pop(URI)
        change_document(client, URI, 3, "x = (1,\n")  # the file ends inside the bracket
        assert await wait_for_diagnostics(client, URI) == [syntax_error((0, 4), (0, 5), "'(' was never closed")]

        client.diagnostics.pop(URI)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(URI)))
        assert await wait_for_diagnostics(client, URI) == []


@pytest.mark.parametrize(("encoding", "end"), [("utf-16", 15), ("utf-8", 19)])
async def test_pulled_diagnostic_range_after_wide_characters(encoding, end):
    text = "s = '😀中'  +  (\n"
    async with session(capabilities(encoding, pull=True), QUIET) as client:
        uri = "file:///work/wide.py"
        open_document(client, uri, text)
        assert await pull_diagnostics(client, uri) == [syntax_error((0, end - 1), (0, end), "'(' was never closed")]
        assert client.diagnostics == {}  # a client that pulls gets nothing pushed


@pytest.mark.parametrize(("encoding", "character"), [("utf-16", 32), ("utf-8", 36)])
async def test_rust_error_column_in_client_units(encoding, character):
    async with session(capabilities(encoding, pull=True), QUIET) as client:
        uri = "file:///work/main.rs"
        open_document(client, uri, 'fn main() { let s = "中文"; let x = ; }\n', "rust")
        assert await pull_diagnostics(client, uri) == [
            syntax_error((0, character), (0, character + 1), "unexpected '='")
        ]


async def test_unchanged_document_gives_an_unchanged_report():
    async with session(capabilities(pull=True), QUIET) as client:
        uri = "file:///work/a.go"
        open_document(client, uri, "package main\nfunc main() {\n", "go")
        first = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri))
        )
        assert list(first.items) == [syntax_error((1, 12), (1, 13), "'{' was never closed")]
        second = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri), previous_result_id=first.result_id
            )
        )
        assert second.kind == "unchanged" and second.result_id == first.result_id


async def test_languages_without_a_grammar_report_the_format_module_error():
    async with session(capabilities(pull=True), QUIET) as client:
        uri = "file:///work/a.json"
        open_document(client, uri, '{"a": 1,,}\n', "json")
        assert await pull_diagnostics(client, uri) == [
            syntax_error((0, 8), (0, 9), "Line 1, column 9: Unexpected token in object")
        ]


async def test_a_saved_project_configuration_or_new_settings_apply_to_the_open_documents(tmp_path):
    """ruff.toml edited and saved in the editor: the open file's diagnostics are pushed again
    with its rules, and formatting (pre-formatted while idle) follows its line length; new
    settings do the same."""
    config = tmp_path / "ruff.toml"
    config.write_text('[lint]\nselect = ["E"]\n')
    text = "import os\n\nresult = some_function(argument_one, argument_two)\n"
    async with session(init_options={"diagnosticsDebounceMs": 50, "speculativeIdleMs": 50}) as client:
        uri = (tmp_path / "mod.py").as_uri()
        open_document(client, uri, text)
        assert await wait_for_diagnostics(client, uri) == []
        await asyncio.sleep(0.5)  # pre-formatted with line-length 88: nothing to change
        assert await format_document(client, uri) == []
        client.diagnostics.pop(uri)
        config.write_text('line-length = 30\n\n[lint]\nselect = ["F401"]\n')
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(config.as_uri())))
        assert [d.code for d in await wait_for_diagnostics(client, uri)] == ["F401"]
        assert await format_document(client, uri) == [
            edit((2, 0), (3, 0), "result = some_function(\n    argument_one, argument_two\n)\n")]
        client.diagnostics.pop(uri)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"booster": {"diagnosticsDebounceMs": 50, "lint": {"ignore": ["F401"]}}}))
        assert await wait_for_diagnostics(client, uri) == []


async def test_a_client_that_pulls_is_asked_to_pull_again(tmp_path):
    (tmp_path / "ruff.toml").write_text('[lint]\nselect = ["E"]\n')
    caps = capabilities(pull=True)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    async with session(caps, QUIET) as client:
        uri = (tmp_path / "mod.py").as_uri()
        open_document(client, uri, "import os\n")
        first = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri)))
        assert list(first.items) == []
        (tmp_path / "ruff.toml").write_text('[lint]\nselect = ["F"]\n')
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier((tmp_path / "ruff.toml").as_uri())))
        for _ in range(200):
            if client.diagnostic_refresh_count:
                break
            await asyncio.sleep(0.05)
        assert client.diagnostic_refresh_count == 1
        again = await client.text_document_diagnostic_async(  # the same revision, pulled anew, as a client does
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri), previous_result_id=first.result_id))
        assert again.kind == "full" and [d.code for d in again.items] == ["F401"]


async def test_a_configuration_changed_outside_the_editor_applies_through_the_watcher_the_server_registers(tmp_path):
    """A client that watches files for the server (VS Code, Neovim) is asked to watch the
    configuration files; a change it reports (a git checkout) recomputes the open documents'
    diagnostics as a save in the editor does."""
    config = tmp_path / "ruff.toml"
    config.write_text('[lint]\nselect = ["E"]\n')
    caps = capabilities()
    caps.workspace.did_change_watched_files = types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
    registrations = []

    def handle_registrations(client) -> None:
        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            registrations.extend(params.registrations)

    async with session(caps, {"diagnosticsDebounceMs": 50, "speculativeFormat": False},
                       before_initialize=handle_registrations) as client:
        uri = (tmp_path / "mod.py").as_uri()
        open_document(client, uri, "import os\n")
        assert await wait_for_diagnostics(client, uri) == []
        for _ in range(100):
            if registrations:
                break
            await asyncio.sleep(0.05)
        [registration] = registrations
        assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        [watcher] = registration.register_options["watchers"]
        assert watcher["globPattern"].startswith("**/{") and "ruff.toml" in watcher["globPattern"]
        client.diagnostics.pop(uri)
        config.write_text('[lint]\nselect = ["F401"]\n')
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
        assert [d.code for d in await wait_for_diagnostics(client, uri)] == ["F401"]
