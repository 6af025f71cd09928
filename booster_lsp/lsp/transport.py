"""stdio transport: a reader thread hands whole messages to the event loop.

pygls' own stdio reader makes a thread-pool hop for every header line and every body
(three per message) and shares that pool with other work; this reader reads a whole
message in a daemon thread of its own (one of two, one reading at a time: see
``work_inline``) and delivers it in one loop wake-up. It is also a daemon,
so the process exits on ``exit`` without waiting for stdin to close.

Fast lane: when every message read before it has been handled by the event loop, a request
the server can answer from memory (format-on-save of a document speculative formatting
already did) is answered by the reader thread itself, and any other formatting request is
formatted by it too (``work_inline``: a parked second thread reads on if that takes
``TAKEOVER_S``), or, while one is being formatted so, handed to a worker, which answers
(BoosterLanguageServer._fast_lane). After
an idle pause every thread wake-up costs: on the 2-core VM of the benchmark a trivial
blocking Python server answers in ~0.28 ms median after 0.5 s of idleness, a trivial asyncio
server fed by a reader thread in ~0.45 ms (two wake-ups and the loop's own round), against
~0.06 ms for both when busy. Answering in the thread that woke up saves the second wake-up.

Deferred work: what a fast lane leaves for the event loop (after a didChange, rescheduling
the document's speculative formatting and diagnostics: timers of 200-300 ms) is run when the
input has been quiet for ``DEFER_S``, or before the next message the loop handles, whichever
comes first. Run at once, it woke the loop while the formatting request that follows a
change (format-on-save) was being answered, and the two threads took turns at the GIL:
~0.3 ms of the request's round trip on the benchmark VM (0.48 -> 0.18 ms of our own time on
a one-line edit, one interleaved A/B pair, against the benchmark's earlier whole-document
module floor). A lane that raises is a bug: it is logged and the message
takes the normal path; the reader never stops for it.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import threading
from typing import TYPE_CHECKING, BinaryIO, Callable

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


#: How long the input must be quiet before deferred work runs (ThreadedStdinReader.defer):
#: long enough for the request a change is followed by to arrive and be answered.
DEFER_S = 0.01

#: How long the reading thread may work on a request itself (ThreadedStdinReader.work_inline)
#: before a parked thread takes over reading: a ~350-line Python file formats in 1-3 ms, and
#: messages behind a longer piece of work wait at most this long to be read.
TAKEOVER_S = 0.005

#: Messages read ahead of the event loop. Beyond this the reader stops reading, the pipe
#: fills and the client's writes wait: a didChange storm faster than the server can apply
#: it costs the client time, not the server unbounded memory.
MAX_PENDING_MESSAGES = 256


HEADER = b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"


def frame(body: bytes) -> bytes:
    """A message with its header, as pygls writes it."""
    return HEADER % len(body) + body


class LockedWriter:
    """pygls' writer (``write`` / ``close``) for stdout, shared by the event loop and the fast
    lane: one lock, so two messages never interleave.

    When the client has closed its end (an editor quitting without waiting for the answers
    to its last requests), the first broken pipe is logged once and everything after it is
    dropped, where each message would have logged a traceback (pygls' ``_send_data``); stdout
    then points at /dev/null, so that the interpreter's last flush does not fail either. The
    server stops when its input ends, as the client's going away closes it too."""

    def __init__(self, stdout: BinaryIO) -> None:
        self.stdout = stdout
        self.lock = threading.Lock()
        self.lost = False
        try:
            self.fd: int | None = stdout.fileno()
        except (AttributeError, OSError, ValueError):  # an in-memory stream (tests)
            self.fd = None

    def write(self, data: bytes) -> None:
        with self.lock:
            if self.lost:
                return
            try:
                self.stdout.write(data)
                self.stdout.flush()
                return
            except BrokenPipeError:
                self._lose()
        self._report_loss()

    def write_message(self, body: bytes) -> None:
        """``write(frame(body))`` without copying the body: header and body in one writev."""
        header = HEADER % len(body)
        with self.lock:
            if self.lost:
                return
            try:
                if self.fd is None:
                    self.stdout.write(header + body)
                    self.stdout.flush()
                    return
                data = [header, body]
                while data:  # a pipe may take part of it
                    written = os.writev(self.fd, data)
                    while data and written >= len(data[0]):
                        written -= len(data.pop(0))
                    if data and written:
                        data[0] = data[0][written:]
                return
            except BrokenPipeError:
                self._lose()
        self._report_loss()

    @staticmethod
    def _report_loss() -> None:
        # outside the lock: the log handler that forwards to the client writes here too
        log.warning("the client closed the connection: nothing more is sent")

    def _lose(self) -> None:
        self.lost = True
        if self.fd is not None:
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.fd)  # buffered bytes and later writes go nowhere, quietly
                os.close(devnull)
            except OSError:
                pass

    def close(self) -> None:
        with self.lock:
            try:
                self.stdout.close()
            except BrokenPipeError:  # the buffer's last flush
                self.lost = True


