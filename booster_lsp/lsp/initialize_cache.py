"""The ``initialize`` results the server gave, kept for the prelude (lsp/prelude.py).

An initialize result depends on the client's capabilities (position encoding, what pygls
builds from them) and on the server's code (its routes, commands and their options); not
on settings or on the workspace. So each result is kept in the user cache dir under a key
of the client's ``capabilities`` exactly as it sent them (canonical JSON) and the code stamp
(lsp/code_stamp.py): the next start with the same editor and the same installation answers
``initialize`` with it before pygls is imported. The newest ``KEEP`` entries are kept.

The server itself always computes its result as well (for the prelude's start, from the
``initialize`` it replays) and compares: were the kept one ever different, it is replaced
and the difference logged. A cache that cannot be read or written only means no prelude.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from booster_lsp.atomic_file import replace_file

log = logging.getLogger(__name__)

DIRECTORY = "lsp-initialize"
KEEP = 16


def cache_key(capabilities: Any) -> str | None:
    """The key of a client's ``capabilities`` (the JSON of its initialize params) with this
    installation's code; None for capabilities that are not a JSON object."""
    if not isinstance(capabilities, dict):
        return None
    from booster_lsp.lsp.code_stamp import code_stamp

    try:
        text = json.dumps([code_stamp(), capabilities], sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError, OSError):
        return None
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def load(key: str) -> tuple[str, dict[str, Any]] | None:
    """The kept result for this key, if there is a valid one: its JSON text and its value."""
    path = _path(key)
    try:
        text = path.read_text(encoding="utf-8") if path is not None else None
        result = json.loads(text) if text is not None else None
    except (OSError, ValueError):
        return None
    return (text, result) if isinstance(result, dict) and isinstance(result.get("capabilities"), dict) else None


def store(key: str, result_json: str) -> None:
    """Keep a result; the oldest entries beyond ``KEEP`` go."""
    path = _path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        replace_file(path, result_json.encode("utf-8"))
        entries = sorted(path.parent.glob("*.json"), key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as error:
        log.debug("initialize result not kept: %s", error)


def remember(capabilities: Any, result_json: str, answered: str | None = None, key: str | None = None) -> None:
    """Keep the server's initialize result for a client with these capabilities (``key``: their
    key, where the prelude has computed it already). ``answered``: the kept result the prelude
    answered this session's initialize with, which should be the same (it is keyed by the code
    that computes it); were it not, the server's replaces it."""
    key = key or cache_key(capabilities)
    if key is None:
        return
    kept = answered if answered is not None else (found[0] if (found := load(key)) else None)
    if kept is not None and same_result(kept, result_json):
        return
    if answered is not None:
        log.warning("initialize was answered with a kept result that differs from the server's own; the "
                    "server's is kept for the next start (a restart gives this session the same)")
    store(key, result_json)


def _path(key: str) -> Path | None:
    try:
        from booster_lsp.wasm.artifacts import user_cache_dir

        return user_cache_dir() / DIRECTORY / f"{key}.json"
    except (OSError, ImportError):
        return None


def same_result(first: str, second: str) -> bool:
    try:
        return json.loads(first) == json.loads(second)
    except ValueError:
        return False

