"""A project's dprint configuration, found for a file as dprint finds it (core/project_files.py).

The nearest ``dprint.json``, ``dprint.jsonc``, ``.dprint.json`` or ``.dprint.jsonc`` (JSON with
comments and trailing commas), from the file's directory upwards. The JS/TS, JSON, Markdown and
TOML formatters take its global keys (``lineWidth``, ``indentWidth``, ``useTabs``,
``newLineKind``) and their plugin's section (``"typescript": {...}``), on top of the files its
``extends`` names (not URLs: nothing is fetched), so that booster formats a project as
``dprint fmt`` does; ``booster format DIR`` and the language server leave alone the files its
``excludes`` list or its ``includes`` leave out, as dprint matches them (core/dprint_globs.py,
files.py).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from booster_lsp.core.project_files import Also, NearestFile, extended_file, merged_tables
from booster_lsp.errors import TransformationError

log = logging.getLogger(__name__)

DPRINT_CONFIG_FILES = ("dprint.json", "dprint.jsonc", ".dprint.json", ".dprint.jsonc")
GLOBAL_KEYS = ("lineWidth", "indentWidth", "useTabs", "newLineKind")
#: Keys of a plugin's section that are for dprint's CLI, not for the plugin.
CLI_KEYS = frozenset({"associations", "locked"})


@dataclass(frozen=True)
class DprintProject:
    global_options: dict[str, Any]
    plugins: dict[str, dict[str, Any]]  # by the plugin's configuration key: "typescript", "json", ...
    excludes: tuple[str, ...] = ()  # globs relative to the configuration's directory (dprint_globs.py)
    includes: tuple[str, ...] | None = None  # None: every file its plugins take


NO_PROJECT = DprintProject({}, {})


def _read(path: str) -> tuple[DprintProject, Also]:
    also: list[tuple[str, int]] = []
    data = _extended(path, _json(path), also, {os.path.realpath(path)})
    plugins = {}
    for key, value in data.items():
        if isinstance(value, dict):
            plugins[key] = {name: option for name, option in value.items() if name not in CLI_KEYS}
    excludes = _strings(data.get("excludes"))
    includes = _strings(data["includes"]) if isinstance(data.get("includes"), list) else None  # dprint refuses others
    return DprintProject({key: data[key] for key in GLOBAL_KEYS if key in data}, plugins, excludes, includes), tuple(also)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _json(path: str) -> dict[str, Any]:
    import json5  # only where a project has a dprint configuration (~20 ms of imports)

    try:
        with open(path, encoding="utf-8") as file:
            data = json5.load(file)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TransformationError(f"cannot read dprint configuration {path}: {exc}", kind="config") from None
    if not isinstance(data, dict):
        raise TransformationError(f"cannot read dprint configuration {path}: not a JSON object", kind="config")
    return data


def _extended(path: str, data: dict[str, Any], also: list[tuple[str, int]], seen: set[str]) -> dict[str, Any]:
    """``data`` on top of the configurations its ``extends`` names (a path relative to its file,
    or a list of them, later ones over earlier ones), as dprint takes them: objects merged key by
    key, anything else replaced. A URL is not fetched (no network here): skipped, with a
    warning. The files read are put in ``also``."""
    extends = data.get("extends", [])
    merged: dict[str, Any] = {}
    for base in [extends] if isinstance(extends, str) else [item for item in extends if isinstance(item, str)]:
        if "://" in base:
            log.warning("dprint configuration %s: `extends` %s is a URL, which booster does not fetch", path, base)
            continue
        target = extended_file(path, base, "extends", "dprint", seen, also)
        merged = merged_tables(merged, _extended(target, _json(target), also, seen | {os.path.realpath(target)}), "extends")
    return merged_tables(merged, data, "extends")


_nearest = NearestFile(DPRINT_CONFIG_FILES, _read)


def find_dprint_config(path: str | Path | None) -> tuple[Path | None, DprintProject]:
    """The nearest dprint configuration of ``path`` and its path (``NO_PROJECT`` when there
    is none). One that is not valid JSONC raises a ``TransformationError`` of kind ``config``
    naming the file. The same object while the file is unchanged."""
    found = _nearest.find(path)
    return (None, NO_PROJECT) if found is None else found
