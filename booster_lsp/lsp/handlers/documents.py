"""textDocument/didOpen, didChange, didClose: keep snapshots, schedule diagnostics and
speculative formatting."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

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


def did_close(ls: BoosterLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.documents.close(uri)
    ls.speculative.cancel(uri)
    ls.diagnostics.close(uri)


def shutdown(ls: BoosterLanguageServer, *args: object) -> None:
    """Before pygls answers shutdown: no diagnostics or speculative formatting after it."""
    ls.speculative.clear()
    ls.diagnostics.stop()
