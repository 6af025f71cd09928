"""The prelude: a session's first messages answered before pygls is imported.

On a plain start (no ``--fork-server``), importing pygls and lsprotocol (~570 attrs classes)
is about half of the time to the first formatting response, and formatting needs none of
it: the core is imported by then, and Ruff's module is loading in a thread
(lsp/__main__.py). So, over stdio, ``serve`` first reads the client's messages itself:

- ``initialize`` is answered with the result the server gave a client with exactly these
  capabilities before (lsp/initialize_cache.py), the settings of the workspace and the
  ``initializationOptions`` applied as the server applies them. Nothing kept, or settings
  the server would have to complain about: the prelude stops there and the server starts
  as it always did (and keeps its result for the next start);
- a client that traces the server (``trace`` in ``initialize``, or ``$/setTrace`` other than
  ``off``: see ``$/logTrace`` in handlers/formatting.py) gets the server from there on;
- ``initialized``, ``didOpen``, ``didChange`` and ``didClose`` are applied to a document
  store of its own; ``didSave`` and a few more notifications that change nothing it computes
  are kept for the server;
- ``textDocument/formatting`` of an open document is formatted and answered as the server's
  fast lane does it (format_engine.format_snapshot; when it cannot be formatted, no edits
  and a ``window/showMessage`` saying why, as handlers/formatting.py answers);
- ``shutdown`` is answered, and ``exit`` then ends the process: a session that only
  formats (a script, an editor opened to format one file) never imports the server;
- anything else (another request, a message it cannot read), or no message for
  ``IDLE_S``: it hands over.

Handing over: the server is imported and reads the messages the prelude read first, framed
again in front of the input it has not read, as if they had just arrived: ``initialize`` (and
``shutdown``) under an id (``REPLAYED_ID_PREFIX``) whose response is not sent
(BoosterProtocol), and every message but the formatting requests the prelude answered. The
server then holds the session's state as if it had read every message itself, and it
answers everything the prelude did not.

Measured on the 2-core benchmark VM (benchmarks/benchmark_lsp.py, interleaved): spawn ->
first formatting response 261-316 ms, 511-572 ms with ``--no-prelude``.
"""

from __future__ import annotations

import json
import logging
import os
import select
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from booster_lsp.config import BoosterConfig, load_config, settings_section
from booster_lsp.errors import ConfigError
from booster_lsp.lsp import initialize_cache
from booster_lsp.lsp.document_store import DocumentStore, json_content_changes, uri_path
from booster_lsp.lsp.format_engine import format_snapshot
from booster_lsp.lsp.transport import LockedWriter, frame
from booster_lsp.text.positions import PositionEncoding

if TYPE_CHECKING:
    from booster_lsp import WASMBooster

log = logging.getLogger(__name__)

#: How long the prelude waits for a next message before it hands over. A client sends
#: ``initialized`` and its first ``didOpen`` right after the initialize response; a pause
#: means nothing more is coming soon, and the server is better off importing meanwhile.
IDLE_S = 0.05
#: How long it waits for ``initialize``, which a client sends as soon as it has started the
#: server (usually it is there before the prelude starts).
INITIALIZE_WAIT_S = 1.0
#: The ids of the requests it answered and replays (``initialize``, ``shutdown``): the server
#: does not send their responses again.
REPLAYED_ID_PREFIX = "booster-prelude-"
_DOCUMENT_NOTIFICATIONS = ("initialized", "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose")
#: Notifications that change nothing the prelude computes: kept for the server as they are. (A
#: saved or changed configuration file is looked up anew by every formatting anyway.)
_SERVER_NOTIFICATIONS = ("textDocument/didSave", "textDocument/willSave", "workspace/didChangeWatchedFiles",
                         "$/cancelRequest")
KEPT, ANSWERED, STOP, EXIT = "kept", "answered", "stop", "exit"


@dataclass
class Handover:
    """What the server starts from: ``unread``, the input it reads first (the messages the
    prelude read and did not answer, framed again, then what it read and did not parse);
    with ``initialize_result``, the kept result the prelude answered ``initialize`` with."""

    unread: bytes = b""
    initialize_key: str | None = None  # the key of the client's capabilities, if computed (initialize_cache)
    initialize_result: str | None = None
    why_not: str = "no initialize message"  # why initialize was left to the server
    handed_over_at: str = "a pause"  # the message the server takes over with
    answered: int = 0  # formatting requests the prelude answered
    elapsed_ms: float = 0.0
    #: set when the session ended in the prelude (shutdown and exit, or the end of the input
    #: after shutdown): the process exits with it and the server is never imported
    exit_code: int | None = None

    def summary(self) -> str:
        if self.initialize_result is None:
            return f"prelude: initialize left to the server ({self.why_not})"
        done = "the session ended" if self.exit_code is not None else f"handed over at {self.handed_over_at}"
        return (f"prelude: initialize answered from the kept result, {self.answered} formatting "
                f"request{'s' if self.answered != 1 else ''} answered, {done} after {self.elapsed_ms:.0f} ms")


