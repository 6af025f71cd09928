"""Work runs off the event loop: cancellation, stale versions, slow and failing requests.

The gated server (gated_server.py) holds any transform of a text containing ``# gate``
until the client runs ``test.release``: no sleeps, no timing assumptions.
"""

import asyncio
import json
import sys

from lsprotocol import types

from booster_lsp.lsp.transport import frame

from tests.lsp.conftest import (
    send_format_request,
    GATED_SERVER,
    QUIET,
    capabilities,
    change_document,
    edit,
    format_document,
    open_document,
    session,
)

GATED = "file:///work/gated.py"
OTHER = "file:///work/other.py"
GATED_TEXT = "# gate\nx  =  1\n"


def gated_session():
    # pull-diagnostics client and no speculative formatting: only the requests below transform
    return session(capabilities(pull=True), QUIET, command=GATED_SERVER)


async def release(client):
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="test.release"))


async def test_a_request_for_a_changed_document_returns_no_edits():
    async with gated_session() as client:
        open_document(client, GATED, GATED_TEXT)
        pending = send_format_request(client, GATED)
        change_document(client, GATED, 2, "# gate\ny  =  2\n")
        await release(client)
        assert list(await pending) == []
        # the current version formats normally
        assert await format_document(client, GATED) == [edit((1, 0), (2, 0), "y = 2\n")]


async def test_cancel_request_is_honoured():
    async with gated_session() as client:
        open_document(client, GATED, GATED_TEXT)
        future = send_format_request(client, GATED, msg_id=4242)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=4242))
        await release(client)
        try:
            await asyncio.wait_for(future, 30)
        except Exception as error:  # noqa: BLE001
            assert "is canceled" in str(error)
        else:
            raise AssertionError("the cancelled request was answered")
        assert await format_document(client, GATED) == [edit((1, 0), (2, 0), "x = 1\n")]


def gated_debug_session():
    return session(capabilities(pull=True), {**QUIET, "logLevel": "debug"}, command=GATED_SERVER)


def formatted_off_the_loop(client) -> int:
    """Formatting requests the reader thread took: formatted by it or handed by it to a worker."""
    return sum(m.message.startswith("formatting ") and "by the reader thread" in m.message for m in client.log_messages)


async def test_the_reader_threads_direct_lane_keeps_cancellation_and_stale_versions():
    """Once the event loop has handled everything before it, a formatting request skips the
    loop (the reader thread formats it, a parked thread reading on once it takes 5 ms, or hands
    it to a worker): the semantics above must hold there too."""
    async with gated_debug_session() as client:
        open_document(client, GATED, GATED_TEXT)
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        cancelled = send_format_request(client, GATED, msg_id=4243)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=4243))
        try:
            await asyncio.wait_for(cancelled, 30)
        except Exception as error:  # noqa: BLE001
            assert "is canceled" in str(error)  # answered at once, while the work is still gated
        else:
            raise AssertionError("the cancelled request was answered")
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        stale = send_format_request(client, GATED)
        change_document(client, GATED, 2, "# gate\ny  =  2\n")
        await release(client)
        assert list(await stale) == []
        assert await format_document(client, GATED) == [edit((1, 0), (2, 0), "y = 2\n")]
        # a reader thread's log messages reach the client through the event loop, after answers
        # it wrote itself: one more request the loop answers brings them in
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        assert formatted_off_the_loop(client) >= 2  # the cancelled and the stale request took the lane


async def test_the_reader_thread_applies_changes_in_order_and_leaves_the_rest_to_pygls():
    """When the event loop has nothing pending, didChange is applied by the reader thread
    (no pygls): incremental changes still compose in order, a formatting request right
    behind one sees it, and what the lane does not take goes the normal path."""
    uri = "file:///work/lane.py"
    debug_server = [sys.executable, "-m", "booster_lsp.lsp", "--log-level", "debug"]
    async with session(capabilities(pull=True), QUIET, command=debug_server) as client:
        open_document(client, uri, "x  =  1\n")
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        change_document(client, uri, 2, "2", types.Range(types.Position(0, 6), types.Position(0, 7)))
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        change_document(client, uri, 3, "y", types.Range(types.Position(0, 0), types.Position(0, 1)))
        assert await format_document(client, uri) == [edit((0, 0), (1, 0), "y = 2\n")]
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        applied = [m.message for m in client.log_messages if "applied by the reader thread" in m.message]
        assert len(applied) >= 1
        # the lane refuses what is not exactly LSP (a number as text); pygls' path takes it ("5")
        raw = {"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_DID_CHANGE, "params": {
            "textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": 5}],
        }}
        written = client.protocol.writer.write(frame(json.dumps(raw).encode()))  # not LSP: bypass the client
        if asyncio.iscoroutine(written):
            await written
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        assert await format_document(client, uri) == [edit((0, 0), (0, 1), "5\n")]
        assert len([m for m in client.log_messages if "applied by the reader thread" in m.message]) == len(applied)


async def test_a_slow_transform_does_not_block_other_requests():
    async with gated_session() as client:
        open_document(client, GATED, GATED_TEXT)
        open_document(client, OTHER, "y  =  2\n")
        slow = send_format_request(client, GATED)
        assert await format_document(client, OTHER) == [edit((0, 0), (1, 0), "y = 2\n")]
        assert not slow.done()
        await release(client)
        assert list(await slow) == [edit((1, 0), (2, 0), "x = 1\n")]


async def test_a_failing_request_does_not_affect_the_others():
    async with session(capabilities(pull=True), QUIET) as client:
        open_document(client, "file:///work/bad.py", "def (:\n")
        open_document(client, "file:///work/bad.go", "package main\nfunc {", "go")
        open_document(client, OTHER, "y  =  2\n")
        results = await asyncio.gather(
            format_document(client, "file:///work/bad.py"),
            format_document(client, "file:///work/bad.go"),
            format_document(client, OTHER),
        )
        assert results == [[], [], [edit((0, 0), (1, 0), "y = 2\n")]]
        assert len(client.messages) == 2
