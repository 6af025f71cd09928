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
  tests/cli/test_format_cli.py).

pathspec, which booster uses for ``.gitignore`` files and Ruff's excludes, has neither the
``{ts,json}`` alternatives dprint's globs have (``**/*.{ts,tsx,json}`` is how dprint's own
``init`` used to write ``includes``) nor a match of the file alone, without the directories
above it: hence this translation of a glob into a regular expression.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple


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
    return GlobLine(re.compile(_regex(pattern)), negated, only_directories)


def _regex(glob: str) -> str:
    """A glob as globset reads it with a literal separator: ``*`` and ``?`` stay within one
    path component, ``**`` as a whole component spans any number of them, ``[a-z]`` / ``[!a]``
    are classes and ``{a,b}`` alternatives."""
    out: list[str] = []
    i, depth, n = 0, 0, len(glob)
    while i < n:
        char = glob[i]
        if glob.startswith("**", i) and (i == 0 or glob[i - 1] == "/") and (i + 2 == n or glob[i + 2] == "/"):
            out.append(".*" if i + 2 == n else "(?:.*/)?")
            i += 3
            continue
        if char == "*":
            while i + 1 < n and glob[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (end := glob.find("]", i + 2)) > 0:
            body = glob[i + 1 : end]
            negate = body[0] in "!^"
            out.append("[" + ("^" if negate else "") + body[negate:].replace("\\", "\\\\").replace("[", "\\[") + "]")
            i = end
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "," and depth:
            out.append("|")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        else:
            out.append(re.escape(char))
        i += 1
    if depth:  # an unclosed `{`: globset refuses the glob; here it matches nothing
        return "(?!)"
    return "".join(out)


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
