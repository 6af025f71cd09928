"""A project's dprint configuration, found for a file as dprint finds it (core/project_files.py).

The nearest ``dprint.json``, ``dprint.jsonc``, ``.dprint.json`` or ``.dprint.jsonc`` (JSON with
comments and trailing commas), from the file's directory upwards. The JS/TS, JSON, Markdown and
TOML formatters take its global keys (``lineWidth``, ``indentWidth``, ``useTabs``,
``newLineKind``) and their plugin's section (``"typescript": {...}``), so that booster formats
a project as ``dprint fmt`` does; ``booster format DIR`` skips what its ``excludes`` list (files.py). Not
followed: ``extends`` (other configuration files, URLs), ``includes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from booster_lsp.core.project_files import Also, NearestFile
from booster_lsp.errors import TransformationError

DPRINT_CONFIG_FILES = ("dprint.json", "dprint.jsonc", ".dprint.json", ".dprint.jsonc")
GLOBAL_KEYS = ("lineWidth", "indentWidth", "useTabs", "newLineKind")
#: Keys of a plugin's section that are for dprint's CLI, not for the plugin.
CLI_KEYS = frozenset({"associations", "locked"})


@dataclass(frozen=True)
class DprintProject:
    global_options: dict[str, Any]
    plugins: dict[str, dict[str, Any]]  # by the plugin's configuration key: "typescript", "json", ...
    excludes: tuple[str, ...] = ()  # globs relative to the configuration's directory (files.py)


NO_PROJECT = DprintProject({}, {})


def _read(path: str) -> tuple[DprintProject, Also]:
    import json5  # only where a project has a dprint configuration (~20 ms of imports)

    try:
        with open(path, encoding="utf-8") as file:
            data = json5.load(file)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TransformationError(f"cannot read dprint configuration {path}: {exc}", kind="config") from None
    if not isinstance(data, dict):
        raise TransformationError(f"cannot read dprint configuration {path}: not a JSON object", kind="config")
    plugins = {}
    for key, value in data.items():
        if isinstance(value, dict) and key not in ("extends",):
            plugins[key] = {name: option for name, option in value.items() if name not in CLI_KEYS}
    excludes = tuple(item for item in data.get("excludes", ()) if isinstance(item, str))
    return DprintProject({key: data[key] for key in GLOBAL_KEYS if key in data}, plugins, excludes), ()


_nearest = NearestFile(DPRINT_CONFIG_FILES, _read)


def find_dprint_config(path: str | Path | None) -> tuple[Path | None, DprintProject]:
    """The nearest dprint configuration of ``path`` and its path (``NO_PROJECT`` when there
    is none). One that is not valid JSONC raises a ``TransformationError`` of kind ``config``
    naming the file. The same object while the file is unchanged."""
    found = _nearest.find(path)
    return (None, NO_PROJECT) if found is None else found
