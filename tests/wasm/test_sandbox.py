"""The sandbox: tiny WAT modules that loop, grow memory without bound or trap, served to a
real booster through a user lock entry. Each hits its path, and the next call works."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import wasmtime

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.errors import TransformationError, WASMModuleNotFound
from booster_lsp.wasm.runtime import Limits, WasmRuntime

pytestmark = pytest.mark.wasm

ROOT = Path(__file__).resolve().parents[2]

# The plain-exports ABI (as gofmt): alloc / format / output_ptr / output_len / dispose.
PLAIN_TEMPLATE = """
(module
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "output_ptr") (result i32) (i32.const 1024))
  (func (export "output_len") (result i32) (i32.const 0))
  (func (export "dispose"))
  (func (export "format") (result i32) {body})
)
"""
BODIES = {
    "loop": "(loop $forever (br $forever)) (i32.const 0)",
    "memory": "(loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable",
    "trap": "unreachable",
}


@pytest.fixture(scope="module")
def bad_modules_booster(tmp_path_factory: pytest.TempPathFactory) -> WASMBooster:
    wasm_dir = tmp_path_factory.mktemp("modules")
    for spec_file in [*(ROOT / "wasm" / "modules").glob("ruff_*.*"), ROOT / "wasm" / "modules" / "booster-syntax.wasm"]:
        shutil.copy(spec_file, wasm_dir / spec_file.name)
    entries = []
    for name, body in BODIES.items():
        binary = wasmtime.wat2wasm(PLAIN_TEMPLATE.format(body=body))
        (wasm_dir / f"bad_{name}.wasm").write_bytes(binary)
        entries.append(
            f'[modules.bad_{name}]\npackage = "test"\nversion = "0"\nfile = "x"\n'
            f'sha256 = "{hashlib.sha256(binary).hexdigest()}"\nabi = "plain-gofmt"\n'
            f'languages = ["bad-{name}"]\noperations = ["format"]\n'
        )
    (wasm_dir / "modules.lock").write_text("\n".join(entries))
    config = BoosterConfig(wasm_dir=str(wasm_dir), deadline_ms=200, memory_limit_mb=16, cache_enabled=False)
    return WASMBooster(config, stats_path=None)


def _assert_python_still_formats(booster: WASMBooster) -> None:
    result = booster.transform_sync("x  =  1", "format", "python")
    assert result.success and result.transformed_code == "x = 1\n"


def test_infinite_loop_hits_the_deadline(bad_modules_booster: WASMBooster):
    result = bad_modules_booster.transform_sync("anything", "format", "bad-loop")
    assert not result.success
    assert result.error == "module bad_loop exceeded its deadline of 200 ms (setting `deadline_ms`)"
    assert result.transformed_code == "anything"
    _assert_python_still_formats(bad_modules_booster)
    again = bad_modules_booster.transform_sync("anything", "format", "bad-loop")  # a fresh instance, same verdict
    assert again.error == result.error


def test_unbounded_memory_growth_hits_the_cap(bad_modules_booster: WASMBooster):
    result = bad_modules_booster.transform_sync("anything", "format", "bad-memory")
    assert not result.success
    assert result.error == "module bad_memory exceeded its memory limit of 16 MiB"
    _assert_python_still_formats(bad_modules_booster)


def test_trap_is_retried_once_then_named(bad_modules_booster: WASMBooster):
    result = bad_modules_booster.transform_sync("anything", "format", "bad-trap")
    assert not result.success
    assert result.error.startswith("module bad_trap failed twice: module bad_trap trapped:")
    assert result.error_kind == "module"
    _assert_python_still_formats(bad_modules_booster)


def test_a_trap_on_one_instance_is_recovered_by_a_fresh_one():
    """The pool discards a trapped instance and retries once on a fresh one."""
    from booster_lsp.wasm.abi.plain import PlainFormatter
    from booster_lsp.wasm.pool import InstancePool

    runtime = WasmRuntime()
    trapping = runtime.module_from_wat("m", PLAIN_TEMPLATE.format(body=BODIES["trap"]))
    healthy = runtime.module_from_wat("m", PLAIN_TEMPLATE.format(body="(i32.const 0)"))
    modules = iter([trapping, healthy])
    pool = InstancePool("m", lambda: PlainFormatter(next(modules), Limits()), size=1)
    assert pool.run(lambda formatter: formatter.format("text")) is None  # 0 = unchanged
    assert pool.discarded == 1


def test_modules_have_no_wasi_capabilities(tmp_path: Path):
    """A module that asks WASI for the environment and a preopened directory gets nothing."""
    runtime = WasmRuntime()
    wat = """
    (module
      (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "env_count") (result i32) (drop (call $env (i32.const 0) (i32.const 4))) (i32.load (i32.const 0)))
      (func (export "first_preopen_errno") (result i32) (call $prestat (i32.const 3) (i32.const 8)))
    )"""
    sandbox = runtime.module_from_wat("probe", wat).instantiate(Limits(), wasi=True)
    assert sandbox.call("env_count") == 0
    assert sandbox.call("first_preopen_errno") == 8  # EBADF: fd 3 is not a preopened directory


def test_a_replaced_module_is_refused_with_the_fix(tmp_path: Path):
    shutil.copy(ROOT / "wasm" / "modules" / "gofmt.wasm", tmp_path / "gofmt.wasm")
    with open(tmp_path / "gofmt.wasm", "ab") as handle:
        handle.write(b"\0")
    booster = WASMBooster(BoosterConfig(wasm_dir=str(tmp_path)), stats_path=None)
    with pytest.raises(WASMModuleNotFound) as info:
        booster.transform_sync("package main\n", "format", "go")
    assert "gofmt" in str(info.value) and "booster modules install --force" in str(info.value)


def test_a_missing_module_names_the_install_command(tmp_path: Path):
    booster = WASMBooster(BoosterConfig(wasm_dir=str(tmp_path)), stats_path=None)
    with pytest.raises(WASMModuleNotFound) as info:
        booster.transform_sync("x = 1\n", "format", "python")
    assert "ruff_workspace" in str(info.value) and "booster modules install" in str(info.value)


def test_wrong_abi_is_a_clear_error():
    runtime = WasmRuntime()
    module = runtime.module_from_wat("empty", "(module (memory (export \"memory\") 1))")
    from booster_lsp.wasm.abi.plain import PlainFormatter

    with pytest.raises(TransformationError) as info:
        PlainFormatter(module, Limits())
    assert "does not have the plain-exports ABI" in str(info.value)


LOOP_MODULE = '(module (func (export "spin") (loop $forever (br $forever))))'
START_LOOP_MODULE = '(module (func $spin (loop $forever (br $forever))) (start $spin))'


def test_the_epoch_ticks_only_while_wasm_runs():
    """An idle runtime does not advance the epoch (an idle language server does not wake
    every 5 ms), yet a call that loops still hits its deadline, and so does a module whose
    start function loops while it is instantiated."""
    import time

    runtime = WasmRuntime()
    try:
        time.sleep(0.1)
        assert runtime.ticks == 0
        sandbox = runtime.module_from_wat("spin", LOOP_MODULE).instantiate(Limits(deadline_ms=50))
        with pytest.raises(TransformationError, match="exceeded its deadline of 50 ms"):
            sandbox.call("spin")
        assert runtime.ticks >= 10  # 50 ms of 5 ms ticks
        with pytest.raises(TransformationError, match="could not be instantiated"):
            runtime.module_from_wat("start", START_LOOP_MODULE).instantiate(Limits(deadline_ms=50))
        settled = runtime.ticks
        time.sleep(0.1)
        assert runtime.ticks <= settled + 1  # at most the tick that was under way
    finally:
        runtime.close()


def test_a_call_gets_its_whole_deadline():
    """A deadline is a lower bound on the time a call may run: a call that starts just
    before the ticker's next increment still gets all of it (a 5 ms deadline used to trap
    such calls after anything from 0 to 5 ms)."""
    import time

    runtime = WasmRuntime()
    try:
        sandbox = runtime.module_from_wat("spin", LOOP_MODULE).instantiate(Limits(deadline_ms=5))
        for _ in range(30):
            time.sleep(0.0017)  # calls start at different points of the ticker's period
            started = time.perf_counter()
            with pytest.raises(TransformationError, match="exceeded its deadline of 5 ms"):
                sandbox.call("spin")
            assert time.perf_counter() - started >= 0.005
            sandbox = runtime.module_from_wat("spin", LOOP_MODULE).instantiate(Limits(deadline_ms=5))
    finally:
        runtime.close()


NUMBERS_MODULE = """
(module
  (global $g (mut externref) (ref.null extern))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "wide") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3)))
  (func (export "half") (param f64 f32) (result f64) (f64.add (f64.div (local.get 0) (f64.const 2))
                                                          (f64.promote_f32 (local.get 1))))
  (func (export "pair") (param i32) (result i32 i32) (local.get 0) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "nothing"))
  (func (export "keep") (param externref) (global.set $g (local.get 0)))
  (func (export "boom") (result i32) unreachable)
)
"""


def test_calls_give_what_wasmtime_py_gives_and_traps_still_become_errors():
    """Sandbox.call takes a faster path for exports of numbers only (runtime._NumericCall);
    values, multiple results, wrapping, other types and traps must be as with Func.__call__."""
    sandbox = WasmRuntime().module_from_wat("numbers", NUMBERS_MODULE).instantiate(Limits())
    cases = [("add", 2, 40), ("add", 2**31 - 1, 1), ("add", -5, 3), ("wide", 2**40), ("half", 5.0, 0.25),
             ("pair", 7), ("nothing",)]
    for name, *args in cases:
        assert sandbox.call(name, *args) == sandbox.func(name)(sandbox.store, *args), name
    assert sandbox.call("add", 2**31 - 1, 1) == -(2**31)  # i32 wraps, as in wasmtime-py
    assert sandbox.call("pair", 7) == [7, -7]
    assert sandbox.call("keep", {"a": 1}) is None  # a reference: wasmtime-py's own conversion
    with pytest.raises(TransformationError, match="trapped"):
        sandbox.call("boom")
    assert sandbox.broken
