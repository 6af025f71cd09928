"""`booster format --llm`: files no module formats go to the LLM only after a yes (or --yes).

The LLM is a local fake of the Anthropic Messages API (tests/llm/anthropic_fake.py); rustfmt is
switched off with BOOSTER_NATIVE_TOOLS=false so Rust has no formatter here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_format_cli import booster, env  # noqa: F401 - the private-cache fixture
from tests.llm.anthropic_fake import FakeAnthropic, answer

pytestmark = [pytest.mark.cli, pytest.mark.llm]

UGLY = 'fn main(){let x=1;println!("{}",x);}\n'
PRETTY = 'fn main() {\n    let x = 1;\n    println!("{}", x);\n}\n'


@pytest.fixture()
def llm_env(env, fake_anthropic: FakeAnthropic):  # noqa: F811
    fake_anthropic.reset(answer(PRETTY))
    return {**env, "BOOSTER_NATIVE_TOOLS": "false", "BOOSTER_LLM__BASE_URL": fake_anthropic.url,
            "BOOSTER_LLM__MODEL": "claude-test-model", "BOOSTER_LLM__API_KEY_ENV": "BOOSTER_TEST_KEY",
            "BOOSTER_TEST_KEY": "sk-test-cli", "BOOSTER_LLM__MAX_RETRIES": "0"}


@pytest.fixture()
def rust_file(tmp_path: Path) -> Path:
    path = tmp_path / "main.rs"
    path.write_text(UGLY)
    return path


def test_llm_asks_and_no_sends_nothing(rust_file: Path, llm_env, fake_anthropic: FakeAnthropic):
    done = booster("format", "--llm", str(rust_file), env=llm_env, stdin="n\n")
    assert done.returncode == 2
    assert f"no module formats {rust_file}: would send 1 file(s) to claude-test-model at {fake_anthropic.url}" in done.stderr
    assert "Send to the LLM? [y/N]" in done.stderr
    assert "not confirmed: nothing was sent to the LLM" in done.stderr
    assert fake_anthropic.requests == [] and rust_file.read_text() == UGLY


def test_llm_asks_and_yes_formats_and_names_the_provider(rust_file: Path, llm_env, fake_anthropic: FakeAnthropic):
    done = booster("format", "--llm", str(rust_file), env=llm_env, stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert rust_file.read_text() == PRETTY
    assert f"{rust_file}: changed by llm:claude-test-model" in done.stderr
    assert len(fake_anthropic.requests) == 1


def test_yes_skips_the_question(rust_file: Path, llm_env, fake_anthropic: FakeAnthropic):
    done = booster("format", "--llm", "--yes", str(rust_file), env=llm_env)
    assert done.returncode == 0, done.stderr
    assert "Send to the LLM?" not in done.stderr and rust_file.read_text() == PRETTY


def test_stdin_with_llm_and_yes(llm_env, fake_anthropic: FakeAnthropic):
    done = booster("format", "--llm", "--yes", "-", "--stdin-filename", "main.rs", env=llm_env, stdin=UGLY)
    assert done.returncode == 0, done.stderr
    assert done.stdout == PRETTY and "main.rs: formatted by llm:claude-test-model" in done.stderr


def test_without_llm_flag_nothing_is_sent(rust_file: Path, llm_env, fake_anthropic: FakeAnthropic):
    done = booster("format", str(rust_file), env=llm_env)
    assert done.returncode == 2
    assert f"{rust_file}: no module formats rust" in done.stderr
    assert fake_anthropic.requests == [] and rust_file.read_text() == UGLY
