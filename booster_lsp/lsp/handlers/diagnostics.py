"""textDocument/diagnostic (pull). Pushed diagnostics are scheduled by the document handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer


async def document_diagnostic(
    ls: BoosterLanguageServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    snapshot = ls.request_snapshot(params.text_document.uri)
    if snapshot is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    # a saved project configuration (refresh_documents) changes the answer for the same revision
    result_id = f"{snapshot.revision}.{ls.settings.generation}.{ls.diagnostics.epoch}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    items = await ls.diagnostics.pull(snapshot)
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)
