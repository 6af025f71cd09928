"""Statistics shared by several processes through one file (core/stats.py)."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from booster_lsp.core.stats import StatsRecorder

pytestmark = pytest.mark.unit

BASELINES = {"format": 1000.0}


def record(recorder: StatsRecorder, n: int, elapsed_ms: float = 2.0) -> None:
    for _ in range(n):
        recorder.record("format", elapsed_ms, success=True, used_wasm=True, cache_hit=False, llm=False)


def test_two_recorders_of_one_file_add_up_instead_of_overwriting_each_other(tmp_path):
    path = tmp_path / "stats.json"
    first, second = StatsRecorder(BASELINES, path), StatsRecorder(BASELINES, path)  # both load an empty file
    record(first, 3)
    record(second, 2, elapsed_ms=4.0)
    first.save()
    second.save()
    record(first, 1)
    first.save()
    saved = json.loads(path.read_text())
    assert saved["totals"]["total_transformations"] == 6 and saved["counts"] == {"format": 6}
    assert sorted(saved["samples"]["format"]) == [2.0] * 4 + [4.0] * 2
    assert saved["actual_sum_ms"] == pytest.approx(16.0)
    # each process's view is the sum as of its last save
    assert first.snapshot().total_transformations == 6
    assert second.snapshot().total_transformations == 5
    assert StatsRecorder(BASELINES, path).snapshot().operation_stats["format"].count == 6


def test_reset_zeroes_the_file_for_every_recorder(tmp_path):
    path = tmp_path / "stats.json"
    first, second = StatsRecorder(BASELINES, path), StatsRecorder(BASELINES, path)
    record(first, 3)
    first.save()
    second.reset()
    record(first, 1)
    first.save()  # adds its one new record to the zeroed file, not its earlier three
    assert json.loads(path.read_text())["totals"]["total_transformations"] == 1


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_language_servers_records_are_saved_by_a_thread_of_their_own_without_blocking_the_recorder(tmp_path):
    """Another process holding the file's lock (a `booster format` saving) must not hold up a
    recording thread (a language-server request): the save waits, the record does not."""
    fcntl = pytest.importorskip("fcntl")  # the lock between processes: POSIX only
    path = tmp_path / "stats.json"
    recorder = StatsRecorder(BASELINES, path)
    recorder.save_in_background = True  # as the language server's (lsp/startup.py)
    holder = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        recording = threading.Thread(target=record, args=(recorder, 3))
        recording.start()
        recording.join(timeout=5)
        assert not recording.is_alive(), "record() waited for the file lock"
        assert not path.exists()
    finally:
        os.close(holder)  # releases the lock: the saver goes on
    assert wait_for(lambda: path.exists() and json.loads(path.read_text())["totals"]["total_transformations"] == 3)
    record(recorder, 2)  # saved again, within a save interval, without an explicit save()
    assert wait_for(lambda: json.loads(path.read_text())["totals"]["total_transformations"] == 5)
