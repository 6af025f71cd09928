"""A project's Ruff configuration, found for a file as Ruff finds it (core/project_files.py).

The nearest ``.ruff.toml``, ``ruff.toml`` or ``pyproject.toml`` with a ``[tool.ruff]`` table,
in that order in each directory, from the file's directory upwards, on top of the chain of
configurations its ``extend`` names (a changed one changes the result). Lint takes its rules from
it (core/lint.py) and the Python formatter its line length, indent width, target version,
preview and ``[format]`` table (:func:`find_format_options`), so that booster formats a
project as ``ruff format`` does.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from booster_lsp.core.project_files import Also, NearestFile, extended_file, merged_tables
from booster_lsp.errors import TransformationError

RUFF_CONFIG_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")
#: Top-level keys of a Ruff configuration that change what its formatter writes; with them,
#: the ``[format]`` table less ``exclude`` (which files: not a formatting option).
FORMAT_KEYS = ("line-length", "indent-width", "target-version", "preview")


@dataclass(frozen=True)
class _RuffConfig:
    options: dict[str, Any]  # the whole configuration (a pyproject.toml's [tool.ruff] table)
    format_options: dict[str, Any]  # what decides formatting (FORMAT_KEYS, [format])


def _read(path: str) -> tuple[_RuffConfig | None, Also]:
    options = _options(path)
    if options is None:
        return None, ()
    also: list[tuple[str, int]] = []
    options = _extended(path, options, also, {os.path.realpath(path)})
    format_options = {key: options[key] for key in FORMAT_KEYS if key in options}
    table = options.get("format")
    if isinstance(table, dict):
        table = {key: value for key, value in table.items() if key != "exclude"}
        if table:
            format_options["format"] = table
    return _RuffConfig(options, format_options), tuple(also)


def _options(path: str) -> dict[str, Any] | None:
    """A file's Ruff options: the [tool.ruff] table of a pyproject.toml, a ruff.toml whole."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TransformationError(f"cannot read Ruff configuration {path}: {exc}", kind="config") from None
    options = data.get("tool", {}).get("ruff") if os.path.basename(path) == "pyproject.toml" else data
    return options if isinstance(options, dict) else None


def _extended(path: str, options: dict[str, Any], also: list[tuple[str, int]], seen: set[str]) -> dict[str, Any]:
    """``options`` on top of the configuration its ``extend`` names (a path relative to its
    file; ``~`` expanded), and that one's, and so on, as Ruff combines them: tables key by
    key, the lists of ``extend-*`` keys (extend-exclude, extend-select, ...) joined, anything
    else replaced. The files read are put in ``also``."""
    base = options.get("extend")
    if not isinstance(base, str):
        return options
    target = extended_file(path, base, "extend", "Ruff", seen, also)
    seen.add(os.path.realpath(target))
    parent = _options(target)
    if parent is None:
        raise TransformationError(f"Ruff configuration {path}: `extend` names {target}, which has no Ruff "
                                  "configuration", kind="config")
    return merged_tables(_extended(target, parent, also, seen), options, "extend", _JOINED)


#: Ruff joins these lists of a configuration and the one it extends (extend-exclude, ...).
_JOINED: Callable[[str], bool] = lambda name: name.startswith("extend-")  # noqa: E731


_nearest = NearestFile(RUFF_CONFIG_FILES, _read)


def find_ruff_config(path: str | Path | None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest Ruff configuration of ``path`` (a file or a directory): its path and its
    options. A configuration that is not valid TOML raises a ``TransformationError`` of kind
    ``config`` naming the file."""
    found = _nearest.find(path)
    return None if found is None else (found[0], found[1].options)


def find_format_options(path: str | Path | None) -> tuple[Path | None, dict[str, Any]]:
    """The nearest Ruff configuration's formatting options, as ruff.toml keys (``{}`` when
    there is none), and its path. The same dict object while the file is unchanged."""
    found = _nearest.find(path)
    return (None, {}) if found is None else (found[0], found[1].format_options)
