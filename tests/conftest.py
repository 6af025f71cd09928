"""Shared fixtures: one booster per session on the real modules in wasm/modules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from booster_lsp import BoosterConfig, WASMBooster
from tests.llm.anthropic_fake import FakeAnthropic

def pytest_configure(config: pytest.Config) -> None:
    """Every booster of the test run, in process or spawned, keeps its statistics, formatted
    files and start-up caches in a cache dir of the run's own (BOOSTER_CACHE_DIR), sharing
    only the user's compiled modules: a test that compares statistics before and after must
    not see another process's records merged in (stats.py), and tests must not count in the
    user's statistics."""
    import os
    import tempfile

    import platformdirs

    real = Path(os.environ.get("BOOSTER_CACHE_DIR") or platformdirs.user_cache_dir("booster-lsp"))
    (real / "compiled").mkdir(parents=True, exist_ok=True, mode=0o700)
    run_cache = Path(tempfile.mkdtemp(prefix="booster-tests-cache-"))
    (run_cache / "compiled").symlink_to(real / "compiled", target_is_directory=True)
    os.environ["BOOSTER_CACHE_DIR"] = str(run_cache)
    config.stash[RUN_CACHE] = run_cache


def pytest_unconfigure(config: pytest.Config) -> None:
    run_cache = config.stash.get(RUN_CACHE, None)
    if run_cache is not None:
        shutil.rmtree(run_cache, ignore_errors=True)


RUN_CACHE = pytest.StashKey[Path]()
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
