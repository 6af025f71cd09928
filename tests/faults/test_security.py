"""Security of the persistent files and of the LLM data policy."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.core.stats import StatsRecorder
from booster_lsp.wasm.artifacts import user_cache_dir

pytestmark = pytest.mark.unit


def test_cache_dir_stats_and_artifacts_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOOSTER_CACHE_DIR", str(tmp_path / "cache"))
    directory = user_cache_dir()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    booster = WASMBooster(BoosterConfig(), runtime=None)
    assert booster.stats.path == directory / "stats.json"
    booster.transform_sync("x  =  1\n", "format", "python")
    booster.stats.save()
    assert stat.S_IMODE((directory / "stats.json").stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [b"{not json", b'{"totals": 3}', b"\xff\xfe", b""])
def test_a_corrupt_stats_file_is_rebuilt_with_a_warning(tmp_path: Path, content: bytes,
                                                       caplog: pytest.LogCaptureFixture):
    path = tmp_path / "stats.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="booster_lsp.core.stats"):
        recorder = StatsRecorder({}, path)
    assert "is corrupt" in caplog.text and "starting from zero" in caplog.text
    assert recorder.snapshot().total_transformations == 0
    recorder.record("format", 1.0, success=True, used_wasm=True, cache_hit=False, llm=False)
    recorder.save()
    assert json.loads(path.read_text())["totals"]["total_transformations"] == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_api_key_never_reaches_the_logs(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    secret = "sk-ant-test-0123456789abcdef"
    monkeypatch.setenv("BOOSTER_TEST_KEY", secret)
    config = BoosterConfig(native_tools=False, llm={"api_key_env": "BOOSTER_TEST_KEY", "base_url": "http://127.0.0.1:9",
                                                    "timeout_s": 0.5, "max_retries": 0})
    booster = WASMBooster(config, stats_path=None)
    with caplog.at_level(logging.DEBUG):
        result = booster.transform_sync("fn main(){}\n", "format", "rust")  # no module: the LLM
        booster.llm.client(config.llm)
    assert not result.success  # nothing listens on port 9
    assert secret not in caplog.text and secret not in (result.error or "")
    assert "LLM" in (result.error or "") or "llm" in (result.provider or "")


def test_excluded_files_are_never_sent(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOOSTER_TEST_KEY", "k")
    config = BoosterConfig(native_tools=False, llm={"api_key_env": "BOOSTER_TEST_KEY", "exclude": ["secrets/**"]})
    booster = WASMBooster(config, stats_path=None)
    sent = []
    monkeypatch.setattr(booster.llm, "client", lambda settings: sent.append(settings))
    result = booster.transform_sync("fn main(){}\n", "format", path="secrets/main.rs")
    assert not result.success and "llm.exclude" in result.error and sent == []
