"""Honest statistics: counts, per-operation latency (mean, p95), estimated time saved.

Time saved and speedup are estimates against a per-operation LLM baseline; once real LLM
calls have been timed in this process, their measured mean replaces the baseline.
Totals persist to a small JSON file (0600, per-user cache dir) so that `booster stats`
in a new process shows them. A corrupt file is reported and rebuilt.

Several processes share the file (editor sessions, `booster format` runs, a pre-commit hook
running them in parallel): each save adds what this process recorded since its last save to
what the file holds, under an exclusive lock of ``<file>.lock``, and takes the sum as its own
view. Replacing the file with this process's view lost the others' counts: six parallel
`booster format` runs counted one transformation.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

try:
    import fcntl
except ImportError:  # Windows: saves are not serialised (a concurrent save may lose a delta)
    fcntl = None  # type: ignore[assignment]

from booster_lsp.atomic_file import replace_file
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
        #: a long-lived process (the language server) saves in a thread of its own, never on
        #: the recording thread (see _maybe_save); others save there, at most once a second
        self.save_in_background = False
        self._save_wanted = threading.Event()
        self._saver_pid: int | None = None  # the process whose saver thread runs (a fork has none)
        self._synced: dict[str, Any] = self._as_data()  # the view as of the last load or save
        self._new_samples: dict[str, int] = {}  # samples recorded since then, per operation
        self._new_llm_samples: dict[str, int] = {}
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
            self._new_samples[operation] = self._new_samples.get(operation, 0) + 1
            saved = 0.0
            self._totals["llm_tokens_in"] += tokens_in
            self._totals["llm_tokens_out"] += tokens_out
            if not success:
                self._totals["failures"] += 1
            elif llm:
                self._totals["llm_fallbacks"] += 1
                self._llm_samples.setdefault(operation, deque(maxlen=SAMPLES_KEPT)).append(elapsed_ms)
                self._new_llm_samples[operation] = self._new_llm_samples.get(operation, 0) + 1
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
        """Zero, for every process sharing the file (``booster cache-clear --stats``)."""
        with self._lock:
            self._adopt(_empty())
            if self.path is not None:
                try:
                    with _locked(self.path):
                        _write(self.path, _empty())
                except OSError as exc:
                    log.warning("cannot save statistics to %s: %s", self.path, exc)
            self._dirty = False

    # ---------------------------------------------------------------- persistence
    def _load(self, path: Path) -> None:
        data = _read(path)
        if data is None:  # corrupt: rebuilt from zero at the next save
            self._dirty = True
            return
        self._adopt(data)

    def _maybe_save(self) -> None:
        """Save at most once a ``SAVE_INTERVAL_S``. With ``save_in_background``, the saver
        thread does it: a save (a file lock, a read, a write: ~1 ms) made one language-server
        request a second pay for it. What was recorded last is saved at exit (WASMBooster)."""
        if self.path is None:
            return
        if not self.save_in_background:
            if time.monotonic() - self._last_save >= SAVE_INTERVAL_S:
                self.save()
            return
        if self._save_wanted.is_set():
            return
        if self._saver_pid != os.getpid():
            with self._lock:
                if self._saver_pid != os.getpid():
                    self._saver_pid = os.getpid()
                    threading.Thread(target=self._save_periodically, name="booster-stats", daemon=True).start()
        self._save_wanted.set()

    def _save_periodically(self) -> None:
        while True:
            self._save_wanted.wait()
            time.sleep(max(0.0, self._last_save + SAVE_INTERVAL_S - time.monotonic()))
            self._save_wanted.clear()  # what is recorded from now on asks for the next save
            self.save()

    def save(self) -> None:
        """Add what was recorded since the last save to the file, and take the file's sum."""
        if self.path is None or not self._dirty:
            return
        with self._lock:  # records wait (~1 ms, once a second) rather than fall between the two
            self._last_save = time.monotonic()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                with _locked(self.path):
                    merged = _merge(_read(self.path) or _empty(), self._delta())
                    _write(self.path, merged)
            except OSError as exc:
                log.warning("cannot save statistics to %s: %s", self.path, exc)
                return
            self._adopt(merged)
            self._dirty = False

    def _as_data(self) -> dict[str, Any]:
        return {
            "totals": dict(self._totals),
            "time_saved_ms": self._time_saved_ms,
            "baseline_sum_ms": self._baseline_sum_ms,
            "actual_sum_ms": self._actual_sum_ms,
            "samples": {op: list(s) for op, s in self._samples.items()},
            "counts": dict(self._counts),
            "llm_samples": {op: list(s) for op, s in self._llm_samples.items()},
        }

    def _delta(self) -> dict[str, Any]:
        """What this process recorded since its view was last synced with the file."""
        now, then = self._as_data(), self._synced
        return {
            "totals": {k: v - then["totals"].get(k, 0) for k, v in now["totals"].items()},
            **{k: now[k] - then[k] for k in ("time_saved_ms", "baseline_sum_ms", "actual_sum_ms")},
            "samples": {op: now["samples"][op][-n:] for op, n in self._new_samples.items()},
            "counts": {op: n - then["counts"].get(op, 0) for op, n in now["counts"].items()},
            "llm_samples": {op: now["llm_samples"][op][-n:] for op, n in self._new_llm_samples.items()},
        }

    def _adopt(self, data: dict[str, Any]) -> None:
        """Make ``data`` (the file's shape) this process's view, synced."""
        for key in self._totals:
            self._totals[key] = int(data["totals"].get(key, 0))
        self._time_saved_ms = float(data["time_saved_ms"])
        self._baseline_sum_ms = float(data["baseline_sum_ms"])
        self._actual_sum_ms = float(data["actual_sum_ms"])
        self._samples = {op: deque(map(float, s), maxlen=SAMPLES_KEPT) for op, s in data["samples"].items()}
        self._counts = {op: int(n) for op, n in data["counts"].items()}
        self._llm_samples = {op: deque(map(float, s), maxlen=SAMPLES_KEPT)
                             for op, s in data.get("llm_samples", {}).items()}
        self._synced = self._as_data()
        self._new_samples.clear()
        self._new_llm_samples.clear()


