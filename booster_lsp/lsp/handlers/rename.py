"""textDocument/prepareRename and textDocument/rename (scope-aware, syntax module).

A rename of a module-level name also renames it in the open documents that import it
(``core.refactor.workspace_rename``). Refusals are LSP errors (RequestFailed) carrying the
reason, which editors show; a document that changed while the rename was computed gives no edit.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from booster_lsp.core.refactor.handlers import LANGUAGES
from booster_lsp.core.refactor.workspace_rename import SourceDocument, prepare, rename_in_documents
from booster_lsp.errors import BoosterError, TransformationError
from booster_lsp.lsp.convert import document_edits, lsp_range, workspace_edit
from booster_lsp.lsp.document_store import DocumentSnapshot

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)


class RenameRefused(JsonRpcException):
    CODE = types.LSPErrorCodes.RequestFailed.value


def _reason(error: BoosterError) -> str:
    return getattr(error, "message", None) or str(error)


def _source(snapshot: DocumentSnapshot) -> SourceDocument:
    return SourceDocument(snapshot.uri, snapshot.path, snapshot.language or "", snapshot.text)


def _target(ls: BoosterLanguageServer, uri: str, position: types.Position) -> tuple[DocumentSnapshot, int]:
    snapshot = ls.request_snapshot(uri)
    if snapshot is None or snapshot.language not in LANGUAGES:
        raise RenameRefused("booster: rename is not available for this document")
    offset = snapshot.codec(ls.features.position_encoding).offset((position.line, position.character))
    return snapshot, snapshot.index.byte_offset(offset)


def _prepare(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, byte: int) -> tuple[int, int, str]:
    ls.syntax_source.sync(snapshot)  # the rename then queries this tree: no full parse
    return prepare(ls.booster.syntax, _source(snapshot), byte)


def _rename(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, documents: list[SourceDocument], byte: int,
            new_name: str) -> dict[str, str]:
    ls.syntax_source.sync(snapshot)
    return rename_in_documents(ls.booster.syntax, documents, snapshot.uri, byte, new_name)


async def prepare_rename(ls: BoosterLanguageServer, params: types.PrepareRenameParams) -> types.PrepareRenameResult:
    snapshot, byte = _target(ls, params.text_document.uri, params.position)
    try:
        start, end, name = await ls.run_in_worker(_prepare, ls, snapshot, byte)
    except (TransformationError, BoosterError) as error:
        raise RenameRefused(f"booster: {_reason(error)}") from None
    index = snapshot.index
    range_ = lsp_range(snapshot.codec(ls.features.position_encoding), index.offset_of_byte(start), index.offset_of_byte(end))
    return types.PrepareRenamePlaceholder(range=range_, placeholder=name)


async def rename(ls: BoosterLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    snapshot, byte = _target(ls, params.text_document.uri, params.position)
    others = [document for document in ls.documents if document.uri != snapshot.uri and document.language]
    snapshots = {document.uri: document for document in [snapshot, *others]}
    documents = [_source(document) for document in snapshots.values()]
    try:
        texts = await ls.run_in_worker(_rename, ls, snapshot, documents, byte, params.new_name)
    except (TransformationError, BoosterError) as error:
        raise RenameRefused(f"booster: {_reason(error)}") from None
    changes = []
    for uri, text in texts.items():
        document = snapshots[uri]
        if not ls.documents.is_current(document):
            log.info("rename: %s changed while the rename was computed; no edits", uri)
            return None
        edits = document_edits(document, text, ls.features.position_encoding)
        if edits:
            changes.append((uri, document.version, edits))
    return workspace_edit(changes, ls.features.document_changes)
