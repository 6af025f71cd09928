"""Formatting files on disk, in parallel: shared by the CLI and the MCP server.

A file is only written when its formatted text differs, and atomically. A file with a
syntax error (or any failure) is left untouched and reported with its location. A file that
has not changed since a run found it formatted with the same settings and module is skipped
(core/formatted_files.py).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from booster_lsp import __version__
from booster_lsp.atomic_file import replace_file
from booster_lsp.core.booster import WASMBooster
from booster_lsp.core.formatted_files import FormattedFiles, format_key, stamp_of
from booster_lsp.core.project_files import lookups_once
from booster_lsp.core.operations import BoosterOperation, TransformationResult, language_for_path
from booster_lsp.core.router import OperationRequest
from booster_lsp.errors import BoosterError
from booster_lsp.files import UnreadableSource, read_source


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


def format_file(
    booster: WASMBooster, path: Path, *, write: bool, options: dict[str, Any],
    formatted: FormattedFiles | None = None, key: str | None = None,
) -> FileOutcome:
    """Format one file; with ``formatted`` and a ``key`` (format_paths), a file recorded as
    formatted under ``key`` is skipped, and a file found or made formatted is recorded."""
    language = language_for_path(path)
    if language is None:
        return FileOutcome(path, "skipped", message="no language is known for its extension; nothing formats it")
    remember = formatted is not None and key is not None
    if remember and formatted.is_formatted(path, key):
        return FileOutcome(path, "unchanged", provider="cache")
    stamp = stamp_of(path)  # before reading: what is recorded must be what was read
    try:
        original = read_source(path)
    except UnreadableSource as exc:
        return FileOutcome(path, "failed", message=str(exc))
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
        if remember and stamp is not None:
            formatted.record(path, key, stamp)
        return FileOutcome(path, "unchanged", original=original, formatted=original, provider=result.provider or "")
    if write:
        write_atomically(path, result.transformed_code)
        if remember:
            formatted.record(path, key, stamp_of(path))
    return FileOutcome(path, "changed", original=original, formatted=result.transformed_code, provider=result.provider or "")


def write_atomically(path: Path, text: str) -> None:
    """Replace the file's content in one step (a temporary file renamed over it), keeping its
    mode and owner. Through a symbolic link, the file it points to is written: the link stays
    a link, as when Ruff or black write. A file with other hard links is written in place
    instead, as Ruff and black write every file: a new file renamed over one of its names
    would split it from the others."""
    path = Path(os.path.realpath(path))
    status = path.stat()
    data = text.encode("utf-8")
    if status.st_nlink > 1:
        with open(path, "r+b") as handle:
            handle.write(data)
            handle.truncate()
        return
    replace_file(path, data, mode=status.st_mode & 0o7777, owner=(status.st_uid, status.st_gid))


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
    run modules in parallel; each module keeps a small pool of instances. With the cache on,
    files found formatted are remembered for the next run (core/formatted_files.py)."""
    options = options or {}
    outcomes: list[FileOutcome] = []
    workers = max(1, jobs or os.cpu_count() or 1)
    formatted = FormattedFiles.in_cache_dir() if booster.config.cache_enabled else None
    keys = _FormatKeys(booster, options)

    def run(path: Path) -> FileOutcome:
        with lookups_once():  # the project's configuration: once for the key and the formatting
            key = keys.of(language_for_path(path), path) if formatted is not None else None
            return format_file(booster, path, write=write, options=options, formatted=formatted, key=key)

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="booster-format") as executor:
            for outcome in executor.map(run, files):
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
    finally:
        if formatted is not None:
            formatted.save()
    return outcomes


class _FormatKeys:
    """Per language and project, the key of everything a file's formatting depends on
    besides its text: booster's version, the module (sha256), its options (with the project's
    Ruff configuration for Python), verify. None: no module formats the language (nothing is
    remembered)."""

    def __init__(self, booster: WASMBooster, options: dict[str, Any]) -> None:
        self.booster = booster
        self.options = json.dumps(options, sort_keys=True, default=str)

    def of(self, language: str | None, path: Path) -> str | None:
        if language is None:
            return None
        try:
            handler = self.booster.handler(BoosterOperation.FORMAT, language)
        except BoosterError:
            return None  # reported when the file is formatted
        if handler is None:
            return None
        request = OperationRequest("", language, self.booster.config, path=str(path))
        try:
            options = handler.cache_options(request)  # memoized by the provider per configuration
        except BoosterError:
            return None  # an unreadable project configuration: reported when the file is formatted
        return format_key(__version__, language, handler.fingerprint, options, self.options)