def _empty() -> dict[str, Any]:
    return {"totals": {}, "time_saved_ms": 0.0, "baseline_sum_ms": 0.0, "actual_sum_ms": 0.0,
            "samples": {}, "counts": {}, "llm_samples": {}}


def _merge(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    merged = _empty()
    for field in ("totals", "counts"):
        for key in base[field].keys() | delta[field].keys():
            merged[field][key] = base[field].get(key, 0) + delta[field].get(key, 0)
    for field in ("time_saved_ms", "baseline_sum_ms", "actual_sum_ms"):
        merged[field] = base[field] + delta[field]
    for field in ("samples", "llm_samples"):
        for op in base[field].keys() | delta[field].keys():
            merged[field][op] = (list(base[field].get(op, [])) + list(delta[field].get(op, [])))[-SAMPLES_KEPT:]
    return merged


def _read(path: Path) -> dict[str, Any] | None:
    """The file's statistics (all zero when there is no file); None, with a warning, when it
    holds something else."""
    if not path.exists():
        return _empty()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        checked = _empty()
        checked["totals"] = {str(k): int(v) for k, v in data["totals"].items()}
        for field in ("time_saved_ms", "baseline_sum_ms", "actual_sum_ms"):
            checked[field] = float(data[field])
        checked["counts"] = {str(op): int(n) for op, n in data["counts"].items()}
        for field in ("samples", "llm_samples"):
            checked[field] = {str(op): [float(x) for x in samples] for op, samples in data.get(field, {}).items()}
        return checked
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # any shape: rebuilt
        log.warning("statistics file %s is corrupt (%s); starting from zero", path, exc)
        return None


def _write(path: Path, data: dict[str, Any]) -> None:
    replace_file(path, json.dumps(data).encode("utf-8"))  # 0600


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock of ``<path>.lock`` between processes (none where fcntl is missing)."""
    if fcntl is None:
        yield
        return
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
