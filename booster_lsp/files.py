"""Finding the files a command should touch: recursive, .gitignore-aware, skipping venvs, and
skipping what a project's own tools exclude (:class:`ProjectExcludes`)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, NamedTuple

from booster_lsp.core.operations import LANGUAGE_BY_EXTENSION, language_for_path
from booster_lsp.errors import TransformationError

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
                  ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages"}
#: Ruff's default ``exclude`` (a configuration's own ``exclude`` replaces it); what is also in
#: ALWAYS_SKIPPED is never walked anyway.
RUFF_DEFAULT_EXCLUDE = (".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
                        ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox",
                        ".venv", ".vscode", "__pypackages__", "_build", "buck-out", "dist", "node_modules",
                        "site-packages", "venv")
#: The languages whose files the dprint configuration's ``excludes`` apply to.
DPRINT_LANGUAGES = {"javascript", "javascriptreact", "typescript", "typescriptreact", "json", "markdown", "toml"}


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


class _Rule(NamedTuple):
    """What one configuration leaves out, for paths relative to its directory (``/``-separated)."""

    base: Path
    excludes: Callable[[str, bool], bool]  # (path, is a directory) -> excluded?
    includes: Callable[[str], bool] | None = None  # a file -> taken? (None: every file)


class ProjectExcludes:
    """What a project's Ruff and dprint configurations exclude, for a command's purpose
    (``format`` or ``lint``), as each tool decides it for a file: by the nearest configuration
    above the file (with what it ``extend``s). Ruff: its ``exclude`` (else Ruff's defaults),
    ``extend-exclude`` and ``format.exclude`` / ``lint.exclude``, for Python files, as
    gitignore lines relative to the configuration's directory (``name`` anywhere below,
    ``dir/name`` from there); dprint: its ``excludes`` and, when given, what its ``includes``
    leave out, for the files it formats, matched as dprint matches them (core/dprint_globs.py).
    The rules of a directory are worked out once per instance (a walk)."""

    def __init__(self, purpose: str, root: Path | None) -> None:
        self.purpose = purpose
        #: a directory the user names is walked, even if excluded; None: every file is checked
        self.root = root.absolute() if root is not None else None
        self._rules: dict[tuple[str, str], _Rule | None] = {}

    def excluded(self, path: Path) -> bool:
        language = language_for_path(path)
        tool = "ruff" if language == "python" else "dprint" if language in DPRINT_LANGUAGES else None
        if tool is None:
            return False
        path = path.absolute()
        key = (tool, str(path.parent))
        if key not in self._rules:
            self._rules[key] = self._rule(tool, path.parent)
        rule = self._rules[key]
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

    def _rule(self, tool: str, directory: Path) -> _Rule | None:
        from booster_lsp.core import dprint_globs
        from booster_lsp.core.dprint_config import find_dprint_config
        from booster_lsp.core.ruff_config import find_ruff_config

        try:
            if tool == "dprint":
                source, project = find_dprint_config(directory)
                if source is None or not (project.excludes or project.includes is not None):
                    return None
                includes = project.includes
                return _Rule(source.parent, functools.partial(dprint_globs.excluded, project.excludes),
                             None if includes is None else functools.partial(dprint_globs.included, includes))
            found = find_ruff_config(directory)
        except TransformationError:
            return None  # reported when a file is formatted
        if found is None:
            return _Rule(Path("/"), _gitignore_lines(RUFF_DEFAULT_EXCLUDE))
        options = found[1]
        exclude = options.get("exclude")
        patterns = [*(_strings(exclude) if exclude is not None else RUFF_DEFAULT_EXCLUDE),
                    *_strings(options.get("extend-exclude", ())),
                    *_strings((options.get(self.purpose) or {}).get("exclude", ()))]
        return _Rule(found[0].parent, _gitignore_lines(patterns))


def _gitignore_lines(patterns) -> Callable[[str, bool], bool]:
    spec = _spec(patterns)
    return lambda path, is_directory: spec.match_file(path + "/" if is_directory else path)


def excluded_by_project(path: str | Path, purpose: str) -> bool:
    """Does the project's Ruff or dprint configuration exclude this file (for ``format`` or
    ``lint``)? The language server asks for every document, as ruff server does: a file a
    project excludes (a test fixture, generated code) is neither formatted nor linted there.
    The answer is kept while the configuration found is the same object (~25 us a question on
    the benchmark VM, most of it the look-up's stat calls; matching the globs again took ~0.1 ms)."""
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


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, (list, tuple)) else []


def _spec(patterns) -> pathspec.GitIgnoreSpec:
    return _compiled(tuple(patterns))


@functools.lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    import pathspec  # ~15 ms; only when there is something to match

    return pathspec.GitIgnoreSpec.from_lines(patterns)


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
