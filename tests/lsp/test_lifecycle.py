"""shutdown: requests after it get an error (LSP: InvalidRequest) instead of no answer, and
work scheduled before it publishes nothing."""

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.conftest import SERVER, capabilities, open_document

URI = "file:///work/lifecycle.py"


async def test_a_request_after_shutdown_is_refused_and_no_diagnostics_follow():
    client = await ClientServerConfig(server_command=SERVER).start()
    assert isinstance(client, LanguageClient)
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities(),
                initialization_options={"diagnosticsDebounceMs": 300, "speculativeFormat": False},
            )
        )
        open_document(client, URI, "import os\nx  =  1\n")  # lint findings, pushed after 300 ms
        await client.shutdown_async(None)
        with pytest.raises(JsonRpcException) as refused:
            await asyncio.wait_for(
                client.text_document_formatting_async(
                    types.DocumentFormattingParams(types.TextDocumentIdentifier(URI), types.FormattingOptions(4, True))
                ),
                timeout=10,
            )
        assert refused.value.code == -32600 and "shutting down" in refused.value.message
        await asyncio.sleep(0.8)  # well past the debounce pause of the didOpen
        assert URI not in client.diagnostics
        client.exit(None)
        assert await asyncio.wait_for(client._server.wait(), timeout=10) == 0
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()
        await client.stop()
