"""Contained faults: each bad module gives a clear error naming it, its instance is
recycled, other languages keep working, and a module that keeps failing is quarantined
with one notice. (Deadline / memory / trap / wrong-ABI basics: tests/wasm/test_sandbox.py.)"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import wasmtime

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.errors import TransformationError, WASMModuleNotFound
from booster_lsp.wasm import runtime as runtime_module
from booster_lsp.wasm.artifacts import CompiledModuleCache
from booster_lsp.wasm.runtime import Limits, WasmRuntime
from tests.conftest import STDLIB
from tests.faults.modules import BAD, MODULES, make_wasm_dir, plain

pytestmark = pytest.mark.wasm


@pytest.fixture(scope="module")
def booster(tmp_path_factory: pytest.TempPathFactory) -> WASMBooster:
    wasm_dir = make_wasm_dir(tmp_path_factory.mktemp("bad"), {f"bad_{n}": (wat, [f"bad-{n}"]) for n, wat in BAD.items()})
    config = BoosterConfig(wasm_dir=str(wasm_dir), deadline_ms=200, memory_limit_mb=16, cache_enabled=False,
                           fallback_to_llm=False, quarantine_after=0)
    return WASMBooster(config, stats_path=None)


def still_works(booster: WASMBooster) -> None:
    python = booster.transform_sync("x  =  1", "format", "python")
    assert python.success and python.transformed_code == "x = 1\n"
    go = booster.transform_sync("package main\nfunc  main(){}\n", "format", "go")
    assert go.success and go.transformed_code == "package main\n\nfunc main() {}\n"


EXPECTED = {
    "loop": "module bad_loop exceeded its deadline of 200 ms",
    "memory": "module bad_memory exceeded its memory limit of 16 MiB",
    "trap": "module bad_trap failed twice: module bad_trap trapped:",
    "huge_claim": "module bad_huge_claim failed twice: module bad_huge_claim returned a buffer of 2147483647 bytes; "
                  "refused (outputs are limited to 64 MiB)",
    "negative_len": "module bad_negative_len failed twice: module bad_negative_len returned a buffer of -1 bytes; refused",
    "out_of_bounds": "module bad_out_of_bounds failed twice: module bad_out_of_bounds returned an out-of-bounds buffer "
                     "(65000+4096)",
    "bad_code": "module bad_bad_code failed twice: bad_bad_code returned unknown format code 7",
    "wrong_abi": "module bad_wrong_abi does not have the plain-exports ABI (missing dispose, format, output_len, "
                 "output_ptr)",
    "foreign_import": "module bad_foreign_import could not be instantiated: unknown import: `env::open`",
    "wasi_probe": "module bad_wasi_probe could not be instantiated: unknown import: `wasi_snapshot_preview1::",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_module_gives_a_clear_error_and_the_rest_keeps_working(booster: WASMBooster, name: str):
    for _ in range(2):  # the same verdict on a fresh instance: nothing is left broken in the pool
        result = booster.transform_sync("anything\n", "format", f"bad-{name}")
        assert not result.success, name
        assert result.error.startswith(EXPECTED[name]), result.error
        assert result.transformed_code == "anything\n"  # never a partial edit
        assert result.error_kind == "module"
        still_works(booster)


def test_not_utf8_output_is_refused(booster: WASMBooster):
    result = booster.transform_sync("anything\n", "format", "bad-not_utf8")
    assert not result.success and "utf-8" in result.error.lower()
    still_works(booster)


def test_broken_instances_are_recycled(booster: WASMBooster):
    provider = booster.format_provider("bad-trap")
    before = provider.pool.discarded
    booster.transform_sync("anything\n", "format", "bad-trap")
    assert provider.pool.discarded == before + 2  # the first instance and the retry's


def test_real_output_above_the_cap_is_refused_without_copying(monkeypatch: pytest.MonkeyPatch):
    """A module with 2 MiB of memory answering 1.5 MiB, under a 1 MiB cap."""
    monkeypatch.setattr(runtime_module, "MAX_OUTPUT_BYTES", 1024 * 1024)
    runtime = WasmRuntime()
    module = runtime.module_from_wat("big", plain("(i32.const 1)", out_len="(i32.const 1572864)", out_ptr=0, pages=32))
    sandbox = module.instantiate(Limits())
    reads = []
    monkeypatch.setattr(wasmtime.Memory, "read", lambda *args: reads.append(args))
    with pytest.raises(TransformationError, match="returned a buffer of 1572864 bytes; refused"):
        sandbox.read(sandbox.call("output_ptr"), sandbox.call("output_len"))
    assert reads == [] and sandbox.broken


def test_wasi_modules_cannot_open_files_or_read_the_environment():
    """Under WASI (as our syntax module runs) the probe gets no variables and EBADF for
    path_open on fd 3: there are no preopened directories."""
    runtime = WasmRuntime()
    sandbox = runtime.module_from_wat("probe", BAD["wasi_probe"]).instantiate(Limits(), wasi=True)
    assert sandbox.call("format") == 2
    env_count, errno = sandbox.read(2048, 3).decode().split(" ")
    assert env_count == "0"
    assert int(errno) == 8  # EBADF


def test_a_truncated_module_file_is_refused(tmp_path: Path):
    data = (MODULES / "gofmt.wasm").read_bytes()
    (tmp_path / "gofmt.wasm").write_bytes(data[: len(data) // 2])
    booster = WASMBooster(BoosterConfig(wasm_dir=str(tmp_path)), stats_path=None)
    with pytest.raises(WASMModuleNotFound, match="does not match its pinned sha256"):
        booster.transform_sync("package main\n", "format", "go")


def test_a_module_replaced_after_loading_is_refused_on_the_next_load(tmp_path: Path):
    shutil.copy(MODULES / "gofmt.wasm", tmp_path / "gofmt.wasm")
    first = WASMBooster(BoosterConfig(wasm_dir=str(tmp_path)), stats_path=None)
    assert first.transform_sync("package main\n", "format", "go").success
    (tmp_path / "gofmt.wasm").write_bytes(b"\0asm\1\0\0\0")
    second = WASMBooster(BoosterConfig(wasm_dir=str(tmp_path)), stats_path=None)
    with pytest.raises(WASMModuleNotFound, match="corrupt or replaced"):
        second.transform_sync("package main\n", "format", "go")


def test_a_corrupt_compiled_artifact_is_rebuilt_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    engine = WasmRuntime().engine
    binary = wasmtime.wat2wasm(plain())
    first = CompiledModuleCache(engine, tmp_path)
    first.load(binary, "sha-of-test")
    (artifact,) = tmp_path.glob("*.cwasm")
    assert artifact.stat().st_mode & 0o777 == 0o600
    artifact.write_bytes(artifact.read_bytes()[:100] + b"garbage" * 10)
    second = CompiledModuleCache(engine, tmp_path)
    with caplog.at_level(logging.WARNING, logger="booster_lsp.wasm.artifacts"):
        module = second.load(binary, "sha-of-test")
    assert second.compiled_count == 1
    assert "is unusable" in caplog.text and "recompiling" in caplog.text
    assert {e.name for e in module.exports} >= {"format", "alloc"}
    third = CompiledModuleCache(engine, tmp_path)  # the rebuilt artifact is good again
    third.load(binary, "sha-of-test")
    assert third.compiled_count == 0


# ---------------------------------------------------------------------------------- quarantine
@pytest.fixture()
def quarantine_booster(tmp_path: Path) -> WASMBooster:
    wasm_dir = make_wasm_dir(tmp_path, {"bad_trap": (BAD["trap"], ["bad-trap"]),
                                        "bad_loop": (BAD["loop"], ["bad-loop"])})
    config = BoosterConfig(wasm_dir=str(wasm_dir), deadline_ms=50, cache_enabled=False, fallback_to_llm=False,
                           quarantine_after=5, quarantine_s=60)
    return WASMBooster(config, stats_path=None)


def test_five_failures_in_a_row_quarantine_a_module_with_one_notice(quarantine_booster: WASMBooster):
    booster = quarantine_booster
    clock = [1000.0]
    booster.quarantine._clock = lambda: clock[0]
    for _ in range(5):
        result = booster.transform_sync("x\n", "format", "bad-trap")
        assert result.error_kind == "module" and "trapped" in result.error
    notices = booster.take_notices()
    assert len(notices) == 1
    assert notices[0].startswith("booster: module bad_trap failed 5 times in a row and is quarantined for 60 s; "
                                 "last error: module bad_trap failed twice")
    discarded = booster.format_provider("bad-trap").pool.discarded
    for _ in range(3):
        resting = booster.transform_sync("x\n", "format", "bad-trap")
        assert resting.error_kind == "quarantined"
        assert resting.error.startswith("module bad_trap is quarantined for another 60 s after 5 failures in a row")
    assert booster.format_provider("bad-trap").pool.discarded == discarded  # not even instantiated
    assert booster.take_notices() == []  # said once
    still_works(booster)  # other modules are not affected
    assert booster.transform_sync("x\n", "format", "bad-loop").error_kind == "module"  # its own count
    clock[0] += 61  # cool-off over: one more try; it fails and rests again, silently
    assert booster.transform_sync("x\n", "format", "bad-trap").error_kind == "module"
    assert booster.transform_sync("x\n", "format", "bad-trap").error_kind == "quarantined"
    assert booster.take_notices() == []


def test_a_success_resets_the_count_and_syntax_errors_do_not_count(quarantine_booster: WASMBooster):
    booster = quarantine_booster
    for _ in range(20):  # the user's syntax errors are not the module's failures
        assert booster.transform_sync("def (:\n", "format", "python").error_kind == "syntax"
    assert booster.transform_sync("x  =  1\n", "format", "python").success
    for _ in range(4):
        assert booster.transform_sync("x\n", "format", "bad-loop").error_kind == "module"
    assert booster.take_notices() == []
    assert booster.transform_sync("x\n", "format", "bad-loop").error_kind == "module"  # the 5th
    assert len(booster.take_notices()) == 1


def test_a_file_too_big_for_the_deadline_does_not_quarantine_a_module_that_formats_others():
    """The real Ruff formatter with a short deadline: a big file saved again and again (each
    time edited) fails with the deadline each time, but the module, which has formatted
    other files, is not quarantined: the next small file is formatted."""
    booster = WASMBooster(BoosterConfig(cache_enabled=False, fallback_to_llm=False, quarantine_after=2, quarantine_s=600,
                                        deadline_ms=40), stats_path=None)
    assert booster.transform_sync("x  =  1\n", "format", "python").success  # warmed up, and proven
    big = (STDLIB / "typing.py").read_text() * 10  # ~38,000 lines
    for number in range(4):
        result = booster.transform_sync(f"# edit {number}\n{big}", "format", "python")
        assert not result.success and result.error_kind == "module"
        assert result.error.endswith(" exceeded its deadline of 40 ms (setting `deadline_ms`)"), result.error
    assert booster.take_notices() == []
    formatted = booster.transform_sync("y  =  2\n", "format", "python")
    assert formatted.success and formatted.transformed_code == "y = 2\n"


def test_a_module_that_never_succeeds_is_quarantined_for_its_deadlines_too(quarantine_booster: WASMBooster):
    booster = quarantine_booster
    for _ in range(5):
        assert booster.transform_sync("x\n", "format", "bad-loop").error.startswith("module bad_loop exceeded its deadline")
    assert booster.take_notices()[0].startswith("booster: module bad_loop failed 5 times in a row and is quarantined")
    assert booster.transform_sync("x\n", "format", "bad-loop").error_kind == "quarantined"


DEEP = {  # real modules, inputs nested deeper than their stacks
    "javascript": ("let x = " + "[" * 5000 + "]" * 5000 + ";\n",
                   "module dprint_typescript overflowed its stack (input nested too deeply?)"),
    "go": ("package main\nvar x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
           "module gofmt trapped: out of bounds memory access (memory fault at wasm address 0xffff"),
}


@pytest.mark.parametrize("language", sorted(DEEP))
def test_inputs_nested_too_deeply_are_not_held_against_the_module(language: str):
    """Five deeply nested files in a row (generated code) must not quarantine the formatter
    for the rest of a run: the failure is the input's (kind ``input``), reported once, not
    retried."""
    code, message = DEEP[language]
    booster = WASMBooster(BoosterConfig(cache_enabled=False, fallback_to_llm=False, quarantine_after=5), stats_path=None)
    for _ in range(7):
        result = booster.transform_sync(code, "format", language)
        assert not result.success and result.transformed_code == code
        assert result.error_kind == "input"
        assert result.error.startswith(message), result.error
    assert "failed twice" not in result.error
    assert booster.take_notices() == []
    still_works(booster)


def test_a_trap_names_its_reason_not_wasmtimes_backtrace_header(booster: WASMBooster):
    result = booster.transform_sync("anything\n", "format", "bad-trap")
    assert result.error == "module bad_trap failed twice: module bad_trap trapped: wasm `unreachable` instruction executed"


def test_quarantine_off(tmp_path: Path):
    wasm_dir = make_wasm_dir(tmp_path, {"bad_trap": (BAD["trap"], ["bad-trap"])})
    booster = WASMBooster(BoosterConfig(wasm_dir=str(wasm_dir), quarantine_after=0, cache_enabled=False,
                                        fallback_to_llm=False), stats_path=None)
    for _ in range(8):
        assert booster.transform_sync("x\n", "format", "bad-trap").error_kind == "module"
    assert booster.take_notices() == []


@pytest.mark.parametrize("operation, language, code", [
    ("format", "python", "x = 1\ny = 'caf\udce9'\n"),
    ("lint", "python", "x = 1\ny = 'caf\udce9'\n"),
    ("format", "javascript", "let x = 1;\nlet y = 'caf\udce9';\n"),
    ("format", "go", "package main\nvar y = \"caf\udce9\"\n"),
])
def test_a_text_holding_a_lone_surrogate_is_refused_with_its_place(operation: str, language: str, code: str):
    """JSON's "\\udce9" (a broken LSP or MCP client) gives a str no module can be given: a
    clear error at that character, not a UnicodeEncodeError, and the module is not blamed."""
    booster = WASMBooster(BoosterConfig(cache_enabled=False, fallback_to_llm=False, quarantine_after=1), stats_path=None)
    for _ in range(3):
        result = booster.transform_sync(code, operation, language)
        assert not result.success and result.transformed_code == code
        assert result.error_kind == "syntax"
        assert result.error == "the text is not valid Unicode: a lone surrogate (U+DCE9) at line 2, column " \
            f"{code.splitlines()[1].index(chr(0xDCE9)) + 1}; nothing was changed"
        assert (result.error_location.line, result.error_location.column) == (2, code.splitlines()[1].index(chr(0xDCE9)) + 1)
    fixed = booster.transform_sync(code.replace("\udce9", "é"), operation, language)
    assert fixed.success, fixed.error  # not quarantined
