"""The result cache: a TTL cache keyed by everything that decides the result.

The key holds the module's sha256, so upgrading a module invalidates its entries.
"""

from __future__ import annotations

import threading
import time

from typing import Any

from cachetools import TTLCache

from booster_lsp.errors import CacheError


CacheKey = tuple[str, str, str, str, str]


def cache_key(fingerprint: str, operation: str, language: str, code: str, options: str) -> CacheKey:
    """The parts themselves, not a digest of them: a dict hashes a string once per string
    object (the language server asks with the same document text again and again) and
    compares texts on a hit, so a key is exact and costs ~5 us where a blake2b of a 12 KB
    text took ~50 us of every cache miss. An entry holds its input text besides the output
    it already held."""
    return (fingerprint, operation, language, options, code)


class ResultCache:
    def __init__(self, max_entries: int, ttl_s: float) -> None:
        self._lock = threading.Lock()
        try:
            self._entries: TTLCache[CacheKey, Any] = TTLCache(maxsize=max_entries, ttl=max(ttl_s, 0.001), timer=time.monotonic)
        except (TypeError, ValueError) as exc:
            raise CacheError(f"cannot create result cache: {exc}") from exc

    def get(self, key: CacheKey) -> Any | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: CacheKey, value: Any) -> None:
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
