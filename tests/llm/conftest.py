from __future__ import annotations

import pytest

from booster_lsp import BoosterConfig, WASMBooster
from tests.llm.anthropic_fake import FakeAnthropic

KEY_ENV = "BOOSTER_TEST_ANTHROPIC_KEY"
KEY = "sk-test-never-shown-0123456789"
MODEL = "claude-test-model"


@pytest.fixture
def fake(fake_anthropic: FakeAnthropic) -> FakeAnthropic:
    fake_anthropic.reset()
    return fake_anthropic


def llm_config(fake: FakeAnthropic, **llm: object) -> BoosterConfig:
    settings = {"model": MODEL, "api_key_env": KEY_ENV, "base_url": fake.url, "timeout_s": 5.0, "max_retries": 2, **llm}
    return BoosterConfig(cache_enabled=False, native_tools=False, llm=settings)


@pytest.fixture
def llm_booster(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> WASMBooster:
    """A booster whose LLM is the fake server, with rustfmt disabled (the 'no module' case)."""
    monkeypatch.setenv(KEY_ENV, KEY)
    booster = WASMBooster(llm_config(fake), stats_path=None)
    yield booster
    booster.llm.close()
