"""initialized (pull settings) and workspace/didChangeConfiguration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.lsp.settings import SECTION

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer


def initialized(ls: BoosterLanguageServer, params: types.InitializedParams) -> None:
    if ls.features.workspace_configuration:
        ls.settings.pull_soon()


def did_change_configuration(ls: BoosterLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    """Synchronous for settings sent inline, so that a request that follows sees them."""
    settings = params.settings
    if isinstance(settings, dict) and SECTION in settings or not ls.features.workspace_configuration:
        ls.settings.apply(settings, "workspace/didChangeConfiguration")
    else:  # VS Code sends null (or other sections): ask for ours
        ls.settings.pull_soon()
