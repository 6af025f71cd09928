"""LLM code actions (kind ``refactor.rewrite.llm.*``): listed instantly, computed in resolve.

- "Format with LLM" when no module formats the document (formatting itself never waits on
  the LLM: it returns no edits);
- on a selection: extract function, simplify, "Refactor selection as instructed…" (the
  instruction comes from the command argument or a ``window/showMessageRequest``);
- on an identifier: a rename suggestion.

``codeAction/resolve`` runs the core with ``_llm="only"`` in a thread of its own (LLM calls
never occupy the module workers), reports ``$/progress`` work-done progress, and honours
``$/cancelRequest`` and progress cancellation by cancelling the HTTP request.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams  # an error response, no traceback

from booster_lsp.core.operations import BoosterOperation, TransformationResult
from booster_lsp.errors import BoosterError
from booster_lsp.llm.validate import identifier_at
from booster_lsp.lsp.code_actions import ActionRequest
from booster_lsp.lsp.convert import lsp_text_edits, text_range
from booster_lsp.lsp.document_store import DocumentSnapshot
from booster_lsp.text.edits import keep_line_endings, minimal_edits

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)

KIND = "refactor.rewrite.llm"
COMMAND = "booster.refactorWithLLM"
#: action id -> (title, operation)
ACTIONS: dict[str, tuple[str, BoosterOperation]] = {
    "format": ("Format with LLM", BoosterOperation.FORMAT),
    "extractFunction": ("Extract function with LLM", BoosterOperation.EXTRACT_FUNCTION),
    "simplify": ("Simplify with LLM", BoosterOperation.REFACTOR_SIMPLE),
    "renameSuggestion": ("Suggest a better name for `{name}` (LLM)", BoosterOperation.RENAME),
    "instructed": ("Refactor selection as instructed… (LLM)", BoosterOperation.REFACTOR_SIMPLE),
}
KINDS = [f"{KIND}.{key}" for key in ACTIONS]
#: choices offered by window/showMessageRequest when no instruction was given
INSTRUCTIONS = ["Simplify", "Use early returns", "Add type annotations", "Add error handling", "Add comments"]


class LLMActions:
    """The LLM actions as a provider of the code action registry (lsp/code_actions.py)."""

    name = "llm"
    kinds = tuple(KINDS)

    async def actions(self, ls: BoosterLanguageServer, request: ActionRequest) -> list[types.CodeAction]:
        return await code_actions(ls, request.params) or []

    async def resolve(self, ls: BoosterLanguageServer, snapshot: DocumentSnapshot,
                      action: types.CodeAction) -> types.CodeAction:
        return await resolve(ls, action)


async def code_actions(ls: BoosterLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    snapshot = ls.request_snapshot(params.text_document.uri)
    if snapshot is None or snapshot.language is None:
        return None
    config = ls.booster.config
    if ls.booster.llm.unavailable(config, snapshot.path) is not None:
        notice = ls.booster.llm.missing_key_notice(config)
        if notice:
            ls.show_message(notice, types.MessageType.Info)
        return []
    codec = snapshot.codec(ls.features.position_encoding)
    start, end = codec.offsets(text_range(params.range))
    wanted: list[tuple[str, dict[str, Any]]] = []
    if not await _has_formatter(ls, snapshot.language):
        wanted.append(("format", {}))
    if end > start:
        wanted += [("extractFunction", {}), ("simplify", {}), ("instructed", {})]
    name = identifier_at(snapshot.language, snapshot.text, start)
    if name and (end == start or snapshot.text[start:end] == name):
        wanted.append(("renameSuggestion", {"name": name}))
    only = params.context.only or []
    actions = []
    for key, extra in wanted:
        kind = f"{KIND}.{key}"
        if only and not any(kind == o or kind.startswith(f"{o}.") for o in only):
            continue
        data = {"booster": "llm", "action": key, "uri": snapshot.uri, "revision": snapshot.revision,
                "range": [[params.range.start.line, params.range.start.character],
                          [params.range.end.line, params.range.end.character]], **extra}
        actions.append(types.CodeAction(title=ACTIONS[key][0].format(**extra), kind=kind, data=data))
    return actions


async def resolve(ls: BoosterLanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data
    if not isinstance(data, dict) or data.get("booster") != "llm":
        return action
    snapshot = ls.documents.get(data.get("uri", ""))
    if snapshot is None or snapshot.revision != data.get("revision"):
        ls.show_message(f"{action.title}: the document changed; ask for the action again", types.MessageType.Warning)
        return action
    edit = await _compute(ls, snapshot, data, action.title, data.get("instruction"))
    if edit is not None:
        action.edit = edit
    return action


async def refactor_command(ls: BoosterLanguageServer, *args: Any) -> dict[str, Any]:
    """``booster.refactorWithLLM {uri, range: [[l, c], [l, c]], instruction?, action?}``: compute an
    LLM action (by default "refactor as instructed") and apply it with workspace/applyEdit."""
    target = args[0] if args and isinstance(args[0], dict) else {}
    snapshot = ls.documents.get(target.get("uri", ""))
    key = target.get("action", "instructed")
    if snapshot is None or key not in ACTIONS or "range" not in target:
        raise JsonRpcInvalidParams(f"{COMMAND}: expected {{uri, range, instruction?}} of an open document, got {target!r}")
    data = {"action": key, "range": target["range"], "name": target.get("name")}
    edit = await _compute(ls, snapshot, data, ACTIONS[key][0], target.get("instruction"))
    if edit is None:
        return {"applied": False}
    response = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=ACTIONS[key][0]))
    return {"applied": bool(response and response.applied)}


# ---------------------------------------------------------------------- internals
async def _has_formatter(ls: BoosterLanguageServer, language: str) -> bool:
    try:
        handler = await ls.run_in_worker(ls.booster.handler, BoosterOperation.FORMAT, language)
    except BoosterError:
        return False
    return handler is not None


async def _compute(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, data: dict[str, Any], title: str,
                   instruction: str | None) -> types.WorkspaceEdit | None:
    key = data["action"]
    operation = ACTIONS[key][1]
    codec = snapshot.codec(ls.features.position_encoding)
    (sl, sc), (el, ec) = data["range"]
    range_ = ((sl, sc), (el, ec))
    args: dict[str, Any] = {}
    if key in ("extractFunction", "simplify", "instructed"):
        args["byte_range"] = codec.byte_range(range_)
    if key == "renameSuggestion":
        args["old_name"] = data.get("name")
    if key == "instructed":
        instruction = instruction or await _ask_instruction(ls)
        if not instruction:
            return None
        args["instruction"] = instruction
    cancel = threading.Event()
    work = functools.partial(ls.booster.transform_sync, snapshot.text, operation, snapshot.language,
                             path=snapshot.path, _llm="only", _cancel=cancel, **args)
    result = await _with_progress(ls, title.replace("`{name}`", "a name"), work, cancel)
    if not result.success:
        level = types.MessageType.Info if result.error_kind == "cancelled" else types.MessageType.Warning
        ls.show_message(f"{title}: {result.error}", level)
        return None
    if not ls.documents.is_current(snapshot):
        ls.show_message(f"{title}: the document changed while the LLM worked; nothing was applied",
                        types.MessageType.Warning)
        return None
    log.info("%s for %s: %s, %.0f ms, %d+%d tokens", title, snapshot.uri, result.provider,
             result.execution_time_ms, result.tokens_in, result.tokens_out)
    new_text = keep_line_endings(snapshot.text, result.transformed_code)
    edits = lsp_text_edits(codec, minimal_edits(snapshot.text, new_text))
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=snapshot.uri, version=snapshot.version)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=edits)])


async def _ask_instruction(ls: BoosterLanguageServer) -> str | None:
    params = types.ShowMessageRequestParams(
        type=types.MessageType.Info, message="Refactor the selection with the LLM: how?",
        actions=[types.MessageActionItem(title=title) for title in INSTRUCTIONS],
    )
    try:
        choice = await ls.window_show_message_request_async(params)
    except Exception as error:  # noqa: BLE001 - a client without the request: no instruction
        log.info("window/showMessageRequest failed: %s", error)
        return None
    return choice.title if choice is not None else None


async def _with_progress(ls: BoosterLanguageServer, title: str, work: functools.partial,
                         cancel: threading.Event) -> TransformationResult:
    """Run ``work`` in a thread of its own with work-done progress; request or progress
    cancellation sets ``cancel``, which closes the LLM's HTTP request."""
    token: str | None = None
    window = ls.client_capabilities.window if ls.client_capabilities else None
    if window is not None and window.work_done_progress:
        token = f"booster-llm-{uuid.uuid4()}"
        try:
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.tokens[token].add_done_callback(lambda _: cancel.set())
            ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                title=title, message=f"asking {ls.booster.config.llm.model}", cancellable=True))
        except Exception as error:  # noqa: BLE001 - progress is a courtesy
            log.debug("work done progress unavailable: %s", error)
            token = None
    outcome = "cancelled"
    try:
        result = await asyncio.get_running_loop().run_in_executor(None, work)
        outcome = "done" if result.success else "failed"
        return result
    except asyncio.CancelledError:
        cancel.set()
        raise
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=outcome))
            ls.work_done_progress.tokens.pop(token, None)

