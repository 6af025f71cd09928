"""The stdio writer shared by the event loop and the reader thread's fast lane."""

from __future__ import annotations

import os
import threading

import pytest

from booster_lsp.lsp.transport import LockedWriter, frame

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
