"""Finding the files a command should touch: recursive, .gitignore-aware, skipping venvs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from booster_lsp.core.operations import LANGUAGE_BY_EXTENSION

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
                  ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages"}


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


def iter_source_files(paths: list[Path], extensions: set[str] | None = None) -> Iterator[Path]:
    """Files given explicitly are always yielded; directories are walked, honouring every
    .gitignore on the way down (each applies to paths relative to its own directory)."""
    wanted = extensions or set(LANGUAGE_BY_EXTENSION)
    seen: set[Path] = set()
    for root in paths:
        if root.is_file():
            if root not in seen:
                seen.add(root)
                yield root
            continue
        ignores: list[tuple[Path, pathspec.PathSpec]] = []
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
                if path.suffix.lower() in wanted and not ignored(path, False) and path not in seen:
                    seen.add(path)
                    yield path
