"""A project's Ruff configuration: found for a file as Ruff finds it, read once per change.

The nearest ``.ruff.toml``, ``ruff.toml`` or ``pyproject.toml`` with a ``[tool.ruff]`` table,
in that order in each directory, from the file's directory upwards. Lint takes its rules from
it (core/lint.py) and the Python formatter its line length, indent width, target version,
preview and ``[format]`` table (:func:`find_format_options`), so that booster formats a
project as ``ruff format`` does.

Both ask for every document they handle, the language server on every cache miss, so a
look-up is remembered per directory with what it depends on: the modification time of every
directory searched (a configuration file created, deleted or renamed into one changes it;
editors save by renaming) and of every configuration file met on the way (edited in place).
Checking those is 3-5 ``stat`` calls (~10 us) where a search is ~15 (~0.2 ms).
"""

from __future__ import annotations

import os
import threading
import tomllib
from pathlib import Path
from typing import Any

from booster_lsp.errors import TransformationError

RUFF_CONFIG_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")
#: Top-level keys of a Ruff configuration that change what its formatter writes; with them,
#: the ``[format]`` table less ``exclude`` (which files: not a formatting option).
FORMAT_KEYS = ("line-length", "indent-width", "target-version", "preview")

Found = tuple[Path, dict[str, Any]]
_files: dict[str, tuple[int, dict[str, Any] | None, dict[str, Any]]] = {}  # path -> mtime, options, format options
_lookups: dict[str, tuple[Found | None, tuple[tuple[str, int], ...]]] = {}  # directory -> result, what it depends on
_lock = threading.Lock()
_MAX_LOOKUPS = 4096


def find_ruff_config(path: str | Path | None) -> Found | None:
    """The nearest Ruff configuration of ``path`` (a file or a directory): its path and its
    options (the ``[tool.ruff]`` table of a pyproject.toml). A configuration that is not
    valid TOML raises a ``TransformationError`` of kind ``config`` naming the file."""
    if path is None:
        return None
    path = os.path.abspath(path)
    directory = path if os.path.isdir(path) else os.path.dirname(path)
    with _lock:
        remembered = _lookups.get(directory)
    if remembered is not None and _unchanged(remembered[1]):
        return remembered[0]
    found, depends_on = _search(directory)
    with _lock:
        if len(_lookups) >= _MAX_LOOKUPS:
            _lookups.clear()
        _lookups[directory] = (found, depends_on)
    return found


def find_format_options(path: str | Path | None) -> tuple[Path | None, dict[str, Any]]:
    """The nearest Ruff configuration's formatting options, as ruff.toml keys (``{}`` when
    there is none), and its path. The same dict object while the file is unchanged."""
    found = find_ruff_config(path)
    if found is None:
        return None, {}
    with _lock:
        return found[0], _files[str(found[0])][2]


def _unchanged(depends_on: tuple[tuple[str, int], ...]) -> bool:
    for name, mtime in depends_on:
        try:
            if os.stat(name).st_mtime_ns != mtime:
                return False
        except OSError:
            return False
    return True


def _search(directory: str) -> tuple[Found | None, tuple[tuple[str, int], ...]]:
    depends_on: list[tuple[str, int]] = []
    while True:
        try:
            depends_on.append((directory, os.stat(directory).st_mtime_ns))
        except OSError:
            pass
        for name in RUFF_CONFIG_FILES:
            candidate = os.path.join(directory, name)
            try:
                mtime = os.stat(candidate).st_mtime_ns
            except OSError:
                continue
            depends_on.append((candidate, mtime))
            options = _read(candidate, mtime)
            if options is not None:
                return (Path(candidate), options), tuple(depends_on)
        parent = os.path.dirname(directory)
        if parent == directory:
            return None, tuple(depends_on)
        directory = parent


def _read(path: str, mtime: int) -> dict[str, Any] | None:
    with _lock:
        cached = _files.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TransformationError(f"cannot read Ruff configuration {path}: {exc}", kind="config") from None
    options = data.get("tool", {}).get("ruff") if os.path.basename(path) == "pyproject.toml" else data
    if not isinstance(options, dict):
        options = None
    with _lock:
        _files[path] = (mtime, options, _format_options(options or {}))
    return options


def _format_options(options: dict[str, Any]) -> dict[str, Any]:
    format_options = {key: options[key] for key in FORMAT_KEYS if key in options}
    table = options.get("format")
    if isinstance(table, dict):
        table = {key: value for key, value in table.items() if key != "exclude"}
        if table:
            format_options["format"] = table
    return format_options