class Prelude:
    def __init__(self, booster: WASMBooster, stdin_fd: int, writer: LockedWriter) -> None:
        self.booster = booster
        self.fd = stdin_fd
        self.writer = writer
        self.buffer = bytearray()
        self.replay: list[bytes] = []
        self.documents = DocumentStore()
        self.encoding = PositionEncoding.UTF16
        self.at_end = False
        self.shut_down = False
        self.handover = Handover()

    def run(self) -> Handover:
        started = time.perf_counter()
        handover = self.handover
        try:
            body = self._next_message(INITIALIZE_WAIT_S)
            answered = body is not None and self._initialize(body) == ANSWERED
            # after shutdown only exit means anything: the prelude waits for it as the server would
            while answered and (body := self._next_message(None if self.shut_down else IDLE_S)) is not None:
                try:
                    outcome = self._handle(body)
                except Exception:  # noqa: BLE001 - the server reads the message and reports it
                    log.exception("prelude: a message it could not handle; handing over")
                    outcome = STOP
                if outcome == EXIT:  # LSP: 0 after shutdown, else 1
                    handover.exit_code = 0 if self.shut_down else 1
                    break
                if outcome == ANSWERED:
                    continue
                self.replay.append(body)
                if outcome == STOP:
                    handover.handed_over_at = _describe(body)
                    break
            if self.at_end and self.shut_down:  # nothing can follow: the server would only read the end
                handover.exit_code = 0
        except Exception as error:  # noqa: BLE001 - stdin or stdout broken, a cache it cannot read: the server goes on
            log.warning("prelude: %s; handing over", error)
        handover.unread = b"".join(frame(body) for body in self.replay) + bytes(self.buffer)
        handover.elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug(handover.summary())
        return handover

    # ------------------------------------------------------------------ messages
    def _initialize(self, body: bytes) -> str:
        handover = self.handover
        self.replay.append(body)  # until it is answered
        message = _json_object(body)
        params = message.get("params") if message is not None else None
        if message is None or message.get("method") != "initialize" or "id" not in message or not isinstance(params, dict):
            handover.why_not = "the first message is not an initialize request"
            return STOP
        if not _trace_off(params):
            handover.why_not = "the client traces the server ($/logTrace): the server answers"
            return STOP
        handover.initialize_key = key = initialize_cache.cache_key(params.get("capabilities"))
        kept = initialize_cache.load(key) if key is not None else None
        if kept is None:
            handover.why_not = "no result kept for this client's capabilities and this installation"
            return STOP
        result, value = kept
        config = _initial_config(params)
        if config is None:
            handover.why_not = "the server reports settings, or a root that is not a file URI"
            return STOP
        try:
            self.encoding = PositionEncoding(value["capabilities"].get("positionEncoding", "utf-16"))
        except ValueError:
            handover.why_not = "the kept result has an unknown position encoding"
            return STOP
        self.booster.update_config(config)
        self.replay.pop()
        self._respond(message["id"], result)
        handover.initialize_result = result
        self._replay_answered(message)
        return ANSWERED

    def _handle(self, body: bytes) -> str:
        message = _json_object(body)
        if message is None:
            return STOP
        method = message.get("method")
        if self.shut_down:  # as the server does (BoosterProtocol.handle_message): requests get an error,
            if method == "exit":  # notifications are dropped, exit ends the process
                return EXIT
            if "id" in message:
                self._respond_error(message["id"], -32600, f"{method}: the server is shutting down (shutdown was requested)")
            return ANSWERED
        if method in _DOCUMENT_NOTIFICATIONS and "id" not in message:
            return KEPT if self._apply(method, message.get("params")) else STOP
        if method in _SERVER_NOTIFICATIONS and "id" not in message:
            return KEPT
        if method == "$/setTrace" and "id" not in message:  # traces ($/logTrace) come from the server
            return KEPT if _trace_off(message.get("params")) else STOP
        if method == "textDocument/formatting" and "id" in message and self._format(message):
            self.handover.answered += 1
            return ANSWERED
        if method == "shutdown" and type(message.get("id")) in (int, str):
            self._respond(message["id"], "null")
            self.shut_down = True
            self._replay_answered(message)
            return ANSWERED
        if method == "exit":
            return EXIT
        return STOP

    def _replay_answered(self, message: dict[str, Any]) -> None:
        """Replay a request the prelude answered, under an id whose response is not sent."""
        replayed = {**message, "id": f"{REPLAYED_ID_PREFIX}{message['method']}"}
        self.replay.append(json.dumps(replayed).encode())

    def _apply(self, method: str, params: Any) -> bool:
        """A document notification applied to the prelude's store; False for one it cannot
        apply (the server then reads it, and reports it)."""
        if method == "initialized":
            return True
        try:
            document = params["textDocument"]
            uri, version = document["uri"], document.get("version")
            if type(uri) is not str or (version is not None and type(version) is not int):
                return False
            if method == "textDocument/didOpen":
                text, language = document["text"], document.get("languageId")
                if type(text) is not str or (language is not None and type(language) is not str):
                    return False
                self.documents.open(uri, language, version, text)
                return True
            if method == "textDocument/didChange":
                changes = json_content_changes(params["contentChanges"])
                return self.documents.change(uri, version, changes, self.encoding) is not None
            self.documents.close(uri)
            return True
        except (KeyError, TypeError, ValueError, IndexError):
            return False

    def _format(self, message: dict[str, Any]) -> bool:
        try:
            uri = message["params"]["textDocument"]["uri"]
        except (KeyError, TypeError):
            return False
        snapshot = self.documents.get(uri) if type(uri) is str else None
        if snapshot is None or type(message["id"]) not in (int, str):
            return False
        outcome = format_snapshot(self.booster, snapshot, self.encoding)
        if outcome.result_json is None:  # as the server answers it (handlers/formatting.py): why, then no edits
            if outcome.kind != "quarantined":
                self._show_warning(outcome.message or "cannot format")
            for notice in self.booster.take_notices():
                self._show_warning(notice)
        self._respond(message["id"], outcome.result_json or "[]")
        return True

    def _show_warning(self, text: str) -> None:
        self.writer.write_message(json.dumps({"jsonrpc": "2.0", "method": "window/showMessage",
                                              "params": {"type": 2, "message": text}}).encode())

    def _respond_error(self, msg_id: Any, code: int, text: str) -> None:
        self.writer.write_message(json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": text}}).encode())

    def _respond(self, msg_id: int | str, result_json: str) -> None:
        self.writer.write_message(b'{"jsonrpc": "2.0", "id": %b, "result": %b}' % (
            json.dumps(msg_id).encode(), result_json.encode()))

    # ------------------------------------------------------------------ input
    def _next_message(self, wait: float | None) -> bytes | None:
        """The next message's body; None after ``wait`` seconds without input (None: no
        limit), at the end of the input, or at a header the prelude does not read (the
        server's reader will)."""
        deadline = time.monotonic() + wait if wait is not None else None
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                length = _content_length(bytes(self.buffer[:end]))
                if length is None:
                    return None
                if len(self.buffer) >= end + 4 + length:
                    body = bytes(self.buffer[end + 4 : end + 4 + length])
                    del self.buffer[: end + 4 + length]
                    return body
            remaining = deadline - time.monotonic() if deadline is not None else None
            if self.at_end or (remaining is not None and remaining <= 0) or not select.select([self.fd], [], [], remaining)[0]:
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                self.at_end = True  # the server's reader meets the end too
                return None
            self.buffer += chunk
            if wait is not None:  # a long message arriving in parts is not a pause
                deadline = time.monotonic() + wait


def _trace_off(params: Any) -> bool:
    """Does a ``$/setTrace``'s or an ``initialize``'s params leave tracing off?"""
    value = params.get("value", params.get("trace")) if isinstance(params, dict) else None
    return value in (None, "off")


def _describe(body: bytes) -> str:
    message = _json_object(body)
    method = message.get("method") if message is not None else None
    return str(method) if isinstance(method, str) else "a message it could not read"


def _content_length(header: bytes) -> int | None:
    for line in header.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
            return length if length >= 0 else None
    return None


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def _initial_config(params: dict[str, Any]) -> BoosterConfig | None:
    """The settings the server installs at ``initialize`` (lsp/settings.py: the workspace
    root's files and environment, then ``initializationOptions``), or None where the server
    would report an invalid setting, or has a root that is not a file URI: the prelude then
    leaves ``initialize`` to the server."""
    root_uri, root_path = params.get("rootUri"), params.get("rootPath")
    if root_uri is not None and not (isinstance(root_uri, str) and root_uri.startswith("file:")):
        return None
    root = uri_path(root_uri) if root_uri else root_path if isinstance(root_path, str) else None
    try:
        config = load_config(Path(root) if root else None)
        section = settings_section(params.get("initializationOptions"))
        return config.merged(section, "initializationOptions") if section else config
    except ConfigError:
        return None
