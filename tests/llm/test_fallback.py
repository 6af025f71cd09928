"""The LLM slow path end to end: the real `anthropic` SDK against a local fake Messages API."""

from __future__ import annotations

import threading
import time

import pytest

from booster_lsp import WASMBooster
from booster_lsp.core.operations import BoosterOperation
from booster_lsp.core.router import OperationOutput
from booster_lsp.errors import TransformationError
from tests.llm.anthropic_fake import FakeAnthropic, Reply, answer, error
from tests.llm.conftest import KEY, KEY_ENV, MODEL, llm_config

pytestmark = pytest.mark.llm

UGLY = 'fn main(){let x=1;println!("{}",x);}\n'
PRETTY = 'fn main() {\n    let x = 1;\n    println!("{}", x);\n}\n'


def test_format_rust_without_module_uses_the_llm(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(answer(PRETTY.rstrip("\n")))
    result = llm_booster.transform_sync(UGLY, "format", "rust", path="src/main.rs")
    assert result.success, result.error
    assert result.transformed_code == PRETTY
    assert (result.used_wasm, result.provider, result.tokens_in, result.tokens_out) == (False, f"llm:{MODEL}", 11, 22)
    assert result.error == "no module formats rust"  # the spec: why it fell back
    assert result.execution_time_ms > 0
    [sent] = fake.requests
    assert sent.path == "/v1/messages"
    # this SDK version sends the key as a bearer token; older ones as x-api-key
    assert (sent.headers.get("x-api-key") or sent.headers["authorization"].removeprefix("Bearer ")) == KEY
    assert sent.body["model"] == MODEL and sent.body["max_tokens"] == 4096
    assert UGLY.strip() in sent.prompt and "Rust" in sent.prompt
    assert KEY not in result.model_dump_json()
    stats = llm_booster.get_statistics()
    assert (stats.llm_fallbacks, stats.llm_tokens_in, stats.llm_tokens_out) == (1, 11, 22)
    assert stats.llm_latency["format"].count == 1


def test_measured_llm_latency_replaces_the_baseline(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(answer(PRETTY))
    llm_booster.transform_sync(UGLY, "format", "rust")
    measured = llm_booster.stats.baseline("format")
    assert measured == llm_booster.get_statistics().llm_latency["format"].mean_ms or abs(measured - llm_booster.get_statistics().llm_latency["format"].mean_ms) < 0.01
    assert measured < 5000.0  # the configured estimate is no longer used


def test_answer_without_code_block_is_rejected(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(Reply(text="Sure! The code is already well formatted."))
    result = llm_booster.transform_sync(UGLY, "format", "rust")
    assert not result.success and result.transformed_code == UGLY
    assert (result.error, result.error_kind) == ("LLM answer rejected: the answer has no code block", "llm")
    assert llm_booster.get_statistics().failures == 1


def test_fenced_answer_is_accepted(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(Reply(text=f"Formatted:\n\n```rust\n{PRETTY}```\n"))
    result = llm_booster.transform_sync(UGLY, "format", "rust")
    assert result.success and result.transformed_code == PRETTY


def test_answer_that_does_not_parse_is_rejected(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(answer('fn main() {\n    let x = 1;\n    println!("{}", x);\n'))
    result = llm_booster.transform_sync(UGLY, "format", "rust")
    assert not result.success and result.error_kind == "llm"
    assert result.error.startswith("LLM answer rejected: it does not parse")


def test_format_answer_that_changes_code_is_rejected(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(answer('fn main() {\n    let y = 1;\n    println!("{}", y);\n}'))
    result = llm_booster.transform_sync(UGLY, "format", "rust")
    assert not result.success
    assert result.error == "LLM answer rejected: it changes more than formatting: token 7 changed from 'x' to 'y'"


def test_rate_limit_then_success_is_retried(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(error(429, "rate_limit_error", "slow down", **{"retry-after-ms": "5"}), answer(PRETTY))
    result = llm_booster.transform_sync(UGLY, "format", "rust")
    assert result.success and result.transformed_code == PRETTY
    assert len(fake.requests) == 2


def test_server_error_after_retries(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(*[error(500, "api_error", "boom", **{"retry-after-ms": "5"})] * 3)
    result = llm_booster.transform_sync(UGLY, "format", "rust")
    assert not result.success and result.error_kind == "llm"
    assert result.error == "LLM server error 500 after 2 retries: boom"
    assert len(fake.requests) == 3


def test_timeout(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(Reply(text="late", delay_s=3.0))
    result = llm_booster.transform_sync(UGLY, "format", "rust", llm={"timeout_s": 0.3, "max_retries": 0})
    assert not result.success
    assert result.error == "LLM request timed out after 0.3 s (setting llm.timeout_s)"
    assert result.execution_time_ms < 2500


def test_cancellation_mid_request(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(Reply(text="never read", delay_s=5.0))
    cancel = threading.Event()
    results = []
    worker = threading.Thread(target=lambda: results.append(
        llm_booster.transform_sync(UGLY, "format", "rust", _cancel=cancel)))
    worker.start()
    assert fake.wait_for_request()
    started = time.monotonic()
    cancel.set()
    worker.join(timeout=3)
    assert not worker.is_alive() and time.monotonic() - started < 1.0
    [result] = results
    assert (result.success, result.error, result.error_kind) == (False, "LLM request cancelled", "cancelled")


def test_excluded_file_is_never_sent(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    booster = WASMBooster(llm_config(fake, exclude=["secrets/**", "*.private.rs"]), stats_path=None)
    fake.reset(answer(PRETTY))
    for path in ("secrets/keys.rs", "/srv/app/src/db.private.rs"):
        result = booster.transform_sync(UGLY, "format", path=path)
        assert not result.success and result.error_kind == "unsupported"
        assert result.error == "no module formats rust; the file matches llm.exclude and is never sent to the LLM"
    assert fake.requests == []
    assert booster.transform_sync(UGLY, "format", path="src/main.rs").success  # not excluded
    assert len(fake.requests) == 1


def test_syntax_error_in_input_is_never_sent(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(answer(PRETTY))
    result = llm_booster.transform_sync("fn main() {\n    let x = ;\n}\n", "format", "rust")
    assert not result.success and result.error_kind == "syntax"
    assert result.error_location is not None and result.error_location.line == 2
    assert "never sent to the LLM" in result.error
    assert fake.requests == []


def test_without_key_the_llm_is_off(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    booster = WASMBooster(llm_config(fake), stats_path=None)
    result = booster.transform_sync(UGLY, "format", "rust")
    assert not result.success and result.error == "no module formats rust"
    assert fake.requests == []
    notice = booster.llm.missing_key_notice(booster.config)
    assert notice and KEY_ENV in notice
    assert booster.llm.missing_key_notice(booster.config) is None  # told once


def test_llm_not_requested(llm_booster: WASMBooster, fake: FakeAnthropic):
    result = llm_booster.transform_sync(UGLY, "format", "rust", _llm=False)
    assert not result.success and result.error == "no module formats rust"
    assert fake.requests == []


class _FailingModule:
    fingerprint = "failing"
    arguments = frozenset()

    def cache_options(self, request):
        return ""

    def run(self, request) -> OperationOutput:
        raise TransformationError("module gofmt trapped: unreachable", kind="module", module="wasm:gofmt@test")


GO_UGLY = "package main\nfunc main(){x:=1\n_=x}\n"
GO_PRETTY = "package main\n\nfunc main() {\n\tx := 1\n\t_ = x\n}\n"


def test_module_failure_falls_back_to_the_llm(llm_booster: WASMBooster, fake: FakeAnthropic):
    llm_booster._handlers[(BoosterOperation.FORMAT, "go")] = _FailingModule()
    fake.reset(answer(GO_PRETTY))
    result = llm_booster.transform_sync(GO_UGLY, "format", "go")
    assert result.success and not result.used_wasm and result.transformed_code == GO_PRETTY
    assert result.error == "module gofmt trapped: unreachable" and result.provider == f"llm:{MODEL}"


def test_disable_fallback_returns_the_module_error(llm_booster: WASMBooster, fake: FakeAnthropic):
    llm_booster._handlers[(BoosterOperation.FORMAT, "go")] = _FailingModule()
    result = llm_booster.transform_sync(GO_UGLY, "format", "go", fallback_to_llm=False)
    assert not result.success and result.error_kind == "module"
    assert result.error == "module gofmt trapped: unreachable"
    assert fake.requests == []


def test_token_budget(llm_booster: WASMBooster, fake: FakeAnthropic):
    fake.reset(answer(PRETTY), answer(PRETTY))
    budget = {"max_tokens_per_hour": 400}
    assert llm_booster.transform_sync(UGLY, "format", "rust", llm=budget).success  # 33 tokens spent
    llm_booster.llm.budget.charge(360)
    result = llm_booster.transform_sync(UGLY, "format", "rust", llm=budget)
    assert not result.success and result.error.startswith("LLM token budget reached: 393 of 400 tokens")
    assert len(fake.requests) == 1


def test_rename_suggestion_is_validated(llm_booster: WASMBooster, fake: FakeAnthropic):
    code = "fn area(w: u32, h: u32) -> u32 {\n    let x = w * h;\n    x\n}\n"
    renamed = "fn area(w: u32, h: u32) -> u32 {\n    let product = w * h;\n    product\n}\n"
    fake.reset(Reply(text=f"<booster-name>product</booster-name>\n<booster-code>\n{renamed}</booster-code>"))
    result = llm_booster.transform_sync(code, "rename", "rust", old_name="x", _llm="only")
    assert result.success and result.transformed_code == renamed
    fake.reset(Reply(text=f"<booster-name>product</booster-name>\n<booster-code>\n{renamed.replace('w * h', 'h * w')}</booster-code>"))
    bad = llm_booster.transform_sync(code, "rename", "rust", old_name="x", _llm="only")
    assert not bad.success and bad.error == "LLM answer rejected: 'w' became 'h', which is not the rename"


def test_simplify_selection_replaces_only_the_selection(llm_booster: WASMBooster, fake: FakeAnthropic):
    code = "def f(x):\n    if x == True:\n        return True\n    else:\n        return False\n"
    start = code.index("    if")
    fake.reset(answer("    return x == True"))
    result = llm_booster.transform_sync(code, "refactor_simple", "python", byte_range=(start, len(code)), _llm="only")
    assert result.success, result.error
    assert result.transformed_code == "def f(x):\n    return x == True\n"
    assert "<<<BOOSTER-SELECTION-START>>>" in fake.requests[0].prompt  # context, marked


def test_unknown_llm_argument_is_refused(llm_booster: WASMBooster, fake: FakeAnthropic):
    result = llm_booster.transform_sync(UGLY, "format", "rust", colour="blue")
    assert not result.success and result.error == "format does not take argument(s) colour"
    assert fake.requests == []


def test_lint_is_never_sent(llm_booster: WASMBooster, fake: FakeAnthropic):
    result = llm_booster.transform_sync("PROCEDURE DIVISION.\n", "lint", "cobol")
    assert not result.success and result.error == "no module performs lint for cobol"
    assert fake.requests == []
