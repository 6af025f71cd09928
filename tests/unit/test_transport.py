"""The stdio writer shared by the event loop and the reader thread's fast lane, and the
reader thread itself: its fast lane and the work a lane defers to the loop."""

from __future__ import annotations

import asyncio
import logging
import os
import threading

import pytest

from booster_lsp.lsp.transport import LockedWriter, ThreadedStdinReader, frame

pytestmark = pytest.mark.unit


def test_a_message_larger_than_the_pipe_arrives_whole_and_framed():
    read_end, write_end = os.pipe()
    body = bytes(range(256)) * 1000  # 256 KB: several times a pipe's buffer, so writev is partial
    received = bytearray()

    def drain() -> None:
        while chunk := os.read(read_end, 65536):
            received.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    with os.fdopen(write_end, "wb") as stdout:
        writer = LockedWriter(stdout)
        writer.write(frame(b'{"a": 1}'))  # pygls' path
        writer.write_message(body)  # the fast lane's path
        writer.write_message(b"{}")
    reader.join(10)
    os.close(read_end)
    assert bytes(received) == frame(b'{"a": 1}') + frame(body) + frame(b"{}")


def test_an_in_memory_stream_gets_the_same_bytes():
    import io

    class Unclosed(io.BytesIO):
        def close(self) -> None:  # keep the value readable
            pass

    stream = Unclosed()
    LockedWriter(stream).write_message(b'{"id": 1}')
    assert stream.getvalue() == frame(b'{"id": 1}')


async def next_body(reader: ThreadedStdinReader) -> bytes:
    """One message as pygls reads it: header lines up to the blank one, then the body."""
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        length = int(line.split(b":")[1])
    return await reader.readexactly(length) if line else b""


def run_reader(lane, script) -> None:
    """``script(reader, write)`` on an event loop, the reader reading a pipe the test writes to."""

    async def main() -> None:
        read_end, write_end = os.pipe()
        reader = ThreadedStdinReader(os.fdopen(read_end, "rb"), asyncio.get_running_loop(), lambda body: lane(reader, body))
        reader.start()
        try:
            await asyncio.wait_for(script(reader, lambda data: os.write(write_end, data)), timeout=20)
        finally:
            os.close(write_end)

    asyncio.run(main())


def test_work_a_lane_defers_runs_on_the_loop_before_the_next_message_it_handles():
    events: list[str] = []

    def lane(reader: ThreadedStdinReader, body: bytes) -> bool:
        if body.startswith(b'"change'):
            document = body.split()[1]  # "change <document> <n>"
            reader.defer(document, lambda: events.append(f"after {body.decode()} on {threading.current_thread().name}"))
            return True
        return False

    async def script(reader: ThreadedStdinReader, write) -> None:
        write(b"".join(frame(body) for body in (b'"change a 1"', b'"change b 1"', b'"change a 2"', b'"request"')))
        events.append(f"loop got {(await next_body(reader)).decode()}")

    run_reader(lane, script)
    main = threading.main_thread().name
    # one callback per document, its latest, in the order of the latest changes; all before the request
    assert events == [f'after "change b 1" on {main}', f'after "change a 2" on {main}', 'loop got "request"']


def test_deferred_work_runs_once_the_input_is_quiet():
    async def script(reader: ThreadedStdinReader, write) -> None:
        ran = asyncio.Event()
        deferred.append(ran.set)
        write(frame(b'"change"'))  # nothing follows it
        await ran.wait()  # wait_for in run_reader fails the test if it never runs

    deferred: list = []
    run_reader(lambda reader, body: reader.defer("document", deferred[0]) or True, script)


def test_a_fast_lane_that_raises_leaves_the_message_to_the_loop_and_the_reader_goes_on(caplog):
    def lane(reader: ThreadedStdinReader, body: bytes) -> bool:
        if body == b'"bug"':
            raise KeyError("a bug in the lane")
        return False

    async def script(reader: ThreadedStdinReader, write) -> None:
        write(frame(b'"bug"') + frame(b'"next"'))
        assert await next_body(reader) == b'"bug"'
        assert await next_body(reader) == b'"next"'

    with caplog.at_level(logging.ERROR, logger="booster_lsp.lsp.transport"):
        run_reader(lane, script)
    assert "fast lane failed; the message takes the normal path" in caplog.text and "a bug in the lane" in caplog.text
