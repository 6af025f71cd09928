"""Globs as Rust's ``globset`` crate reads them, as regular expressions: the glob syntax of the
tools whose file selection booster follows (Ruff's ``exclude``, dprint's ``includes`` and
``excludes``, through ripgrep's ``ignore`` crate).

pathspec (``.gitignore`` files) has neither ``{a,b}`` alternatives nor a ``*`` that crosses
``/`` (Ruff's globs: ``src/*.py`` excludes ``src/gen/b.py`` too), so the translation is here.
"""

from __future__ import annotations

import posixpath
import re


def globset_regex(glob: str, *, literal_separator: bool) -> str:
    """A regular expression matching what ``glob`` matches as a whole string.

    ``**`` as a whole path component spans any number of them (``**/x``, ``a/**/x``, ``a/**``);
    elsewhere it is one ``*``. ``*`` and ``?`` stay within a component only with
    ``literal_separator`` (dprint's globs; Ruff's cross ``/``). ``[a-z]`` / ``[!a]`` are classes,
    ``{a,b}`` alternatives, and a backslash escapes the next character.
    """
    star, one = ("[^/]*", "[^/]") if literal_separator else (".*", ".")
    out: list[str] = []
    i, depth, n = 0, 0, len(glob)
    while i < n:
        char = glob[i]
        if glob.startswith("**", i) and (i == 0 or glob[i - 1] == "/") and (i + 2 == n or glob[i + 2] == "/"):
            if i + 2 == n:
                out.append(".*")  # `**` alone, or `a/**`: anything below (after the `/` already written)
            elif i == 0:
                out.append("(?:/?|.*/)")  # `**/x`: x at any depth
            else:
                out.append("(?:.*/)?")  # `a/**/x`: zero or more directories between
            i += 3
            continue
        if char == "*":
            while i + 1 < n and glob[i + 1] == "*":
                i += 1
            out.append(star)
        elif char == "?":
            out.append(one)
        elif char == "[" and (found := _char_class(glob, i)) is not None:
            regex, i = found
            out.append(regex)
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "," and depth:
            out.append("|")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    if depth:  # an unclosed `{`: globset refuses the glob; here it matches nothing
        return "(?!)"
    return "".join(out)


def anchored_regex(pattern: str, root: str) -> str:
    """A Ruff pattern joined to the directory of its configuration, ``.`` and ``..`` resolved
    (Ruff's ``GlobPath::normalize``), as a regex for a whole absolute path: the directory as it
    is (Ruff escapes it), the rest as a glob. An absolute pattern stays as it is."""
    absolute = posixpath.normpath(posixpath.join(root, pattern))
    prefix = root.rstrip("/") + "/"
    if absolute.startswith(prefix):
        return re.escape(prefix) + globset_regex(absolute[len(prefix):], literal_separator=False)
    return globset_regex(absolute, literal_separator=False)


def _char_class(glob: str, start: int) -> tuple[str, int] | None:
    """The class ``[...]`` at ``start`` as a regex and the index of its ``]``; None when it is
    not closed (then ``[`` is taken literally). A ``]`` first in the class (after ``!`` / ``^``)
    is a member; ``a-z`` a range (a reversed one matches nothing); anything else itself."""
    i = start + 1
    negate = i < len(glob) and glob[i] in "!^"
    i += negate
    first = i
    if i < len(glob) and glob[i] == "]":
        i += 1
    end = glob.find("]", i)
    if end < 0:
        return None
    members, parts, k = glob[first:end], [], 0
    while k < len(members):
        if k + 2 < len(members) and members[k + 1] == "-":
            low, high = members[k], members[k + 2]
            if low <= high:
                parts.append(f"{re.escape(low)}-{re.escape(high)}")
            k += 3
        else:
            parts.append(re.escape(members[k]))
            k += 1
    if not parts:
        return ("." if negate else "(?!)"), end
    return "[" + ("^" if negate else "") + "".join(parts) + "]", end
