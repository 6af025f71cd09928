"""Logs go to stderr (stdout is the transport) and, at the configured level, to the client
as window/logMessage."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
MESSAGE_TYPES = [
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
    (logging.DEBUG, types.MessageType.Log),
]
PACKAGE_LOGGER = "booster_lsp"


class ClientLogHandler(logging.Handler):
    """Forwards records of the package's loggers as window/logMessage, from any thread."""

    def __init__(self, server: BoosterLanguageServer) -> None:
        super().__init__()
        self.server = server
        self.loop: asyncio.AbstractEventLoop | None = None
        self._busy = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self._busy, "active", False) or self.loop is None or self.loop.is_closed():
            return
        message_type = next(kind for level, kind in MESSAGE_TYPES if record.levelno >= level or level == logging.DEBUG)
        params = types.LogMessageParams(type=message_type, message=self.format(record))
        if threading.get_ident() == self.loop_thread:
            self._send(params)
        else:
            self.loop.call_soon_threadsafe(self._send, params)

    def _send(self, params: types.LogMessageParams) -> None:
        self._busy.active = True
        try:
            self.server.window_log_message(params)
        except Exception:  # noqa: BLE001 - the transport may be gone at exit
            pass
        finally:
            self._busy.active = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.loop_thread = threading.get_ident()


def configure_logging(level: str) -> None:
    logging.basicConfig(stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    set_level(level)


def set_level(level: str) -> None:
    numeric = LEVELS.get(level, logging.INFO)
    logging.getLogger(PACKAGE_LOGGER).setLevel(numeric)
    # pygls logs every message at info; keep it quiet unless debugging
    logging.getLogger("pygls").setLevel(logging.DEBUG if numeric <= logging.DEBUG else logging.WARNING)
