"""Finding the files a command should touch: recursive, .gitignore-aware, skipping venvs, and
skipping what a project's own tools exclude (:class:`ProjectExcludes`)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple

from booster_lsp.core.operations import LANGUAGE_BY_EXTENSION, language_for_path
from booster_lsp.core.ruff_config import RuffExcludes, find_ruff_excludes
from booster_lsp.errors import TransformationError

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
                  ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages"}
#: The languages whose files the dprint configuration's ``excludes`` apply to.
DPRINT_LANGUAGES = {"javascript", "javascriptreact", "typescript", "typescriptreact", "json", "markdown", "toml"}


class UnreadableSource(Exception):
    """A source file that cannot be read as UTF-8 text; the message says why, for the user."""


def read_source(path: Path) -> str:
    """A source file's text, exactly as on disk (bytes decoded: ``read_text`` would turn CRLF
    into LF). Raises :class:`UnreadableSource` with a message for the user."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableSource(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    except OSError as exc:
        raise UnreadableSource(exc.strerror or str(exc)) from None


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def _gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    path = directory / ".gitignore"
    if not path.is_file():
        return None
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import pathspec  # ~15 ms; only when there is a .gitignore to honour

    return pathspec.GitIgnoreSpec.from_lines(lines)


class _DprintRule(NamedTuple):
    """What one dprint configuration leaves out, for paths relative to its directory."""

    base: Path
    excludes: Callable[[str, bool], bool]  # (path, is a directory) -> excluded?
    includes: Callable[[str], bool] | None = None  # a file -> taken? (None: every file)


#: Where a directory has no Ruff configuration above it: Ruff's defaults, for the file alone.
_RUFF_DEFAULTS = RuffExcludes(project_root="")


class ProjectExcludes:
    """What a project's Ruff and dprint configurations exclude, for a command's purpose
    (``format`` or ``lint``), as each tool decides it for a file, by the nearest configuration
    (with what it ``extend``s):

    - Python files, as Ruff (core/ruff_config.py: RuffExcludes). Walking a directory the user
      named (``root``), as ``ruff format DIR`` walks it: every directory below it is checked
      against ``exclude`` (else Ruff's defaults) and ``extend-exclude`` of the configuration
      above it, and the file against those of its own and ``format.exclude`` /
      ``lint.exclude``. For an open document (no ``root``), as ruff server: the file and the
      directories above it up to its configuration's directory, against all of them.
    - The files dprint formats, as dprint: its ``excludes`` and, when given, what its
      ``includes`` leave out (core/dprint_globs.py).

    Look-ups are kept per directory for the instance (a walk)."""

    def __init__(self, purpose: str, root: Path | None) -> None:
        self.purpose = purpose
        #: a directory the user names is walked, even if excluded; None: an open document
        self.root = root.absolute() if root is not None else None
        self._dprint: dict[Path, _DprintRule | None] = {}
        self._ruff: dict[Path, RuffExcludes] = {}
        self._walked_out: dict[Path, bool] = {}

    def excluded(self, path: Path) -> bool:
        language = language_for_path(path)
        path = path.absolute()
        if language == "python":
            return self._ruff_excluded(path)
        if language in DPRINT_LANGUAGES:
            return self._dprint_excluded(path)
        return False

    # --------------------------------------------------------------------------- Ruff
    def _ruff_excluded(self, path: Path) -> bool:
        excludes = self._ruff_excludes(path.parent)
        name = path.as_posix()
        if self.root is None:
            if excludes is _RUFF_DEFAULTS:  # no configuration: no project root to stop at
                return excludes.walk_excludes(name)
            return excludes.excludes_document(name, self.purpose)
        if path != self.root and (excludes.walk_excludes(name) or excludes.purpose_excludes(name, self.purpose)):
            return True
        return self._directory_walked_out(path.parent)

    def _directory_walked_out(self, directory: Path) -> bool:
        """Is ``directory``, or one between it and the named root, left out of the walk?"""
        root = self.root
        if root is None or directory == root or not directory.is_relative_to(root):
            return False
        answer = self._walked_out.get(directory)
        if answer is None:
            # checked with the configuration above it, as Ruff's walk meets it before its own
            answer = (self._ruff_excludes(directory.parent).walk_excludes(directory.as_posix())
                      or self._directory_walked_out(directory.parent))
            self._walked_out[directory] = answer
        return answer

    def _ruff_excludes(self, directory: Path) -> RuffExcludes:
        excludes = self._ruff.get(directory)
        if excludes is None:
            try:
                excludes = find_ruff_excludes(directory) or _RUFF_DEFAULTS
            except TransformationError:
                excludes = _RUFF_DEFAULTS  # the broken configuration is reported when a file is formatted
            self._ruff[directory] = excludes
        return excludes

    # -------------------------------------------------------------------------- dprint
    def _dprint_excluded(self, path: Path) -> bool:
        directory = path.parent
        if directory not in self._dprint:
            self._dprint[directory] = _dprint_rule(directory)
        rule = self._dprint[directory]
        if rule is None or not path.is_relative_to(rule.base):
            return False
        relative = path.relative_to(rule.base).as_posix()
        if rule.includes is not None and not rule.includes(relative):
            return True
        if not rule.excludes(relative, False):
            return False
        root = self.root
        # it excludes the directory the user named: as Ruff, walk what was asked for
        return not (root is not None and root != rule.base and root.is_relative_to(rule.base)
                    and rule.excludes(root.relative_to(rule.base).as_posix(), True))