def _length(line: bytes) -> int:
    try:
        return int(line.split(b":", 1)[1])
    except ValueError:
        return 0


#: Called by the reader thread with a request's body; True when it has answered the request.
FastLane = Callable[[bytes], bool]


class ThreadedStdinReader:
    """Implements pygls' AsyncReader (``readline`` / ``readexactly``) from a queue of the
    header lines and bodies a thread has read."""

    def __init__(self, stdin: BinaryIO, loop: asyncio.AbstractEventLoop, fast_lane: FastLane | None = None,
                 unread: bytes = b"") -> None:
        import asyncio  # here: the prelude (lsp/prelude.py) writes with this module before asyncio is needed

        self.stdin = stdin
        self.loop = loop
        self.items: asyncio.Queue[bytes] = asyncio.Queue()
        self._slots = threading.Semaphore(MAX_PENDING_MESSAGES)
        self.fast_lane = fast_lane
        #: messages delivered to the loop and not handled yet. pygls' run_async handles a
        #: message (its synchronous part: documents are updated there) right after it takes
        #: the body, then asks for the next header line: that call marks it handled.
        self._unhandled = 0
        self._taken = False
        self._count_lock = threading.Lock()
        #: callbacks for the loop that a fast lane left (defer), by key; only the reading thread touches it
        self._deferred: dict[object, Callable[[], None]] = {}
        #: read and not parsed yet, first what was read before this reader started (the
        #: prelude's hand-over); only the reading thread touches it
        self._buffer = bytearray(unread)
        #: the reading thread's ident (None while a take-over is under way), the parked threads'
        #: wake-up events, whether inline work may arm the take-over timer, whether it is armed
        self._reader: int | None = None
        self._parked: list[threading.Event] = []
        self._inline_lock = threading.Lock()
        self._takeover = False
        self._inline = False

    def start(self) -> None:
        """Start reading (in a thread); a second thread parks until it takes over reading from
        inline work (``work_inline``). Called on the event loop, in the main thread: the
        take-over timer's signal is handled there; elsewhere nothing is worked inline."""
        for reading in (True, False):
            threading.Thread(target=self._run, args=(reading,), name="booster-stdin", daemon=True).start()
        try:
            self.loop.add_signal_handler(signal.SIGALRM, self._take_over)
            self._takeover = True
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):  # no SIGALRM, or not the main thread
            log.debug("no take-over timer: formatting requests go to workers")

    def stop_inline(self) -> None:
        """No more inline work, and its timer disarmed: once the event loop closes, an alarm
        would end the process (called before it closes)."""
        with self._inline_lock:
            if self._takeover:
                self._takeover = False
                signal.setitimer(signal.ITIMER_REAL, 0)

    def work_inline(self, work: Callable[[], None]) -> bool:
        """Called by a fast lane in the reading thread: ``work`` done here and now, where handing
        it to a worker costs a thread wake-up on the request's path (request read -> formatting
        starts: 0.14-0.16 ms that way, 0.07 ms here, on the benchmark VM). If it runs longer
        than ``TAKEOVER_S``, the alarm wakes the event loop, which lets a parked thread read on
        (``_take_over``): a slow transform never holds up other messages for longer, and a fast
        one wakes no other thread. False (the lane hands the work to a worker) when no thread
        is parked to take over: another inline work is running."""
        with self._inline_lock:
            if not self._takeover or not self._parked or self._inline:
                return False
            self._inline = True
            signal.setitimer(signal.ITIMER_REAL, TAKEOVER_S)
        try:
            work()
        finally:
            with self._inline_lock:
                self._inline = False
                if self._takeover:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        return True

    def _take_over(self) -> None:
        """On the event loop, when inline work has outrun its timer: a parked thread reads on;
        the working thread parks when its lane returns (``_read``)."""
        with self._inline_lock:
            if not self._inline or not self._parked or self._reader is None:
                return
            wake = self._parked.pop()
            self._reader = None
        log.debug("inline work outran %.0f ms: another thread reads on", TAKEOVER_S * 1000)
        wake.set()

    def _run(self, reading: bool) -> None:
        wake = threading.Event()
        if reading:
            self._reader = threading.get_ident()
        else:
            self._park(wake)
        self._read(wake)

    def _park(self, wake: threading.Event) -> None:
        """Wait until ``_take_over`` passes the input to this thread."""
        wake.clear()
        with self._inline_lock:
            self._parked.append(wake)
        wake.wait()
        self._reader = threading.get_ident()

    def defer(self, key: object, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the event loop once the input is quiet, or before the next
        message the loop handles (see the module's docstring); a later callback of the same
        ``key`` (a document) replaces it, so a burst of changes with no quiet moment holds one
        each. Called by a fast lane, in the reader thread."""
        self._deferred.pop(key, None)  # re-inserted last: callbacks run in the order of their latest change
        self._deferred[key] = callback

    def _flush_deferred(self) -> None:
        if self._deferred:
            callbacks, self._deferred = list(self._deferred.values()), {}
            self.loop.call_soon_threadsafe(_run_all, callbacks)

    def _end_of_input(self) -> None:
        """The client closed stdin: what was deferred runs, then pygls reads the end."""
        self._flush_deferred()
        self.loop.call_soon_threadsafe(self._deliver, [b""])

    def _took_fast_lane(self, body: bytes) -> bool:
        try:
            return self.fast_lane(body)  # type: ignore[misc]
        except Exception:  # a bug in a lane: the normal path answers, and the reader goes on
            log.exception("the reader thread's fast lane failed; the message takes the normal path")
            return False

    def _deliver(self, items: list[bytes]) -> None:
        for item in items:
            self.items.put_nowait(item)

    def _read(self, wake: threading.Event) -> None:
        # os.read on the file descriptor: no BufferedReader lock is held while blocked, so
        # interpreter shutdown never waits on (or trips over) this daemon thread.
        fd = self.stdin.fileno()
        try:
            while True:
                if self._reader != threading.get_ident():  # its inline work was taken over: another thread reads
                    self._park(wake)
                buffer = self._buffer  # the reading thread's, handed on with the input
                length = 0
                while True:  # header lines up to the blank line
                    newline = buffer.find(b"\n")
                    while newline < 0:
                        if self._deferred and not select.select([fd], [], [], DEFER_S)[0]:
                            self._flush_deferred()  # the input is quiet
                        chunk = os.read(fd, 65536)
                        if not chunk:
                            self._end_of_input()
                            return
                        buffer += chunk
                        newline = buffer.find(b"\n")
                    line = bytes(buffer[: newline + 1])
                    del buffer[: newline + 1]
                    if line.lower().startswith(b"content-length:"):
                        length = _length(line)
                    elif not line.strip():
                        break
                if length <= 0:  # no (valid) Content-Length: no message to read; the next header follows
                    log.warning("a message header without a valid Content-Length was skipped")
                    continue
                # pygls reads exactly this header (its pattern is case- and line-end-sensitive)
                items = [b"Content-Length: %d\r\n" % length, b"\r\n"]
                while len(buffer) < length:
                    chunk = os.read(fd, min(max(65536, length - len(buffer)), 1 << 24))
                    if not chunk:
                        self._end_of_input()
                        return
                    buffer += chunk
                body = bytes(buffer[:length])
                del buffer[:length]
                if self._unhandled == 0 and self.fast_lane is not None and self._took_fast_lane(body):
                    continue
                # for the loop: one slot each, released when the loop takes the body (a lane's
                # message, answered here, takes none)
                self._slots.acquire()
                items.append(body)
                with self._count_lock:
                    self._unhandled += 1
                self._flush_deferred()  # first: the loop sees the changes in the order they came
                self.loop.call_soon_threadsafe(self._deliver, items)
        except Exception as error:  # noqa: BLE001 - stdin closed, the loop gone, or a bug: the server stops
            if not isinstance(error, (OSError, ValueError, RuntimeError)):
                log.exception("the stdin reader failed; the server stops")
            try:
                self.loop.call_soon_threadsafe(self._deliver, [b""])
            except RuntimeError:
                pass

    async def readline(self) -> bytes:
        if self._taken:  # the previous message has been handled
            self._taken = False
            with self._count_lock:
                self._unhandled -= 1
        return await self.items.get()

    async def readexactly(self, n: int) -> bytes:
        body = await self.items.get()
        self._slots.release()
        self._taken = True
        return body


def _run_all(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # noqa: BLE001 - one failing callback must not drop the others
            log.exception("deferred work failed")
