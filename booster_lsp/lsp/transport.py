"""stdio transport: one reader thread hands whole messages to the event loop.

pygls' own stdio reader makes a thread-pool hop for every header line and every body
(three per message) and shares that pool with other work; this reader reads a whole
message in its own daemon thread and delivers it in one loop wake-up. It is also a daemon,
so the process exits on ``exit`` without waiting for stdin to close.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import BinaryIO


#: Messages read ahead of the event loop. Beyond this the reader stops reading, the pipe
#: fills and the client's writes wait: a didChange storm faster than the server can apply
#: it costs the client time, not the server unbounded memory.
MAX_PENDING_MESSAGES = 256


class ThreadedStdinReader:
    """Implements pygls' AsyncReader (``readline`` / ``readexactly``) from a queue of the
    header lines and bodies a thread has read."""

    def __init__(self, stdin: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        self.stdin = stdin
        self.loop = loop
        self.items: asyncio.Queue[bytes] = asyncio.Queue()
        self._slots = threading.Semaphore(MAX_PENDING_MESSAGES)
        threading.Thread(target=self._read, name="booster-stdin", daemon=True).start()

    def _deliver(self, items: list[bytes]) -> None:
        for item in items:
            self.items.put_nowait(item)

    def _read(self) -> None:
        # os.read on the file descriptor: no BufferedReader lock is held while blocked, so
        # interpreter shutdown never waits on (or trips over) this daemon thread.
        fd = self.stdin.fileno()
        buffer = bytearray()
        try:
            while True:
                self._slots.acquire()  # released when the loop takes the message's body
                items: list[bytes] = []
                length = 0
                while True:  # header lines up to the blank line
                    newline = buffer.find(b"\n")
                    while newline < 0:
                        chunk = os.read(fd, 65536)
                        if not chunk:
                            self.loop.call_soon_threadsafe(self._deliver, [b""])
                            return
                        buffer += chunk
                        newline = buffer.find(b"\n")
                    line = bytes(buffer[: newline + 1])
                    del buffer[: newline + 1]
                    items.append(line)
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                    elif not line.strip():
                        break
                while len(buffer) < length:
                    chunk = os.read(fd, max(65536, length - len(buffer)))
                    if not chunk:
                        self.loop.call_soon_threadsafe(self._deliver, [b""])
                        return
                    buffer += chunk
                items.append(bytes(buffer[:length]))
                del buffer[:length]
                self.loop.call_soon_threadsafe(self._deliver, items)
        except (OSError, ValueError, RuntimeError):  # stdin closed, or the loop is gone
            try:
                self.loop.call_soon_threadsafe(self._deliver, [b""])
            except RuntimeError:
                pass

    async def readline(self) -> bytes:
        return await self.items.get()

    async def readexactly(self, n: int) -> bytes:
        body = await self.items.get()
        self._slots.release()
        return body
