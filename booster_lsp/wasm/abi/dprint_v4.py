"""dprint plugin schema v4: the only module that knows this ABI.

Protocol (dprint's own host, crates/dprint/.../wasm/instance/v4.rs): the host sends bytes by
``clear_shared_bytes(len) -> ptr`` and writing them there; it receives ``len`` bytes (the
return value of the call) at ``get_shared_bytes_ptr()``. A config is registered once per id
as JSON ``{"plugin": {...}, "global": {...}}``. Then per file: ``set_file_path`` and the
file text, ``format(id)`` or ``format_range(id, start, end)`` -> 0 unchanged / 1 changed /
2 error, and ``get_formatted_text`` / ``get_error_text``.

Plugins may import ``dprint.host_*`` to format embedded code with other plugins (markdown
code blocks). We answer those with "no change", as dprint does while probing a plugin.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import wasmtime

from booster_lsp.errors import TransformationError
from booster_lsp.wasm.runtime import LoadedModule, Limits, Sandbox

SCHEMA_EXPORT = "dprint_plugin_version_4"
FORMAT_NO_CHANGE, FORMAT_CHANGE, FORMAT_ERROR = 0, 1, 2


def is_dprint_v4(module: LoadedModule) -> bool:
    return SCHEMA_EXPORT in module.export_names()


@dataclass(frozen=True)
class DprintConfig:
    """Global keys shared by all dprint plugins plus the plugin's own keys."""

    line_width: int | None = None
    indent_width: int | None = None
    use_tabs: bool | None = None
    new_line_kind: str | None = None  # "auto" | "lf" | "crlf" | "system"
    plugin: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        global_config: dict[str, Any] = {}
        if self.line_width is not None:
            global_config["lineWidth"] = self.line_width
        if self.indent_width is not None:
            global_config["indentWidth"] = self.indent_width
        if self.use_tabs is not None:
            global_config["useTabs"] = self.use_tabs
        if self.new_line_kind is not None:
            global_config["newLineKind"] = self.new_line_kind
        return json.dumps({"plugin": dict(self.plugin), "global": global_config}, sort_keys=True)


def _define_identity_host(linker: wasmtime.Linker, sandbox: Sandbox) -> None:
    for imported in sandbox.module.module.imports:
        if imported.module != "dprint" or not isinstance(imported.type, wasmtime.FuncType):
            continue
        func_type = imported.type
        zeros = [0] * len(func_type.results)
        result: Any = None if not zeros else zeros[0] if len(zeros) == 1 else zeros
        linker.define_func("dprint", imported.name, func_type, lambda *args, _r=result: _r)


class DprintPlugin:
    """One instance of a dprint v4 plugin. Not thread-safe: pools hand it to one caller."""

    def __init__(self, module: LoadedModule, limits: Limits) -> None:
        if not is_dprint_v4(module):
            raise TransformationError(
                f"module {module.name} is not a dprint schema v4 plugin (no `{SCHEMA_EXPORT}` export)",
                module=module.name,
            )
        self.sandbox = module.instantiate(limits, _define_identity_host)
        self._config_ids: dict[str, int] = {}
        self.supports_range = "format_range" in module.export_names()

    @property
    def broken(self) -> bool:
        return self.sandbox.broken

    def _send(self, text: str) -> None:
        data = text.encode("utf-8")
        ptr = self.sandbox.call("clear_shared_bytes", len(data))
        self.sandbox.write(ptr, data)

    def _receive(self, length: int) -> str:
        ptr = self.sandbox.call("get_shared_bytes_ptr")
        return self.sandbox.read_text(ptr, length)

    def plugin_info(self) -> dict[str, Any]:
        return json.loads(self._receive(self.sandbox.call("get_plugin_info")))

    def _config_id(self, config: DprintConfig) -> int:
        config_json = config.to_json()
        config_id = self._config_ids.get(config_json)
        if config_id is not None:
            return config_id
        config_id = len(self._config_ids) + 1
        self._send(config_json)
        self.sandbox.call("register_config", config_id)
        diagnostics = json.loads(self._receive(self.sandbox.call("get_config_diagnostics", config_id)))
        if diagnostics:
            self.sandbox.call("release_config", config_id)
            messages = "; ".join(f"{d.get('propertyName')}: {d.get('message')}" for d in diagnostics)
            raise TransformationError(f"invalid {self.sandbox.name} configuration: {messages}", kind="config")
        self._config_ids[config_json] = config_id
        return config_id

    def format(
        self, text: str, file_path: str, config: DprintConfig, byte_range: tuple[int, int] | None = None
    ) -> str | None:
        """Formatted text, or None when the plugin reports no change."""
        config_id = self._config_id(config)
        self._send(file_path)
        self.sandbox.call("set_file_path")
        self._send(text)
        if byte_range is None:
            code = self.sandbox.call("format", config_id)
        else:
            if not self.supports_range:
                raise TransformationError(f"{self.sandbox.name} cannot format a range", kind="unsupported")
            code = self.sandbox.call("format_range", config_id, byte_range[0], byte_range[1])
        if code == FORMAT_NO_CHANGE:
            return None
        if code == FORMAT_CHANGE:
            return self._receive(self.sandbox.call("get_formatted_text"))
        if code == FORMAT_ERROR:
            raise syntax_error_from_dprint(self._receive(self.sandbox.call("get_error_text")), self.sandbox.name)
        self.sandbox.broken = True
        raise TransformationError(f"{self.sandbox.name} returned unknown format code {code}", module=self.sandbox.name)


def syntax_error_from_dprint(message: str, module: str) -> TransformationError:
    """dprint-typescript reports ``Expression expected at file:///x.ts:1:12``; lift the location."""
    match = re.search(r":(\d+):(\d+)\b", message) or re.search(r"[Ll]ine (\d+), [Cc]olumn (\d+)", message)
    line = int(match.group(1)) if match else None
    column = int(match.group(2)) if match else None
    first = message.strip().splitlines()[0] if message.strip() else "syntax error"
    first = re.sub(r" at file:///\S*$", "", first)
    return TransformationError(first, line=line, column=column, kind="syntax", module=module)
