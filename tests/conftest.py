"""Shared fixtures: one booster per session on the real modules in wasm/modules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from booster_lsp import BoosterConfig, WASMBooster
from tests.llm.anthropic_fake import FakeAnthropic

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tests" / "tools"
STDLIB = Path(subprocess.check_output(["python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], text=True).strip())


@pytest.fixture(scope="session")
def booster() -> WASMBooster:
    """A booster without a persisted stats file, with the cache off so every call runs a module."""
    return WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)


@pytest.fixture(scope="session")
def cached_booster() -> WASMBooster:
    return WASMBooster(BoosterConfig(), stats_path=None)


@pytest.fixture(scope="session")
def fake_anthropic():
    """One local fake of the Anthropic Messages API for the session (the LLM, CLI and LSP
    tests); each test resets it with the answers it needs."""
    fake = FakeAnthropic().start()
    yield fake
    fake.stop()


def require_tool(path: Path | str, how: str) -> str:
    """A peer the test compares against. Missing peers fail the test, loudly: no silent skip."""
    found = shutil.which(str(path)) if not Path(path).is_absolute() else (str(path) if Path(path).exists() else None)
    if not found:
        pytest.fail(f"{path} is needed by this test; set it up with: {how}")
    return found
