"""`llm.max_tokens_per_hour`: a sliding one-hour window of tokens spent (in + out)."""

from __future__ import annotations

import threading
import time
from collections import deque

from booster_lsp.errors import TransformationError

WINDOW_S = 3600.0


class TokenBudget:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._spent: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    def used(self) -> int:
        with self._lock:
            self._expire()
            return sum(tokens for _, tokens in self._spent)

    def check(self, limit: int | None, estimated: int) -> None:
        """Refuse a request when the hour's spending plus its estimate would pass ``limit``."""
        if limit is None:
            return
        used = self.used()
        if used + estimated > limit:
            raise TransformationError(
                f"LLM token budget reached: {used} of {limit} tokens used in the last hour and this request needs "
                f"about {estimated} (setting llm.max_tokens_per_hour)",
                kind="llm",
            )

    def charge(self, tokens: int) -> None:
        with self._lock:
            self._spent.append((self._clock(), tokens))

    def _expire(self) -> None:
        horizon = self._clock() - WINDOW_S
        while self._spent and self._spent[0][0] < horizon:
            self._spent.popleft()


def estimate_tokens(*texts: str) -> int:
    """A rough count (4 characters a token) used only for the budget check."""
    return sum(len(text) for text in texts) // 4 + 1
