"""$/logTrace: when the client traces the server, each formatting request is followed by a
trace of its time in the server and the part of it spent in the core."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager

from lsprotocol import types

from tests.lsp.conftest import (
    QUIET,
    capabilities,
    change_document,
    format_document,
    open_document,
    session,
    wait_for_log,
)
from tests.lsp.test_speculative import DEBUG_SERVER

URI = "file:///work/traced.py"
TRACE = re.compile(
    r"(?P<method>textDocument/\w+) traced\.py v(?P<version>\d+): (?P<server>\d+\.\d{3}) ms in the server, "
    r"(?P<core>\d+\.\d{3}) ms of it in the core \((?P<how>[^)]*)\)$"
)


def collect_traces(client) -> None:
    client.traces = []

    @client.feature(types.LOG_TRACE)
    def on_trace(params: types.LogTraceParams) -> None:
        client.traces.append(params)


@asynccontextmanager
async def traced(value: types.TraceValue, settings=QUIET, **options):
    """A session whose client traces the server from its first document on."""
    async with session(capabilities(), settings, before_initialize=collect_traces, **options) as client:
        client.protocol.notify(types.SET_TRACE, types.SetTraceParams(value))
        yield client


async def next_trace(client, count: int) -> types.LogTraceParams:
    """The ``count``-th trace (1-based), once it has arrived: it follows the answer."""

    async def wait() -> types.LogTraceParams:
        while len(client.traces) < count:
            await client.wait_for_notification(types.LOG_TRACE)
        return client.traces[count - 1]

    return await asyncio.wait_for(wait(), 15)


async def stats(client) -> None:
    """A round trip after which everything the server sent before it has arrived."""
    await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))


async def test_no_traces_unless_the_client_asks():
    async with session(capabilities(), QUIET, before_initialize=collect_traces) as client:
        open_document(client, URI, "x  =  1\n")
        assert await format_document(client, URI)
        await stats(client)
        assert client.traces == []


async def test_a_formatted_document_is_traced_with_its_time_in_the_core():
    async with traced(types.TraceValue.Messages) as client:
        open_document(client, URI, "x  =  1\ny=2\n")
        assert len(await format_document(client, URI)) == 1
        trace = await next_trace(client, 1)
        match = TRACE.match(trace.message)
        assert match, trace.message
        assert match["method"] == "textDocument/formatting" and match["version"] == "1"
        assert match["how"] in ("formatted by the reader thread", "formatted by a worker")
        assert 0 < float(match["core"]) <= float(match["server"])
        assert trace.verbose is None  # only with "verbose"

        client.protocol.notify(types.SET_TRACE, types.SetTraceParams(types.TraceValue.Off))
        change_document(client, URI, 2, "x  =  3\n")
        assert await format_document(client, URI)
        await stats(client)
        assert len(client.traces) == 1


async def test_verbose_traces_count_the_edits():
    async with traced(types.TraceValue.Verbose) as client:
        open_document(client, URI, "a  =  1\nb = 2\nc  =  3\n")
        assert len(await format_document(client, URI)) == 2
        trace = await next_trace(client, 1)
        assert trace.verbose == f"2 edits; {URI}"
        open_document(client, "file:///work/other.py", "a = 1\n")
        assert await format_document(client, "file:///work/other.py") == []
        trace = await next_trace(client, 2)
        assert trace.message.startswith("textDocument/formatting other.py v1: ")
        assert trace.verbose == "0 edits; file:///work/other.py"


async def test_initialize_may_ask_for_traces():
    async with session(capabilities(), QUIET, before_initialize=collect_traces, trace=types.TraceValue.Verbose) as client:
        open_document(client, URI, "x  =  1\n")
        assert await format_document(client, URI)
        trace = await next_trace(client, 1)
        assert TRACE.match(trace.message), trace.message
        assert trace.verbose == f"1 edit; {URI}"


async def test_format_on_save_from_speculative_formatting_spends_no_time_in_the_core():
    async with traced(types.TraceValue.Messages, {"speculativeIdleMs": 50}, command=DEBUG_SERVER) as client:
        open_document(client, URI, "x  =  1\n")
        await wait_for_log(client, f"speculative formatting of {URI} v1 ready")
        assert await format_document(client, URI)
        match = TRACE.match((await next_trace(client, 1)).message)
        assert match and match["how"] == "speculative formatting's result"
        assert match["core"] == "0.000"


async def test_range_formatting_and_a_syntax_error_are_traced():
    async with traced(types.TraceValue.Messages) as client:
        open_document(client, URI, "x  =  1\ny  =  2\n")
        edits = await client.text_document_range_formatting_async(
            types.DocumentRangeFormattingParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                range=types.Range(types.Position(1, 0), types.Position(1, 3)),
                options=types.FormattingOptions(4, True),
            )
        )
        assert [edit.range.start.line for edit in edits] == [1]
        match = TRACE.match((await next_trace(client, 1)).message)
        assert match and match["method"] == "textDocument/rangeFormatting"
        assert float(match["core"]) > 0

        change_document(client, URI, 2, "def broken(:\n")
        assert await format_document(client, URI) == []
        match = TRACE.match((await next_trace(client, 2)).message)
        assert match and match["version"] == "2", client.traces[1].message
