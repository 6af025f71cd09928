"""The result cache: a TTL cache keyed by a hash of everything that decides the result.

The key folds in the module's sha256, so upgrading a module invalidates its entries.
"""

from __future__ import annotations

import hashlib
import threading
import time

from typing import Any

from cachetools import TTLCache

from booster_lsp.errors import CacheError


def cache_key(fingerprint: str, operation: str, language: str, code: str, options: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (fingerprint, operation, language, options):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    digest.update(code.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ResultCache:
    def __init__(self, max_entries: int, ttl_s: float) -> None:
        self._lock = threading.Lock()
        try:
            self._entries: TTLCache[str, Any] = TTLCache(maxsize=max_entries, ttl=max(ttl_s, 0.001), timer=time.monotonic)
        except (TypeError, ValueError) as exc:
            raise CacheError(f"cannot create result cache: {exc}") from exc

    def get(self, key: str) -> Any | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
