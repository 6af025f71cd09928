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
            reader.stop_inline()
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


async def parked(reader: ThreadedStdinReader) -> None:
    """Until a thread has parked (the second one at start; a working one once its lane returns)."""
    while not reader._parked:  # wait_for in run_reader bounds this
        await asyncio.sleep(0.01)


def test_inline_work_that_outruns_its_timer_lets_a_parked_thread_read_on():
    """work_inline: the reading thread works itself; once that takes TAKEOVER_S, the parked
    thread reads the messages behind it; more inline work meanwhile is refused (the lane hands
    it elsewhere); once done, the first thread parks and can take over in its turn."""
    gate, done = threading.Event(), threading.Event()
    seen: list[tuple[bytes, int, bool]] = []

    def lane(reader: ThreadedStdinReader, body: bytes) -> bool:
        if not body.startswith(b'"work'):
            return False

        def work() -> None:
            if body == b'"work 1"':
                assert gate.wait(10)  # long work: the messages behind it are read meanwhile
                done.set()

        seen.append((body, threading.get_ident(), reader.work_inline(work)))
        return True

    async def script(reader: ThreadedStdinReader, write) -> None:
        await parked(reader)
        write(frame(b'"work 1"') + frame(b'"work 2"') + frame(b'"plain 1"'))
        assert await next_body(reader) == b'"plain 1"'  # read while work 1 still waits
        assert not done.is_set()
        gate.set()
        await asyncio.get_running_loop().run_in_executor(None, done.wait, 10)
        await parked(reader)
        following = asyncio.ensure_future(next_body(reader))
        await asyncio.sleep(0.01)  # its readline marks "plain 1" handled, as pygls' next read does
        write(frame(b'"work 3"') + frame(b'"plain 2"'))
        assert await following == b'"plain 2"'

    run_reader(lane, script)
    (work1, first, inline1), (work2, second, inline2), (work3, third, inline3) = sorted(seen)  # work 1 ends last
    assert (work1, work2, work3) == (b'"work 1"', b'"work 2"', b'"work 3"')
    assert inline1 and not inline2 and inline3  # work 2 came while work 1 held the parked thread's turn
    assert first != second and third == second  # work 1 read by the first thread, then the second read on


def test_inline_work_within_its_timer_wakes_no_other_thread():
    seen: list[tuple[int, bool]] = []

    def lane(reader: ThreadedStdinReader, body: bytes) -> bool:
        if body == b'"work"':
            seen.append((threading.get_ident(), reader.work_inline(lambda: None)))
            return True
        return False

    async def script(reader: ThreadedStdinReader, write) -> None:
        await parked(reader)
        write(frame(b'"work"') + frame(b'"work"') + frame(b'"plain"'))
        assert await next_body(reader) == b'"plain"'
        await asyncio.sleep(0.05)  # an alarm of the second work, had it been armed still, would have run
        assert len(reader._parked) == 1

    run_reader(lane, script)
    assert len(seen) == 2 and all(inline for _, inline in seen)
    assert seen[0][0] == seen[1][0]  # the same thread read on after its own work
