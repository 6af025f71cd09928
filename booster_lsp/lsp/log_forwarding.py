"""Logs go to stderr (stdout is the transport) and, at the configured level, to the client
as window/logMessage. Nothing of lsprotocol here: logging is set up before the prelude
(lsp/prelude.py), which runs before lsprotocol is imported."""

from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # asyncio only for types: importing it (~35 ms with ssl) would delay the prelude
    import asyncio

    from booster_lsp.lsp.server import BoosterLanguageServer

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
#: LSP's MessageType of each level: Error 1, Warning 2, Info 3, Log 4
MESSAGE_TYPES = [(logging.ERROR, 1), (logging.WARNING, 2), (logging.INFO, 3), (logging.DEBUG, 4)]
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
        message = self.format(record)
        if threading.get_ident() == self.loop_thread:
            self._send(message_type, message)
        else:
            self.loop.call_soon_threadsafe(self._send, message_type, message)

    def _send(self, message_type: int, message: str) -> None:
        self._busy.active = True
        try:
            self.server.log_to_client(message_type, message)
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
