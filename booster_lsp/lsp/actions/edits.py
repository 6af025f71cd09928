"""A changed document text -> a WorkspaceEdit (minimal edits, versioned when the client can)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.lsp.convert import document_edits, workspace_edit
from booster_lsp.lsp.document_store import DocumentSnapshot

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer


def changed_document(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, new_text: str,
                     title: str) -> types.WorkspaceEdit | None:
    """The edit, or None (with a message) when the document changed meanwhile."""
    if not ls.documents.is_current(snapshot):
        ls.show_message(f"{title}: the document changed; nothing was applied", types.MessageType.Warning)
        return None
    edits = document_edits(snapshot, new_text, ls.features.position_encoding)
    return workspace_edit([(snapshot.uri, snapshot.version, edits)], ls.features.document_changes)
