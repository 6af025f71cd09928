"""A project's Ruff configuration, found for a file as Ruff finds it (core/project_files.py).

The nearest ``.ruff.toml``, ``ruff.toml`` or ``pyproject.toml`` with a ``[tool.ruff]`` table,
in that order in each directory, from the file's directory upwards, on top of the chain of
configurations its ``extend`` names (a changed one changes the result). Lint takes its rules from
it (core/lint.py) and the Python formatter its line length, indent width, target version,
preview and ``[format]`` table (:func:`find_format_options`), so that booster formats a
project as ``ruff format`` does. Its ``exclude`` lists are kept with the directory of the
configuration that set each (:class:`RuffExcludes`), as Ruff anchors them.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from booster_lsp.core.globs import anchored_regex, globset_regex
from booster_lsp.core.project_files import Also, NearestFile, extended_file, merged_tables
from booster_lsp.errors import TransformationError

RUFF_CONFIG_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")
#: Top-level keys of a Ruff configuration that change what its formatter writes; with them,
#: the ``[format]`` table less ``exclude`` (which files: not a formatting option).
FORMAT_KEYS = ("line-length", "indent-width", "target-version", "preview")


#: Ruff's default ``exclude`` (a configuration's own ``exclude`` replaces it).
RUFF_DEFAULT_EXCLUDE = (".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
                        ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox",
                        ".venv", ".vscode", "__pypackages__", "_build", "buck-out", "dist", "node_modules",
                        "site-packages", "venv")

#: A pattern of an ``exclude`` list and the directory of the configuration that set it (None:
#: one of Ruff's defaults, which are not anchored).
Pattern = tuple[str, "str | None"]
_DEFAULT_PATTERNS: tuple[Pattern, ...] = tuple((name, None) for name in RUFF_DEFAULT_EXCLUDE)


class _Patterns:
    """One of Ruff's glob sets of ``FilePattern`` (ruff_linter settings/types.rs): a pattern
    matches a path by the pattern joined to its configuration's directory (``./`` and ``..``
    resolved) against the whole path, or, without a ``/``, the pattern itself against the
    path's last component; a default matches either as it is. Ruff's globs let ``*`` cross
    ``/`` (``src/*.py`` takes ``src/gen/b.py``) and take ``{a,b}``."""

    def __init__(self, patterns: tuple[Pattern, ...]) -> None:
        parts = []
        for pattern, directory in patterns:
            if directory is None:
                parts.append(globset_regex(pattern, literal_separator=False))
                continue
            parts.append(anchored_regex(pattern, directory))
            if "/" not in pattern:
                parts.append(globset_regex(pattern, literal_separator=False))
        self._regex = re.compile("|".join(f"(?:{part})" for part in parts)) if parts else None

    def match(self, path: str) -> bool:
        """Does the absolute ``path`` (``/``-separated) match, whole or by its last component?"""
        return self._regex is not None and bool(
            self._regex.fullmatch(path) or self._regex.fullmatch(path.rsplit("/", 1)[-1]))


@dataclass(frozen=True)
class RuffExcludes:
    """What a Ruff configuration excludes: ``exclude`` (else Ruff's defaults) and
    ``extend-exclude`` of every file in its ``extend`` chain, each anchored at its own file's
    directory as Ruff resolves them, and ``format.exclude`` / ``lint.exclude``."""

    project_root: str  # the directory of the nearest configuration
    exclude: tuple[Pattern, ...] = _DEFAULT_PATTERNS
    extend_exclude: tuple[Pattern, ...] = ()
    purpose_exclude: dict[str, tuple[Pattern, ...]] = field(default_factory=dict)  # "format" / "lint"

    @functools.cached_property
    def _walk(self) -> _Patterns:
        return _Patterns(self.exclude + self.extend_exclude)

    def walk_excludes(self, path: str) -> bool:
        """Does ``exclude`` / ``extend-exclude`` leave out ``path`` (a file or a directory), as
        Ruff's walk checks each entry below the directory it was given?"""
        return self._walk.match(path)

    @functools.cached_property
    def _purposes(self) -> dict[str, _Patterns]:
        return {purpose: _Patterns(self.purpose_exclude.get(purpose, ())) for purpose in ("format", "lint")}

    def purpose_excludes(self, path: str, purpose: str) -> bool:
        """Does ``format.exclude`` / ``lint.exclude`` leave out the file ``path``? (Ruff's CLI
        checks the file alone, not the directories above it.)"""
        patterns = self._purposes.get(purpose)
        return patterns is not None and patterns.match(path)

    def excludes_document(self, path: str, purpose: str) -> bool:
        """ruff server's rule for an open document (``match_any_exclusion``): the file and each
        directory above it, up to the project root, against all of the lists."""
        current = path
        while True:
            if self.walk_excludes(current) or self.purpose_excludes(current, purpose):
                return True
            if current == self.project_root or "/" not in current.rstrip("/"):
                return False
            current = current.rsplit("/", 1)[0] or "/"

    @classmethod
    def of(cls, chain: list[tuple[str, dict[str, Any]]]) -> RuffExcludes:
        """From the configurations of an ``extend`` chain, the extended first, each with its
        directory, combined as Ruff's ``Configuration::combine`` does: the nearest ``exclude``
        (and ``format.exclude``, ``lint.exclude``) wins, ``extend-exclude`` lists are joined."""
        exclude: tuple[Pattern, ...] | None = None
        extend: tuple[Pattern, ...] = ()
        purpose: dict[str, tuple[Pattern, ...]] = {}
        for directory, options in chain:
            if (own := _anchored(options.get("exclude"), directory)) is not None:
                exclude = own
            extend += _anchored(options.get("extend-exclude"), directory) or ()
            for table in ("format", "lint"):
                section = options.get(table)
                if isinstance(section, dict) and (own := _anchored(section.get("exclude"), directory)) is not None:
                    purpose[table] = own
        return cls(chain[-1][0], _DEFAULT_PATTERNS if exclude is None else exclude, extend, purpose)


def _anchored(value: Any, directory: str) -> tuple[Pattern, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple((item, directory) for item in value if isinstance(item, str))


#: One ``per-file-ignores`` entry: its pattern, the directory of the configuration that set
#: it (Ruff anchors the pattern there), the rule codes.
PerFileIgnore = tuple[str, str, tuple[str, ...]]


def _per_file_ignores(chain: list[tuple[str, dict[str, Any]]]) -> tuple[PerFileIgnore, ...]:
    """``per-file-ignores`` of an ``extend`` chain combined as Ruff combines them: the nearest
    configuration's table wins, ``extend-per-file-ignores`` tables are joined; ``[lint]`` over
    the top-level (deprecated) keys."""
    own: tuple[PerFileIgnore, ...] = ()
    extended: tuple[PerFileIgnore, ...] = ()
    for directory, options in chain:
        lint = options.get("lint") if isinstance(options.get("lint"), dict) else {}
        table = lint.get("per-file-ignores", options.get("per-file-ignores"))
        if isinstance(table, dict):
            own = _entries(table, directory)
        table = lint.get("extend-per-file-ignores", options.get("extend-per-file-ignores"))
        if isinstance(table, dict):
            extended += _entries(table, directory)
    return own + extended


def _entries(table: dict[str, Any], directory: str) -> tuple[PerFileIgnore, ...]:
    return tuple((pattern, directory, tuple(code for code in codes if isinstance(code, str)))
                 for pattern, codes in table.items() if isinstance(codes, list))


@dataclass(frozen=True)
class _RuffConfig:
    options: dict[str, Any]  # the whole configuration (a pyproject.toml's [tool.ruff] table)
    format_options: dict[str, Any]  # what decides formatting (FORMAT_KEYS, [format])
    excludes: RuffExcludes
    per_file_ignores: tuple[PerFileIgnore, ...]


def _read(path: str) -> tuple[_RuffConfig | None, Also]:
    options = _options(path)
    if options is None:
        return None, ()
    also: list[tuple[str, int]] = []
    chain: list[tuple[str, dict[str, Any]]] = []
    options = _extended(path, options, also, {os.path.realpath(path)}, chain)
    format_options = {key: options[key] for key in FORMAT_KEYS if key in options}
    table = options.get("format")
    if isinstance(table, dict):
        table = {key: value for key, value in table.items() if key != "exclude"}
        if table:
            format_options["format"] = table
    return _RuffConfig(options, format_options, RuffExcludes.of(chain), _per_file_ignores(chain)), tuple(also)


def _options(path: str) -> dict[str, Any] | None:
    """A file's Ruff options: the [tool.ruff] table of a pyproject.toml, a ruff.toml whole."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TransformationError(f"cannot read Ruff configuration {path}: {exc}", kind="config") from None
    options = data.get("tool", {}).get("ruff") if os.path.basename(path) == "pyproject.toml" else data
    return options if isinstance(options, dict) else None


def _extended(
    path: str, options: dict[str, Any], also: list[tuple[str, int]], seen: set[str], chain: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """``options`` on top of the configuration its ``extend`` names (a path relative to its
    file; ``~`` expanded), and that one's, and so on, as Ruff combines them: tables key by
    key, the lists of ``extend-*`` keys (extend-exclude, extend-select, ...) joined, anything
    else replaced. The files read are put in ``also``, and each file's directory and own
    options in ``chain`` (the extended first)."""
    base = options.get("extend")
    if not isinstance(base, str):
        chain.append((os.path.dirname(os.path.abspath(path)), options))
        return options
    target = extended_file(path, base, "extend", "Ruff", seen, also)
    seen.add(os.path.realpath(target))
    parent = _options(target)
    if parent is None:
        raise TransformationError(f"Ruff configuration {path}: `extend` names {target}, which has no Ruff "
                                  "configuration", kind="config")
    merged = merged_tables(_extended(target, parent, also, seen, chain), options, "extend", _JOINED)
    chain.append((os.path.dirname(os.path.abspath(path)), options))
    return merged


#: Ruff joins these lists of a configuration and the one it extends (extend-exclude, ...).
_JOINED: Callable[[str], bool] = lambda name: name.startswith("extend-")  # noqa: E731


_nearest = NearestFile(RUFF_CONFIG_FILES, _read)


def find_ruff_config(path: str | Path | None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest Ruff configuration of ``path`` (a file or a directory): its path and its
    options. A configuration that is not valid TOML raises a ``TransformationError`` of kind
    ``config`` naming the file."""
    found = _nearest.find(path)
    return None if found is None else (found[0], found[1].options)


def find_ruff_excludes(path: str | Path | None) -> RuffExcludes | None:
    """What the nearest Ruff configuration of ``path`` excludes (None: there is none). The
    same object while the configuration is unchanged."""
    found = _nearest.find(path)
    return None if found is None else found[1].excludes


def find_unsafe_fixes(path: str | Path | None) -> bool | None:
    """The nearest Ruff configuration's ``unsafe-fixes`` (an ``extend``ed base's too): True or
    False as set, None when it says nothing (Ruff's "hint": unsafe fixes are not applied, and
    ``ruff check`` says how many ``--unsafe-fixes`` would add)."""
    found = _nearest.find(path)
    value = None if found is None else found[1].options.get("unsafe-fixes")
    return value if isinstance(value, bool) else None


def find_per_file_ignores(path: str | Path | None) -> tuple[PerFileIgnore, ...]:
    """The nearest Ruff configuration's ``per-file-ignores`` (with ``extend-per-file-ignores``),
    each entry with the directory it is anchored at."""
    found = _nearest.find(path)
    return () if found is None else found[1].per_file_ignores


def find_format_options(path: str | Path | None) -> tuple[Path | None, dict[str, Any]]:
    """The nearest Ruff configuration's formatting options, as ruff.toml keys (``{}`` when
    there is none), and its path. The same dict object while the file is unchanged."""
    found = _nearest.find(path)
    return (None, {}) if found is None else (found[0], found[1].format_options)
