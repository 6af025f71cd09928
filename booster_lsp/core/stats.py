"""Honest statistics: counts, per-operation latency (mean, p95), estimated time saved.

Time saved and speedup are estimates against a per-operation LLM baseline; once real LLM
calls have been timed in this process, their measured mean replaces the baseline.
Totals persist to a small JSON file (0600, per-user cache dir) so that `booster stats`
in a new process shows them. A corrupt file is reported and rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

from booster_lsp.core.operations import BoosterStats, OperationStats

log = logging.getLogger(__name__)

SAMPLES_KEPT = 500
SAVE_INTERVAL_S = 1.0


class StatsRecorder:
    def __init__(self, baselines_ms: dict[str, float], path: Path | None) -> None:
        self.baselines_ms = dict(baselines_ms)
        self.path = path
        self._lock = threading.Lock()
        self._totals = {"total_transformations": 0, "wasm_hits": 0, "llm_fallbacks": 0, "cache_hits": 0, "failures": 0,
                        "llm_tokens_in": 0, "llm_tokens_out": 0}
        self._time_saved_ms = 0.0
        self._baseline_sum_ms = 0.0  # LLM time the successful fast-path results would have cost
        self._actual_sum_ms = 0.0
        self._samples: dict[str, deque[float]] = {}
        self._counts: dict[str, int] = {}
        self._llm_samples: dict[str, deque[float]] = {}
        self._last_save = 0.0
        self._dirty = False
        if path is not None:
            self._load(path)

    def baseline(self, operation: str) -> float:
        measured = self._llm_samples.get(operation)
        if measured:
            return sum(measured) / len(measured)
        return self.baselines_ms.get(operation, 5000.0)

    def record(self, operation: str, elapsed_ms: float, *, success: bool, used_wasm: bool, cache_hit: bool, llm: bool,
               tokens_in: int = 0, tokens_out: int = 0) -> float:
        """Record one transformation; returns the estimated time saved for it."""
        with self._lock:
            self._totals["total_transformations"] += 1
            self._counts[operation] = self._counts.get(operation, 0) + 1
            self._samples.setdefault(operation, deque(maxlen=SAMPLES_KEPT)).append(elapsed_ms)
            saved = 0.0
            self._totals["llm_tokens_in"] += tokens_in
            self._totals["llm_tokens_out"] += tokens_out
            if not success:
                self._totals["failures"] += 1
            elif llm:
                self._totals["llm_fallbacks"] += 1
                self._llm_samples.setdefault(operation, deque(maxlen=SAMPLES_KEPT)).append(elapsed_ms)
            else:
                if cache_hit:
                    self._totals["cache_hits"] += 1
                elif used_wasm:
                    self._totals["wasm_hits"] += 1
                baseline = self.baseline(operation)
                saved = max(0.0, baseline - elapsed_ms)
                self._time_saved_ms += saved
                self._baseline_sum_ms += baseline
                self._actual_sum_ms += elapsed_ms
            self._dirty = True
        self._maybe_save()
        return saved

    def snapshot(self) -> BoosterStats:
        with self._lock:
            per_op = {}
            for operation, samples in self._samples.items():
                ordered = sorted(samples)
                p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else 0.0
                per_op[operation] = OperationStats(
                    count=self._counts.get(operation, len(samples)),
                    mean_ms=round(sum(samples) / len(samples), 3) if samples else 0.0,
                    p95_ms=round(p95, 3),
                )
            llm_latency = {
                operation: OperationStats(count=len(samples), mean_ms=round(sum(samples) / len(samples), 3),
                                          p95_ms=round(sorted(samples)[int(round(0.95 * (len(samples) - 1)))], 3))
                for operation, samples in self._llm_samples.items() if samples
            }
            speedup = self._baseline_sum_ms / self._actual_sum_ms if self._actual_sum_ms > 0 else 0.0
            return BoosterStats(
                **self._totals,
                total_time_saved_ms=round(self._time_saved_ms, 1),
                avg_speedup=round(speedup, 1),
                operation_stats=per_op,
                llm_latency=llm_latency,
                estimated=not self._llm_samples,
            )

    def reset(self) -> None:
        with self._lock:
            for key in self._totals:
                self._totals[key] = 0
            self._time_saved_ms = self._baseline_sum_ms = self._actual_sum_ms = 0.0
            self._samples.clear()
            self._counts.clear()
            self._llm_samples.clear()
            self._dirty = True
        self.save()

    # ---------------------------------------------------------------- persistence
    def _load(self, path: Path) -> None:
        if not path.exists():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for key in self._totals:
                self._totals[key] = int(data["totals"].get(key, 0))
            self._time_saved_ms = float(data["time_saved_ms"])
            self._baseline_sum_ms = float(data["baseline_sum_ms"])
            self._actual_sum_ms = float(data["actual_sum_ms"])
            for operation, samples in data["samples"].items():
                self._samples[operation] = deque((float(s) for s in samples), maxlen=SAMPLES_KEPT)
            self._counts = {op: int(n) for op, n in data["counts"].items()}
            for operation, samples in data.get("llm_samples", {}).items():
                self._llm_samples[operation] = deque((float(s) for s in samples), maxlen=SAMPLES_KEPT)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # any shape: rebuilt
            log.warning("statistics file %s is corrupt (%s); starting from zero", path, exc)
            self.__init__(self.baselines_ms, None)  # type: ignore[misc]
            self.path = path
            self._dirty = True

    def _maybe_save(self) -> None:
        if self.path is not None and time.monotonic() - self._last_save >= SAVE_INTERVAL_S:
            self.save()

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        with self._lock:
            data = {
                "totals": self._totals,
                "time_saved_ms": self._time_saved_ms,
                "baseline_sum_ms": self._baseline_sum_ms,
                "actual_sum_ms": self._actual_sum_ms,
                "samples": {op: list(s)[-100:] for op, s in self._samples.items()},
                "counts": self._counts,
                "llm_samples": {op: list(s)[-100:] for op, s in self._llm_samples.items()},
            }
            self._dirty = False
            self._last_save = time.monotonic()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")  # 0600
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("cannot save statistics to %s: %s", self.path, exc)