def _dprint_rule(directory: Path) -> _DprintRule | None:
    from booster_lsp.core import dprint_globs
    from booster_lsp.core.dprint_config import find_dprint_config

    try:
        source, project = find_dprint_config(directory)
    except TransformationError:
        return None  # reported when a file is formatted
    if source is None or not (project.excludes or project.includes is not None):
        return None
    includes = project.includes
    return _DprintRule(source.parent, functools.partial(dprint_globs.excluded, project.excludes),
                       None if includes is None else functools.partial(dprint_globs.included, includes))


def excluded_by_project(path: str | Path, purpose: str) -> bool:
    """Does the project's Ruff or dprint configuration exclude this file (for ``format`` or
    ``lint``)? The language server asks for every document, as ruff server does: a file a
    project excludes (a test fixture, generated code) is neither formatted nor linted there.
    The answer is kept while the configuration found is the same object (~30 us a question on
    the benchmark VM, most of it the look-up's stat calls; matching the globs again ~50 us)."""
    from booster_lsp.core.dprint_config import find_dprint_config
    from booster_lsp.core.ruff_config import find_ruff_config

    language = language_for_path(path)
    if language != "python" and language not in DPRINT_LANGUAGES:
        return False
    try:
        found = find_ruff_config(path) if language == "python" else find_dprint_config(path)  # as the formatter asks
    except TransformationError:
        return False  # reported when the file is formatted
    config = found[1] if found is not None else None  # the same object while the file is unchanged
    key = (str(path), purpose)
    answer = _answers.get(key)
    if answer is not None and answer[0] is config:
        return answer[1]
    excluded = ProjectExcludes(purpose, None).excluded(Path(path))
    if len(_answers) >= 4096:
        _answers.clear()
    _answers[key] = (config, excluded)
    return excluded


_answers: dict[tuple[str, str], tuple[object, bool]] = {}


def iter_source_files(paths: list[Path], extensions: set[str] | None = None, *, purpose: str = "format") -> Iterator[Path]:
    """Files given explicitly are always yielded (as Ruff and dprint format a file they are
    given); directories are walked, honouring every .gitignore on the way down (each applies
    to paths relative to its own directory) and what the project's tools exclude
    (:class:`ProjectExcludes`)."""
    wanted = extensions or set(LANGUAGE_BY_EXTENSION)
    seen: set[Path] = set()
    for root in paths:
        if root.is_file():
            if root not in seen:
                seen.add(root)
                yield root
            continue
        excludes = ProjectExcludes(purpose, root)
        ignores: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        for current, dirnames, filenames in os.walk(root):
            directory = Path(current)
            ignores = [(base, spec) for base, spec in ignores if directory.is_relative_to(base)]
            spec = _gitignore(directory)
            if spec is not None:
                ignores.append((directory, spec))

            def ignored(path: Path, is_dir: bool) -> bool:
                for base, rules in ignores:
                    relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
                    if rules.match_file(relative):
                        return True
                return False

            dirnames[:] = sorted(
                name for name in dirnames
                if name not in ALWAYS_SKIPPED
                and not _is_virtualenv(directory / name)
                and not ignored(directory / name, True)
            )
            for name in sorted(filenames):
                path = directory / name
                if (path.suffix.lower() in wanted and not ignored(path, False) and path not in seen
                        and not excludes.excluded(path)):
                    seen.add(path)
                    yield path
