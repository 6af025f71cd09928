"""Quarantine: a module that fails ``quarantine_after`` times in a row rests for ``quarantine_s``.

Keyed by the handler's fingerprint (the sha256 of the module(s) it runs), named by the module
in the error. Failures of the module itself count (trap, deadline, memory cap, bad buffer,
output that does not verify); syntax errors in the user's input never do; one success resets
the count. The deadline or the memory cap running out counts only until the module has once
succeeded: after that it is the input that is too big for the limits (a 50,000-line generated
file saved again and again), and quarantining the module would stop the formatting of every
other file for ``quarantine_s``; each such request still fails on its own, with its reason. While a module rests, its requests fail at once (or go to the LLM where allowed).
Tripping queues exactly one notice (a module that fails again after its cool-off rests again,
silently) for the user; front ends drain it with
``WASMBooster.take_notices()`` (the LSP shows it with ``window/showMessage``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable


@dataclass
class _Record:
    name: str
    failures: int = 0
    until: float = 0.0  # monotonic time the cool-off ends; 0: not quarantined
    last_error: str = ""
    announced: bool = False  # one notice per run of failures, not one per cool-off


class Quarantine:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()
        self._notices: deque[str] = deque(maxlen=32)
        self._proven: set[str] = set()  # modules that have succeeded at least once

    def blocked(self, key: str) -> str | None:
        """Why requests for ``key`` may not run now, or None."""
        with self._lock:
            record = self._records.get(key)
            if record is None or not record.until:
                return None
            left = record.until - self._clock()
            if left <= 0:  # cool-off over: one more chance (a failure trips it again at once)
                record.until = 0.0
                return None
            return (
                f"module {record.name} is quarantined for another {math.ceil(left)} s after "
                f"{record.failures} failures in a row (last: {record.last_error})"
            )

    def failed(self, key: str, name: str, message: str, after: int, seconds: float, *, limit: bool = False) -> None:
        """A failure of the module ``key``; ``limit``: the deadline or the memory cap ran out."""
        if after <= 0:
            return
        with self._lock:
            if limit and key in self._proven:
                return
            record = self._records.setdefault(key, _Record(name))
            record.name, record.last_error = name, message
            record.failures += 1
            if record.failures >= after and not record.until:
                record.until = self._clock() + seconds
                if record.announced:
                    return
                record.announced = True
                self._notices.append(
                    f"booster: module {name} failed {record.failures} times in a row and is quarantined for "
                    f"{seconds:g} s; last error: {message}"
                )

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)
            self._proven.add(key)

    def take_notices(self) -> list[str]:
        with self._lock:
            notices = list(self._notices)
            self._notices.clear()
            return notices
