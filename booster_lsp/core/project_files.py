"""The nearest configuration file of a project, found for a file as its tool finds it and read
once per change: Ruff's (core/ruff_config.py) and dprint's (core/dprint_config.py).

Every document a formatter or linter handles asks, the language server on every cache miss,
so a look-up is remembered per directory with what it depends on: the modification time of
every directory searched (a configuration file created, deleted or renamed into one changes
it; editors save by renaming) and of every candidate file met on the way (edited in place).
Checking those is a few ``stat`` calls (~10 us) where a search is ~15 (~0.2 ms).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Generic, Iterator, TypeVar

from booster_lsp.errors import TransformationError

T = TypeVar("T")
_MAX_LOOKUPS = 4096


#: Inside ``lookups_once``: the look-ups made so far, by finder and path.
_SCOPE: ContextVar[dict[tuple[int, str], object] | None] = ContextVar("project_file_lookups", default=None)


@contextmanager
def lookups_once() -> Iterator[None]:
    """Within it (one request, in one thread), a configuration is looked up once per path and
    tool: formatting asks for it three times (is the file excluded, the cache key, the module
    options), and each look-up is a few ``stat`` calls (~0.1 ms of a language-server request
    on the benchmark VM). Requests stay exact: the next one looks again."""
    token = _SCOPE.set({}) if _SCOPE.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SCOPE.reset(token)


#: Files a configuration took in besides itself (Ruff's ``extend``), with their mtimes.
Also = tuple[tuple[str, int], ...]


class NearestFile(Generic[T]):
    """The first of ``names`` (in that order in each directory) that ``read`` accepts, from a
    path's directory upwards. ``read(path)`` returns the parsed file, or ``None`` for a
    candidate that is not one (a pyproject.toml without a [tool.ruff] table), and the other
    files it read (a changed one is a changed configuration); it may raise for a file that
    cannot be read. The same parsed object is returned while those files are unchanged."""

    def __init__(self, names: tuple[str, ...], read: Callable[[str], tuple[T | None, Also]]) -> None:
        self.names = names
        self._read = read
        self._files: dict[str, tuple[int, T | None, Also]] = {}  # path -> mtime, parsed, files read with it
        self._lookups: dict[str, tuple[tuple[Path, T] | None, tuple[tuple[str, int], ...]]] = {}
        self._lock = threading.Lock()

    def find(self, path: str | Path | None) -> tuple[Path, T] | None:
        if path is None:
            return None
        scope = _SCOPE.get()
        if scope is None:
            return self._find(path)
        key = (id(self), os.fspath(path))
        if key not in scope:
            scope[key] = self._find(path)
        return scope[key]  # type: ignore[return-value]

    def _find(self, path: str | Path) -> tuple[Path, T] | None:
        path = os.path.abspath(path)
        directory = path if os.path.isdir(path) else os.path.dirname(path)
        with self._lock:
            remembered = self._lookups.get(directory)
        if remembered is not None and _unchanged(remembered[1]):
            return remembered[0]
        found, depends_on = self._search(directory)
        with self._lock:
            if len(self._lookups) >= _MAX_LOOKUPS:
                self._lookups.clear()
            self._lookups[directory] = (found, depends_on)
        return found

    def _search(self, directory: str) -> tuple[tuple[Path, T] | None, tuple[tuple[str, int], ...]]:
        depends_on: list[tuple[str, int]] = []
        while True:
            try:
                depends_on.append((directory, os.stat(directory).st_mtime_ns))
            except OSError:
                pass
            for name in self.names:
                candidate = os.path.join(directory, name)
                try:
                    mtime = os.stat(candidate).st_mtime_ns
                except OSError:
                    continue
                depends_on.append((candidate, mtime))
                parsed, also = self._parsed(candidate, mtime)
                depends_on.extend(also)
                if parsed is not None:
                    return (Path(candidate), parsed), tuple(depends_on)
            parent = os.path.dirname(directory)
            if parent == directory:
                return None, tuple(depends_on)
            directory = parent

    def _parsed(self, path: str, mtime: int) -> tuple[T | None, Also]:
        with self._lock:
            cached = self._files.get(path)
        if cached is not None and cached[0] == mtime and _unchanged(cached[2]):
            return cached[1], cached[2]
        parsed, also = self._read(path)
        with self._lock:
            self._files[path] = (mtime, parsed, also)
        return parsed, also


def _unchanged(depends_on: tuple[tuple[str, int], ...]) -> bool:
    for name, mtime in depends_on:
        try:
            if os.stat(name).st_mtime_ns != mtime:
                return False
        except OSError:
            return False
    return True


# ---------------------------------------------------------------- a configuration that extends another
def extended_file(path: str, target: str, key: str, tool: str, seen: set[str], also: list[tuple[str, int]]) -> str:
    """The file that ``key`` (Ruff's ``extend``, dprint's ``extends``) of configuration ``path``
    names: ``target`` relative to its directory, ``~`` expanded. Its mtime goes into ``also``
    (a changed base is a changed configuration); a cycle through ``seen`` (the real paths of
    the chain so far) or a missing file is a settings error naming both."""
    resolved = os.path.join(os.path.dirname(path), os.path.expanduser(target))
    if os.path.realpath(resolved) in seen:
        raise TransformationError(f"{tool} configuration {path}: `{key}` makes a cycle through {resolved}", kind="config")
    try:
        also.append((resolved, os.stat(resolved).st_mtime_ns))
    except OSError:
        raise TransformationError(f"{tool} configuration {path}: `{key}` names {resolved}, which does not exist",
                                  kind="config") from None
    return resolved


def merged_tables(base: dict[str, Any], over: dict[str, Any], key: str,
                  joined: Callable[[str], bool] = lambda name: False) -> dict[str, Any]:
    """``over`` on top of ``base``, as configurations that extend others are combined: tables
    merged key by key, lists of the keys ``joined`` accepts concatenated, anything else
    replaced; ``key`` (the extending key itself) dropped."""
    merged = {name: value for name, value in base.items() if name != key}
    for name, value in over.items():
        if name == key:
            continue
        below = merged.get(name)
        if isinstance(value, dict) and isinstance(below, dict):
            value = merged_tables(below, value, key, joined)
        elif joined(name) and isinstance(value, list) and isinstance(below, list):
            value = below + value
        merged[name] = value
    return merged
