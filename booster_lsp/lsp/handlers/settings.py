"""initialized (pull settings) and workspace/didChangeConfiguration."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.lsp.settings import SECTION

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer


def initialized(ls: BoosterLanguageServer, params: types.InitializedParams) -> None:
    if ls.features.workspace_configuration:
        ls.settings.pull_soon()
    if ls.features.watch_files:  # project configuration files: see handlers.documents
        from booster_lsp.lsp.handlers.documents import CONFIGURATION_WATCHER

        registration = types.Registration(
            id="booster-configuration-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[CONFIGURATION_WATCHER]),
        )
        future = ls.client_register_capability(types.RegistrationParams(registrations=[registration]))
        future.add_done_callback(_registered)


def _registered(future) -> None:
    if future.cancelled() or future.exception() is not None:  # the client said no: didSave still serves
        log.info("file watching not registered: %s", None if future.cancelled() else future.exception())


def did_change_configuration(ls: BoosterLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    """Synchronous for settings sent inline, so that a request that follows sees them."""
    settings = params.settings
    if isinstance(settings, dict) and SECTION in settings or not ls.features.workspace_configuration:
        ls.settings.apply(settings, "workspace/didChangeConfiguration")
    else:  # VS Code sends null (or other sections): ask for ours
        ls.settings.pull_soon()
