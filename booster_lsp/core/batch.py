"""Formatting files on disk, in parallel: shared by the CLI and the MCP server.

A file is only written when its formatted text differs, and atomically. A file with a
syntax error (or any failure) is left untouched and reported with its location.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from booster_lsp.core.booster import WASMBooster
from booster_lsp.core.operations import TransformationResult, language_for_path
from booster_lsp.errors import BoosterError


@dataclass
class FileOutcome:
    path: Path
    status: str  # "changed" | "unchanged" | "failed" | "skipped"
    original: str = ""
    formatted: str = ""
    message: str = ""
    line: int | None = None
    column: int | None = None
    provider: str = ""  # who formatted it: wasm:…, native:rustfmt, llm:<model>, cache

    def location(self) -> str:
        if self.line is None:
            return str(self.path)
        return f"{self.path}:{self.line}:{self.column or 1}"


def format_file(booster: WASMBooster, path: Path, *, write: bool, options: dict[str, Any]) -> FileOutcome:
    language = language_for_path(path)
    if language is None:
        return FileOutcome(path, "skipped", message="unknown file type")
    try:
        original = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return FileOutcome(path, "failed", message=f"not UTF-8: {exc.reason} at byte {exc.start}")
    except OSError as exc:
        return FileOutcome(path, "failed", message=exc.strerror or str(exc))
    try:
        result: TransformationResult = booster.transform_sync(original, "format", language, path=str(path), **options)
    except BoosterError as exc:
        return FileOutcome(path, "failed", original=original, message=str(exc))
    if not result.success:
        location = result.error_location
        return FileOutcome(
            path, "failed", original=original, message=result.error or "failed",
            line=location.line if location else None, column=location.column if location else None,
        )
    if result.transformed_code == original:
        return FileOutcome(path, "unchanged", original=original, formatted=original, provider=result.provider or "")
    if write:
        write_atomically(path, result.transformed_code)
    return FileOutcome(path, "changed", original=original, formatted=result.transformed_code, provider=result.provider or "")


def write_atomically(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".booster")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def format_paths(
    booster: WASMBooster,
    files: Iterable[Path],
    *,
    write: bool,
    options: dict[str, Any] | None = None,
    jobs: int | None = None,
    on_outcome: Callable[[FileOutcome], None] | None = None,
) -> list[FileOutcome]:
    """Format every file with a worker per core. WASM calls release the GIL, so threads
    run modules in parallel; each module keeps a small pool of instances."""
    options = options or {}
    outcomes: list[FileOutcome] = []
    workers = max(1, jobs or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="booster-format") as executor:
        for outcome in executor.map(lambda p: format_file(booster, p, write=write, options=options), files):
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return outcomes
