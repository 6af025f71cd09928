"""Settings from the editor: initializationOptions, workspace/didChangeConfiguration and
workspace/configuration (section ``booster``, camelCase keys of BoosterConfig).

Editor settings are merged on top of the file/environment configuration (``load_config``).
An invalid key is reported with ``window/showMessage`` naming it, and only that key keeps
its previous value; the server never dies from settings.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic.alias_generators import to_camel, to_snake

from booster_lsp.config import SECTION, BoosterConfig, load_config, settings_section
from booster_lsp.errors import ConfigError

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)
class SettingsManager:
    def __init__(self, server: BoosterLanguageServer) -> None:
        self.server = server
        self.base = server.booster.config
        self.generation = 0  # bumped on every effective change; keys speculative results

    def load_base(self, root: Path | None) -> None:
        """Settings files and BOOSTER_* environment of the workspace root."""
        try:
            self.base = load_config(root)
        except ConfigError as error:
            self.report(error)
            self.base = BoosterConfig()
        self._install(self.base)

    def apply(self, raw: Any, source: str) -> None:
        try:
            section = settings_section(raw)
        except ConfigError as error:
            self.report(error)
            return
        if section is None:
            return
        previous = self.server.booster.config
        overrides = {to_snake(key): value for key, value in section.items()}
        rejected: list[ConfigError] = []
        while True:
            try:
                config = self.base.merged(overrides, source)
                break
            except ConfigError as error:
                rejected.append(error)
                top = error.key.split(".")[0]
                if overrides.pop(top, None) is None and overrides.pop(to_snake(top), None) is None:
                    config = previous  # cannot isolate the key: keep everything as it was
                    break
        for error in rejected:
            top = error.key.split(".")[0]
            if top in BoosterConfig.model_fields:
                config = config.model_copy(update={top: getattr(previous, top)})
            self.report(error)
        self._install(config)

    def pull_soon(self) -> None:
        """Start ``pull`` without waiting for the client's answer (keeps the task alive)."""
        self._pull_task = asyncio.ensure_future(self.pull())

    async def pull(self) -> None:
        """Ask the client for the ``booster`` section (workspace/configuration)."""
        try:
            result = await self.server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as error:  # noqa: BLE001 - a client error must not break the server
            log.warning("workspace/configuration failed: %s", error)
            return
        if result:
            self.apply(result[0], "workspace/configuration")

    def _install(self, config: BoosterConfig) -> None:
        if config == self.server.booster.config and self.generation:
            return
        self.server.booster.update_config(config)
        self.generation += 1
        if self.generation > 1:  # new settings: what the open documents were given no longer holds
            self.server.refresh_documents("settings changed")
        else:
            self.server.speculative.clear()
        self.server.set_log_level(config.log_level)
        log.info("settings in force: %s", config.model_dump(exclude_defaults=True) or "defaults")

    def report(self, error: ConfigError) -> None:
        camel = ".".join(part if part.startswith("(") else to_camel(part) for part in error.key.split("."))
        message = f"booster: invalid setting `{SECTION}.{camel}` ({error.source}): {str(error).split(': ', 1)[-1]}"
        message += "; the previous value stays in force"
        log.error(message)
        self.server.show_message(message, types.MessageType.Error)
