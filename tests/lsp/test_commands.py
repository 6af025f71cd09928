"""workspace/executeCommand: booster.stats, booster.clearCache, booster.formatDocument."""

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from tests.lsp.conftest import QUIET, capabilities, edit, format_document, open_document, session

URI = "file:///work/cmd.py"


async def execute(client, command, *arguments):
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments) or None)
    )


async def test_stats_count_formatting_and_clear_cache():
    async with session(capabilities(pull=True), QUIET) as client:  # nothing formats in the background
        before = await execute(client, "booster.stats")
        assert set(before) >= {"total_transformations", "wasm_hits", "cache_hits", "operation_stats", "failures"}
        open_document(client, URI, "x  =  1\n")
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), "x = 1\n")]
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), "x = 1\n")]
        after = await execute(client, "booster.stats")
        assert after["total_transformations"] == before["total_transformations"] + 2
        assert after["cache_hits"] == before["cache_hits"] + 1

        assert await execute(client, "booster.clearCache") is None
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), "x = 1\n")]
        cleared = await execute(client, "booster.stats")
        assert cleared["cache_hits"] == after["cache_hits"]  # the cache was empty
        assert cleared["wasm_hits"] == after["wasm_hits"] + 1


async def test_format_document_applies_the_edits_through_the_client():
    applied: list[types.ApplyWorkspaceEditParams] = []
    async with session(init_options=QUIET) as client:

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams):
            applied.append(params)
            return types.ApplyWorkspaceEditResult(applied=True)

        open_document(client, URI, "x  =  1\n", version=7)
        assert await execute(client, "booster.formatDocument", URI) == {"applied": True, "edits": 1}
        [params] = applied
        [document_edit] = params.edit.document_changes
        assert document_edit.text_document == types.OptionalVersionedTextDocumentIdentifier(uri=URI, version=7)
        assert list(document_edit.edits) == [edit((0, 0), (1, 0), "x = 1\n")]


async def test_format_document_of_an_unknown_uri_is_an_error():
    async with session(init_options=QUIET) as client:
        with pytest.raises(JsonRpcInvalidParams) as raised:
            await execute(client, "booster.formatDocument", "file:///nope.py")
        assert raised.value.message == "booster.formatDocument: 'file:///nope.py' is not an open document"
        assert not raised.value.data  # no traceback of the server's
