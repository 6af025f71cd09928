"""workspace/executeCommand: booster.stats, booster.clearCache, booster.formatDocument."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams  # an error response, no traceback

from booster_lsp.lsp.convert import text_edits_of
from booster_lsp.lsp.format_engine import format_snapshot

# pygls resolves the annotations of command handlers at run time (to convert arguments), so
# the server is annotated as ``Server`` here rather than with the (circular) server class.
Server = Any


def stats(ls: Server, *args: Any) -> dict[str, Any]:
    """BoosterStats as JSON."""
    return ls.booster.get_statistics().model_dump(mode="json")


def clear_cache(ls: Server, *args: Any) -> None:
    ls.booster.clear_cache()
    ls.speculative.clear()


async def format_document(ls: Server, *args: Any) -> dict[str, Any]:
    """Format the document given by URI (a string or ``{"uri": ...}``) and apply the edits
    with workspace/applyEdit. Returns ``{"applied": bool, "edits": n}``."""
    target = args[0] if args else None
    uri = target.get("uri") if isinstance(target, dict) else target
    snapshot = ls.documents.get(uri) if isinstance(uri, str) else None
    if snapshot is None:
        raise JsonRpcInvalidParams(f"booster.formatDocument: {uri!r} is not an open document")
    outcome = await ls.run_in_worker(format_snapshot, ls.booster, snapshot, ls.features.position_encoding)
    if outcome.result_json is None:
        ls.show_message(outcome.message or "cannot format", types.MessageType.Warning)
        return {"applied": False, "edits": 0, "message": outcome.message}
    edits = text_edits_of(outcome.result_json)
    if not edits or not ls.documents.is_current(snapshot):
        return {"applied": False, "edits": 0}
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=snapshot.uri, version=snapshot.version)
    edit = types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)])
    response = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="Format document"))
    return {"applied": bool(response and response.applied), "edits": len(edits)}
