"""The code action registry: one ``textDocument/codeAction`` and one ``codeAction/resolve``
for every provider (lint quick fixes / fix all / suppressions, refactorings, LLM actions).

A provider lists actions instantly (only what is cached or cheap: the lint results of the
revision, a look at the open document's syntax tree) and computes edits in ``resolve``, in
the server's worker pool. This module owns what every provider shares:

- ``context.only``: a provider whose kinds cannot match is not asked; actions are filtered;
- ``data``: ``{"booster": provider, "uri", "revision", ...}``; a resolve for a revision that is
  no longer current returns the action without an edit (and says so with ``window/showMessage``);
- clients without ``resolveSupport`` for ``edit`` get a ``booster.applyCodeAction`` command instead
  (the same resolve, then ``workspace/applyEdit``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from lsprotocol import types

from booster_lsp.lsp.convert import text_range
from booster_lsp.lsp.document_store import DocumentSnapshot
from booster_lsp.text.positions import PositionCodec

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)

APPLY_COMMAND = "booster.applyCodeAction"
#: Characters above which a revision's lines are indexed in a worker, not on the event loop.
LARGE_TEXT = 200_000


def kind_matches(kind: str, only: list[str]) -> bool:
    """LSP semantics: ``only`` entries are prefixes on dot boundaries (``refactor`` ⊇ ``refactor.inline``)."""
    return not only or any(kind == o or kind.startswith(f"{o}.") for o in only)


@dataclass(frozen=True)
class ActionRequest:
    """One codeAction request, in the server's units (code point offsets)."""

    snapshot: DocumentSnapshot
    codec: PositionCodec
    start: int
    end: int
    params: types.CodeActionParams

    @property
    def only(self) -> list[str]:
        return list(self.params.context.only or [])

    def wants(self, kind: str) -> bool:
        return kind_matches(kind, self.only)

    def data(self, provider: str, **extra: Any) -> dict[str, Any]:
        return {"booster": provider, "uri": self.snapshot.uri, "revision": self.snapshot.revision, **extra}


class CodeActionProvider(Protocol):
    name: str  # the ``data.booster`` tag of its actions
    kinds: tuple[str, ...]  # advertised; also used to skip the provider for ``context.only``

    async def actions(self, ls: BoosterLanguageServer, request: ActionRequest) -> list[types.CodeAction]: ...

    async def resolve(self, ls: BoosterLanguageServer, snapshot: DocumentSnapshot,
                      action: types.CodeAction) -> types.CodeAction: ...


PROVIDERS: dict[str, CodeActionProvider] = {}


def register(provider: CodeActionProvider) -> CodeActionProvider:
    PROVIDERS[provider.name] = provider
    return provider


def options() -> types.CodeActionOptions:
    kinds: list[str] = []
    for provider in PROVIDERS.values():
        kinds += [kind for kind in provider.kinds if kind not in kinds]
    return types.CodeActionOptions(code_action_kinds=kinds, resolve_provider=True)


def _may_match(provider: CodeActionProvider, only: list[str]) -> bool:
    return not only or any(kind_matches(kind, only) or kind_matches(o, [kind]) for kind in provider.kinds for o in only)


async def code_actions(ls: BoosterLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    snapshot = ls.request_snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    if not snapshot.indexed and len(snapshot.text) > LARGE_TEXT:
        # editors ask at every cursor move: indexing a new revision's lines (~18 ms for
        # 100,000 lines) must not hold up the event loop
        await ls.run_in_worker(lambda: snapshot.index)
    codec = snapshot.codec(ls.features.position_encoding)
    start, end = codec.offsets(text_range(params.range))
    request = ActionRequest(snapshot, codec, start, end, params)
    actions: list[types.CodeAction] = []
    for provider in PROVIDERS.values():
        if not _may_match(provider, request.only):
            continue
        try:
            listed = await provider.actions(ls, request)
        except Exception:  # noqa: BLE001 - one provider's failure hides only its own actions
            log.exception("code actions of %s failed for %s", provider.name, snapshot.uri)
            continue
        actions += [action for action in listed if action.kind is None or request.wants(action.kind)]
    if not ls.features.resolve_edit:
        for action in actions:
            if action.edit is None and action.command is None and isinstance(action.data, dict):
                action.command = types.Command(title=action.title, command=APPLY_COMMAND, arguments=[action.data])
    return actions


async def resolve(ls: BoosterLanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data
    provider = PROVIDERS.get(data.get("booster")) if isinstance(data, dict) else None
    if provider is None or action.edit is not None:
        return action
    snapshot = ls.documents.get(data.get("uri", ""))
    if snapshot is None or snapshot.revision != data.get("revision"):
        ls.show_message(f"{action.title}: the document changed; ask for the action again", types.MessageType.Warning)
        return action
    return await provider.resolve(ls, snapshot, action)


async def apply_command(ls: Any, *args: Any) -> dict[str, Any]:
    """``booster.applyCodeAction <data>``: resolve a listed action and apply it with
    ``workspace/applyEdit`` (for clients that cannot resolve code actions). ``ls`` is not
    annotated with the server class: pygls resolves command annotations at run time."""
    data = args[0] if args and isinstance(args[0], dict) else None
    if data is None or data.get("booster") not in PROVIDERS:
        raise ValueError(f"{APPLY_COMMAND}: expected the data of a listed code action, got {args!r}")
    title = data.get("title") or APPLY_COMMAND
    resolved = await resolve(ls, types.CodeAction(title=title, data=data))
    if resolved.edit is None:
        return {"applied": False}
    response = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=resolved.edit, label=title))
    return {"applied": bool(response and response.applied)}
