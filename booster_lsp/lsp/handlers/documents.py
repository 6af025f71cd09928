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


def did_save(ls: BoosterLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    """A saved project configuration applies to the open documents at once: their diagnostics
    and pre-formatting are recomputed (ruff server does this on the watched-files event).
    Configuration files changed outside the editor apply at each document's next change."""
    name = params.text_document.uri.rstrip("/").rsplit("/", 1)[-1]
    if name in PROJECT_CONFIGURATION_FILES:
        ls.refresh_documents(f"{name} saved")


def did_close(ls: BoosterLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.documents.close(uri)
    ls.speculative.cancel(uri)
    ls.diagnostics.close(uri)


def shutdown(ls: BoosterLanguageServer, *args: object) -> None:
    """Before pygls answers shutdown: no diagnostics or speculative formatting after it."""
    ls.speculative.clear()
    ls.diagnostics.stop()
