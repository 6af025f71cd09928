"""Replacing a file's content in one step: the data goes to a temporary file beside it, which
is then renamed over it, so a reader (another process, or after a crash) finds the old
content or the new, never part of it. Used for every file booster writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(
    path: Path, data: bytes | bytearray, *, mode: int | None = None, owner: tuple[int, int] | None = None
) -> None:
    """Make ``data`` the content of ``path`` at once. The file ends with ``mode``, else the
    0600 of a new temporary file, and with ``owner`` (uid, gid) where this process may give
    it (root may: ``sudo booster format`` or a container formatting a mounted project leaves
    the user's files theirs). Raises OSError; the temporary file never stays behind."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if owner is not None and hasattr(os, "fchown"):
                try:
                    os.fchown(handle.fileno(), *owner)
                except PermissionError:
                    pass  # not ours to give: the new file is the writer's, as any editor's save
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
