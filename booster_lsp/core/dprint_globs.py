"""Which files a dprint configuration's ``includes`` and ``excludes`` select, as ``dprint fmt``
selects them.

dprint matches both lists with the gitignore globs of ripgrep's ``ignore`` crate, relative to
the configuration's directory (``crates/dprint/src/utils/glob/glob_matcher.rs``):

- ``excludes`` are gitignore lines: a file is left alone when it, or a directory above it
  (dprint's walk does not enter it), is matched; a ``!pattern`` takes a file back out of the
  excludes; the last matching line decides.
- ``includes``, when given, must match the file itself, the last matching line deciding
  (``!pattern`` drops it): ``src/**`` takes every file below ``src``, but ``src`` takes only a
  file named ``src``, and ``lib/`` nothing (checked against the dprint CLI:
  tests/unit/test_dprint_globs.py).

The globs themselves (``**/*.{ts,tsx,json}`` is how dprint's own ``init`` used to write
``includes``) are translated by core/globs.py.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from booster_lsp.core.globs import globset_regex


class GlobLine(NamedTuple):
    regex: re.Pattern[str]  # matches a whole path relative to the configuration's directory
    negated: bool  # ``!pattern``
    only_directories: bool  # ``name/``


def _line(pattern: str) -> GlobLine:
    """One pattern as the ``ignore`` crate reads a gitignore line, after dprint has turned
    every backslash into a slash (a configuration means the same on every system: ``[[]`` is
    how a ``[`` is escaped, not ``\\[``) and a leading ``./`` into ``/``."""
    pattern = pattern.replace("\\", "/")
    negated = pattern.startswith("!")
    if negated:
        pattern = pattern[1:]
    if pattern.startswith("./"):
        pattern = pattern[1:]
    anchored = pattern.startswith("/")
    pattern = pattern.removeprefix("/")
    only_directories = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    if not anchored and "/" not in pattern:
        pattern = "**/" + pattern  # a bare name matches at any depth
    if pattern.endswith("/**"):
        pattern += "/*"  # what is below the directory, not the directory itself
    return GlobLine(re.compile(globset_regex(pattern, literal_separator=True)), negated, only_directories)


@functools.lru_cache(maxsize=256)
def glob_lines(patterns: tuple[str, ...]) -> tuple[GlobLine, ...]:
    return tuple(_line(pattern) for pattern in patterns if pattern and not pattern.startswith("#"))


def _last_match(lines: tuple[GlobLine, ...], path: str, is_directory: bool) -> bool | None:
    """True: the last line that matches ``path`` selects it; False: it is a ``!`` line; None: none."""
    for line in reversed(lines):
        if (is_directory or not line.only_directories) and line.regex.fullmatch(path):
            return not line.negated
    return None


def excluded(excludes: tuple[str, ...], path: str, is_directory: bool = False) -> bool:
    """Do ``excludes`` leave ``path`` (relative to the configuration's directory, with ``/``)
    alone: the path itself, or a directory above it?"""
    lines = glob_lines(excludes)
    if not lines:
        return False
    parts = path.split("/")
    for depth in range(1, len(parts)):
        if _last_match(lines, "/".join(parts[:depth]), True):
            return True
    return bool(_last_match(lines, path, is_directory))


def included(includes: tuple[str, ...] | None, path: str) -> bool:
    """Do ``includes`` take the file ``path``? Without ``includes``, every file is taken."""
    return includes is None or _last_match(glob_lines(includes), path, False) is True
