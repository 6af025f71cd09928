"""textDocument/didOpen, didChange, didClose: keep snapshots, schedule diagnostics and
speculative formatting; didSave of a project's configuration: recompute them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.core.dprint_config import DPRINT_CONFIG_FILES
from booster_lsp.core.ruff_config import RUFF_CONFIG_FILES
from booster_lsp.lsp.convert import content_changes

if TYPE_CHECKING:
    from booster_lsp.lsp.document_store import DocumentSnapshot
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)


def did_open(ls: BoosterLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    document = params.text_document
    snapshot = ls.documents.open(document.uri, document.language_id, document.version, document.text)
    # after the same pause as for changes: a format request right after opening goes first
    ls.diagnostics.schedule(snapshot, ls.booster.config.diagnostics_debounce_ms)
    ls.speculative.schedule(snapshot)


def did_change(ls: BoosterLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    document = params.text_document
    changes = content_changes(params.content_changes)
    snapshot = ls.documents.change(document.uri, document.version, changes, ls.features.position_encoding)
    if snapshot is None:
        log.warning("didChange for a document that is not open: %s", document.uri)
        return
    changed(ls, snapshot)


def changed(ls: BoosterLanguageServer, snapshot: DocumentSnapshot) -> None:
    """After a change was applied (here, or by the stdin reader thread: server._change_directly)."""
    ls.speculative.schedule(snapshot)  # cancels pending work for the previous revision
    ls.diagnostics.schedule(snapshot, ls.booster.config.diagnostics_debounce_ms)


#: Files whose saving changes what booster does for other documents: a project's Ruff and
#: dprint configuration, booster's settings file.
PROJECT_CONFIGURATION_FILES = frozenset({*RUFF_CONFIG_FILES, *DPRINT_CONFIG_FILES, "booster.yaml"})


#: The watcher registered with clients that can watch files for the server (ruff server
#: registers its configuration files the same way).
CONFIGURATION_WATCHER = types.FileSystemWatcher(glob_pattern="**/{" + ",".join(sorted(PROJECT_CONFIGURATION_FILES)) + "}")


def _configuration_name(uri: str) -> str | None:
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    return name if name in PROJECT_CONFIGURATION_FILES else None


def did_save(ls: BoosterLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    """A saved project configuration applies to the open documents at once: their diagnostics
    and pre-formatting are recomputed. With a client that watches files for us, a change made
    outside the editor (a git checkout) does the same (did_change_watched_files); otherwise it
    applies at each document's next change. (Both events for one save cost one recomputation:
    the second reschedules the first.)"""
    name = _configuration_name(params.text_document.uri)
    if name is not None:
        ls.refresh_documents(f"{name} saved")


def did_change_watched_files(ls: BoosterLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    names = sorted({name for change in params.changes if (name := _configuration_name(change.uri)) is not None})
    if names:
        ls.refresh_documents(f"{', '.join(names)} changed on disk")


def did_close(ls: BoosterLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.documents.close(uri)
    ls.speculative.cancel(uri)
    ls.diagnostics.close(uri)


def shutdown(ls: BoosterLanguageServer, *args: object) -> None:
    """Before pygls answers shutdown: no diagnostics or speculative formatting after it."""
    ls.speculative.clear()
    ls.diagnostics.stop()
