"""Finding the files a command should touch: recursive, .gitignore-aware, skipping venvs, and
skipping what a project's own tools exclude (:class:`ProjectExcludes`)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from booster_lsp.core.operations import LANGUAGE_BY_EXTENSION, language_for_path
from booster_lsp.errors import TransformationError

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
                  ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages"}
#: Ruff's default ``exclude`` beyond ALWAYS_SKIPPED: Python files there are not Ruff's either.
RUFF_DEFAULT_EXCLUDE = (".bzr", ".direnv", ".eggs", ".git-rewrite", ".ipynb_checkpoints", ".pants.d", ".pyenv",
                        ".pytype", ".vscode", "__pypackages__", "_build", "buck-out", "dist")
#: The languages whose files the dprint configuration's ``excludes`` apply to.
DPRINT_LANGUAGES = {"javascript", "javascriptreact", "typescript", "typescriptreact", "json", "markdown", "toml"}


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def _gitignore(directory: Path) -> pathspec.PathSpec | None:
    path = directory / ".gitignore"
    if not path.is_file():
        return None
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import pathspec  # ~15 ms; only when there is a .gitignore to honour

    return pathspec.PathSpec.from_lines("gitwildmatch", lines)


class ProjectExcludes:
    """What a project's Ruff and dprint configurations exclude, for a command's purpose
    (``format`` or ``lint``): Ruff's ``exclude`` (or its defaults), ``extend-exclude`` and
    ``format.exclude`` / ``lint.exclude`` for Python files; dprint's ``excludes`` for the files
    it formats. Patterns are globs relative to the configuration's directory, as gitignore
    lines (``name`` anywhere, ``dir/name`` from there). Every configuration on the way down
    applies to what is below it (a nearer one adds to, never removes from, what is excluded:
    a file is skipped if any of them excludes it)."""

    def __init__(self, purpose: str, root: Path | None) -> None:
        self.purpose = purpose
        #: a directory the user names is walked, even if excluded; None: every file is checked
        self.root = root.absolute() if root is not None else None
        self._seen: set[Path] = set()
        self.ruff: list[tuple[Path, pathspec.PathSpec]] = [(Path("/"), _spec(RUFF_DEFAULT_EXCLUDE))]
        self.dprint: list[tuple[Path, pathspec.PathSpec]] = []

    def enter(self, directory: Path) -> None:
        """Take the configurations that apply to ``directory`` (found upwards: a walk may start
        below the project's root). A broken one is reported when a file is formatted."""
        from booster_lsp.core.dprint_config import find_dprint_config
        from booster_lsp.core.ruff_config import find_ruff_config

        try:
            found = find_ruff_config(directory)
        except TransformationError:
            found = None
        if found is not None and found[0] not in self._seen:
            self._seen.add(found[0])
            options = found[1]
            patterns = [*_strings(options.get("exclude", ())), *_strings(options.get("extend-exclude", ())),
                        *_strings((options.get(self.purpose) or {}).get("exclude", ()))]
            if patterns:
                self.ruff.append((found[0].parent, _spec(patterns)))
        try:
            source, project = find_dprint_config(directory)
        except TransformationError:
            source = None
        if source is not None and source not in self._seen:
            self._seen.add(source)
            if project.excludes:
                self.dprint.append((source.parent, _spec(project.excludes)))

    def excluded(self, path: Path) -> bool:
        language = language_for_path(path)
        rules = self.ruff if language == "python" else self.dprint if language in DPRINT_LANGUAGES else ()
        path = path.absolute()
        for base, spec in rules:
            if not path.is_relative_to(base) or not spec.match_file(path.relative_to(base).as_posix()):
                continue
            root = self.root
            if root is not None and root.is_relative_to(base) and spec.match_file(root.relative_to(base).as_posix() + "/"):
                continue  # it excludes the directory the user named: as Ruff, walk what was asked for
            return True
        return False


def excluded_by_project(path: str | Path, purpose: str) -> bool:
    """Does the project's Ruff or dprint configuration exclude this file (for ``format`` or
    ``lint``)? The language server asks for every document, as ruff server does: a file a
    project excludes (a test fixture, generated code) is neither formatted nor linted there.
    The answer is kept while the configuration found is the same object (~10 us a question,
    where matching the globs again took ~0.1 ms)."""
    from booster_lsp.core.dprint_config import find_dprint_config
    from booster_lsp.core.ruff_config import find_ruff_config

    language = language_for_path(path)
    if language != "python" and language not in DPRINT_LANGUAGES:
        return False
    directory = os.path.dirname(os.path.abspath(path))
    try:
        found = find_ruff_config(path) if language == "python" else find_dprint_config(path)  # as the formatter asks
    except TransformationError:
        return False  # reported when the file is formatted
    config = found[1] if found is not None else None  # the same object while the file is unchanged
    key = (str(path), purpose)
    answer = _answers.get(key)
    if answer is not None and answer[0] is config:
        return answer[1]
    excludes = ProjectExcludes(purpose, None)
    excludes.enter(Path(directory))
    excluded = excludes.excluded(Path(path))
    if len(_answers) >= 4096:
        _answers.clear()
    _answers[key] = (config, excluded)
    return excluded


_answers: dict[tuple[str, str], tuple[object, bool]] = {}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, (list, tuple)) else []


def _spec(patterns) -> pathspec.PathSpec:
    return _compiled(tuple(patterns))


@functools.lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> pathspec.PathSpec:
    import pathspec  # ~15 ms; only when there is something to match

    return pathspec.PathSpec.from_lines("gitwildmatch", patterns)


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
        ignores: list[tuple[Path, pathspec.PathSpec]] = []
        for current, dirnames, filenames in os.walk(root):
            directory = Path(current)
            ignores = [(base, spec) for base, spec in ignores if directory.is_relative_to(base)]
            spec = _gitignore(directory)
            if spec is not None:
                ignores.append((directory, spec))
            excludes.enter(directory)

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
