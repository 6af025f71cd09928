"""Speculative formatting: idle documents are formatted in the background.

Observed through the server's debug log (window/logMessage), never through timing."""

import sys

from lsprotocol import types

from tests.lsp.conftest import wait_for_log, capabilities, change_document, edit, format_document, open_document, session

DEBUG_SERVER = [sys.executable, "-m", "booster_lsp.lsp", "--log-level", "debug"]
URI = "file:///work/spec.py"


def logged(client, needle: str) -> list[str]:
    return [m.message for m in client.log_messages if needle in m.message]


async def test_format_on_save_after_an_idle_pause_is_answered_from_the_speculative_result():
    async with session(capabilities(pull=True), {"speculativeIdleMs": 100}, command=DEBUG_SERVER) as client:
        open_document(client, URI, "x  =  1\n")
        change_document(client, URI, 2, "x  =  2\n")  # cancels the pending run for v1
        await wait_for_log(client, f"speculative formatting of {URI} v2 ready")
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), "x = 2\n")]
        # the answer may come from the stdin reader thread (the fast lane), ahead of its log
        # message, which goes through the event loop
        await wait_for_log(client, "answered from speculative formatting")
        assert logged(client, "answered from speculative formatting") == [
            f"formatting {URI} v2: answered from speculative formatting"
        ]
        assert logged(client, "speculative formatting of") == [
            f"speculative formatting of {URI} v2 started",
            f"speculative formatting of {URI} v2 ready",
        ]


async def test_nothing_runs_before_the_idle_pause():
    async with session(capabilities(pull=True), {"speculativeIdleMs": 600000}, command=DEBUG_SERVER) as client:
        open_document(client, URI, "x  =  1\n")
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), "x = 1\n")]
        assert logged(client, "speculative formatting") == []


async def test_switched_off():
    async with session(
        capabilities(pull=True), {"speculativeFormat": False, "speculativeIdleMs": 0}, command=DEBUG_SERVER
    ) as client:
        open_document(client, URI, "x  =  1\n")
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), "x = 1\n")]
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        assert logged(client, "speculative formatting") == []


async def test_settings_change_invalidates_the_speculative_result():
    async with session(capabilities(pull=True), {"speculativeIdleMs": 50}, command=DEBUG_SERVER) as client:
        open_document(client, URI, "result = some_function(argument_one, argument_two)\n")
        await wait_for_log(client, f"speculative formatting of {URI} v1 ready")
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"booster": {"lineWidth": 30, "speculativeIdleMs": 50}})
        )
        assert await format_document(client, URI) == [
            edit((0, 0), (1, 0), "result = some_function(\n    argument_one, argument_two\n)\n")
        ]
        assert logged(client, "answered from speculative formatting") == []
