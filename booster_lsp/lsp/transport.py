"""stdio transport: one reader thread hands whole messages to the event loop.

pygls' own stdio reader makes a thread-pool hop for every header line and every body
(three per message) and shares that pool with other work; this reader reads a whole
message in its own daemon thread and delivers it in one loop wake-up. It is also a daemon,
so the process exits on ``exit`` without waiting for stdin to close.
"""

from __future__ import annotations

import asyncio
import threading
from typing import BinaryIO


class ThreadedStdinReader:
    """Implements pygls' AsyncReader (``readline`` / ``readexactly``) from a queue of the
    header lines and bodies a thread has read."""

    def __init__(self, stdin: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        self.stdin = stdin
        self.loop = loop
        self.items: asyncio.Queue[bytes] = asyncio.Queue()
        threading.Thread(target=self._read, name="booster-stdin", daemon=True).start()

    def _deliver(self, items: list[bytes]) -> None:
        for item in items:
            self.items.put_nowait(item)

    def _read(self) -> None:
        stdin = self.stdin
        try:
            while True:
                items: list[bytes] = []
                length = 0
                while True:
                    line = stdin.readline()
                    if not line:
                        items.append(b"")
                        self.loop.call_soon_threadsafe(self._deliver, items)
                        return
                    items.append(line)
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                    elif not line.strip():
                        break
                items.append(stdin.read(length) if length else b"")
                self.loop.call_soon_threadsafe(self._deliver, items)
        except (OSError, ValueError, RuntimeError):  # stdin closed, or the loop is gone
            try:
                self.loop.call_soon_threadsafe(self._deliver, [b""])
            except RuntimeError:
                pass

    async def readline(self) -> bytes:
        return await self.items.get()

    async def readexactly(self, n: int) -> bytes:
        return await self.items.get()
