"""One wasmtime Engine for the process, sandboxes with a deadline and a memory cap.

Every WASM call in booster-lsp goes through :meth:`Sandbox.call`, which arms the epoch
deadline, and translates traps into :class:`TransformationError` naming the module.
Sandboxes get no WASI capabilities: no preopened directories, no environment, no
arguments, no sockets. Modules built for WASI still link, but every capability is absent.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import wasmtime

from booster_lsp.errors import TransformationError
from booster_lsp.wasm.artifacts import CompiledModuleCache

log = logging.getLogger(__name__)

#: How often the ticker thread advances the engine epoch. A call gets its whole deadline,
#: rounded up to a tick, and at most one tick more.
EPOCH_TICK_S = 0.005
#: wasmtime's default stack is fine for tree-sitter; Ruff's parser recurses deeply on
#: nested expressions, so keep the 1 MiB dprint chose (it may not exceed the async stack size).
MAX_WASM_STACK = 1024 * 1024
#: The most a module may hand back in one buffer (formatted text, error text, query results).
#: A length above it (or negative) is refused before anything is copied: a module cannot make
#: the host allocate an absurd output. Real outputs are a few times the input at most.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-call budget of a sandbox."""

    deadline_ms: int = 2000
    memory_bytes: int = 512 * 1024 * 1024

    @property
    def deadline_ticks(self) -> int:
        # One tick more than the deadline holds: a call may start just before the ticker's
        # next increment, which would otherwise take a whole tick off its budget (a 5 ms
        # deadline trapped calls of any length from 0 to 5 ms).
        return math.ceil(self.deadline_ms / 1000 / EPOCH_TICK_S) + 1


class WasmRuntime:
    """The engine, its epoch ticker and the compiled-module cache. One per process."""

    def __init__(self, artifact_dir: Path | None = None) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = True
        config.max_wasm_stack = MAX_WASM_STACK
        config.cranelift_opt_level = "speed"
        self.engine = wasmtime.Engine(config)
        self.artifacts = CompiledModuleCache(self.engine, artifact_dir)
        self.ticks = 0  # epochs advanced so far (tests check that an idle runtime does not tick)
        #: Long-lived processes (the language server) set it: a module that takes seconds to
        #: compile may then be compiled in a background thread while a faster-compiling one
        #: stands in (providers.RuffWorkspaceFormatProvider). A short-lived process would
        #: exit before such a compilation ends, so by default modules compile when needed.
        self.compile_in_background = False
        self._running = 0  # WASM calls (and instantiations) in progress, all threads
        self._running_lock = threading.Lock()
        self._busy = threading.Event()  # set while _running > 0
        self._ticker_stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="wasm-epoch", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        # Ticks only while WASM runs: deadlines are armed relative to the epoch when a call
        # starts, so a paused epoch loses nothing, and an idle language server does not wake
        # 200 times a second.
        while True:
            self._busy.wait()
            if self._ticker_stop.wait(EPOCH_TICK_S):
                return
            self.engine.increment_epoch()
            self.ticks += 1

    @contextmanager
    def running(self) -> Iterator[None]:
        """Around every entry into WASM: the ticker runs while at least one is in progress."""
        with self._running_lock:
            self._running += 1
            if self._running == 1:
                self._busy.set()
        try:
            yield
        finally:
            with self._running_lock:
                self._running -= 1
                if self._running == 0:
                    self._busy.clear()

    def close(self) -> None:
        self._ticker_stop.set()
        self._busy.set()  # let a waiting ticker see the stop

    def module(self, name: str, wasm_bytes: bytes, sha256: str) -> "LoadedModule":
        return LoadedModule(self, name, self.artifacts.load(wasm_bytes, sha256))

    def module_from_wat(self, name: str, wat: str) -> "LoadedModule":
        """For tests and tiny host-side modules: compile WAT text without the disk cache."""
        return LoadedModule(self, name, wasmtime.Module(self.engine, wat))


ImportDefiner = Callable[[wasmtime.Linker, "Sandbox"], None]


class LoadedModule:
    """A compiled module, ready to be instantiated in fresh sandboxes."""

    def __init__(self, runtime: WasmRuntime, name: str, module: wasmtime.Module) -> None:
        self.runtime = runtime
        self.name = name
        self.module = module

    def export_names(self) -> set[str]:
        return {e.name for e in self.module.exports}

    def instantiate(
        self,
        limits: Limits,
        define_imports: ImportDefiner | None = None,
        *,
        wasi: bool = False,
        init: str | None = None,
    ) -> "Sandbox":
        return Sandbox(self, limits, define_imports, wasi=wasi, init=init)


try:  # wasmtime-py internals, for _NumericCall; without them every call takes Func.__call__
    from ctypes import byref as _byref

    from wasmtime import _ffi as _wasmtime_ffi
    from wasmtime._func import enter_wasm as _enter_wasm

    _NUMERIC_KINDS = {
        "i32": (_wasmtime_ffi.WASMTIME_I32.value, "i32"),
        "i64": (_wasmtime_ffi.WASMTIME_I64.value, "i64"),
        "f32": (_wasmtime_ffi.WASMTIME_F32.value, "f32"),
        "f64": (_wasmtime_ffi.WASMTIME_F64.value, "f64"),
    }
except (ImportError, AttributeError):  # pragma: no cover - another wasmtime-py layout
    _NUMERIC_KINDS = {}


class _NumericCall:
    """An export whose parameters and results are all numbers, called through the same FFI
    function and the same trap handling (``enter_wasm``) as ``Func.__call__``, but with its
    type read once: ``Func.__call__`` reads the function's type and boxes every value
    through ``Val`` on each call, ~20 us per call here against ~5 us. ABI calls are mostly
    such small calls (allocate, free, stack pointer, parse, edit)."""

    __slots__ = ("func", "params", "results", "store", "context")

    def __init__(self, func: wasmtime.Func, store: wasmtime.Store, params: list[tuple[int, str]],
                 results: list[tuple[int, str]]) -> None:
        self.func, self.params, self.results, self.store = func, params, results, store
        self.context = store._context()

    @classmethod
    def of(cls, func: wasmtime.Func, store: wasmtime.Store) -> "_NumericCall | None":
        if not _NUMERIC_KINDS:
            return None
        ty = func.type(store)
        kinds = [_NUMERIC_KINDS.get(str(t)) for t in (*ty.params, *ty.results)]
        if None in kinds:
            return None  # references: wasmtime-py's conversions
        count = len(ty.params)
        return cls(func, store, kinds[:count], kinds[count:])  # type: ignore[arg-type]

    def __call__(self, *args: Any) -> Any:
        if len(args) != len(self.params):
            raise wasmtime.WasmtimeError(f"expected {len(self.params)} parameters, got {len(args)}")
        ffi = _wasmtime_ffi
        params = (ffi.wasmtime_val_t * len(args))()
        for value, raw, (kind, field) in zip(args, params, self.params):
            raw.kind = kind
            setattr(raw.of, field, value)
        results = (ffi.wasmtime_val_t * len(self.results))()
        with _enter_wasm(self.store) as trap:
            error = ffi.wasmtime_func_call(self.context, _byref(self.func._func), params, len(args), results,
                                           len(self.results), trap)
            if error:
                raise wasmtime.WasmtimeError._from_ptr(error)
        values = [getattr(raw.of, field) for raw, (_kind, field) in zip(results, self.results)]
        return None if not values else values[0] if len(values) == 1 else values


class Sandbox:
    """One instance in its own Store: memory cap, per-call deadline, no capabilities.

    After a trap the sandbox is marked ``broken``; pools discard broken sandboxes.
    """

    def __init__(
        self,
        module: LoadedModule,
        limits: Limits,
        define_imports: ImportDefiner | None,
        *,
        wasi: bool,
        init: str | None,
    ) -> None:
        self.module = module
        self.name = module.name
        self.limits = limits
        self.broken = False
        engine = module.runtime.engine
        self.store = wasmtime.Store(engine)
        self._calls: dict[str, Callable[..., Any]] = {}
        self.store.set_limits(memory_size=limits.memory_bytes)
        self.store.set_epoch_deadline(limits.deadline_ticks)
        linker = wasmtime.Linker(engine)
        if wasi:
            # An empty WasiConfig: no preopens, no env, no args, stdio discarded.
            self.store.set_wasi(wasmtime.WasiConfig())
            linker.define_wasi()
        if define_imports is not None:
            define_imports(linker, self)
        try:
            with module.runtime.running():  # a start function runs under the deadline too
                self.instance = linker.instantiate(self.store, module.module)
        except (wasmtime.WasmtimeError, wasmtime.Trap) as exc:
            raise TransformationError(
                f"module {self.name} could not be instantiated: {_first_line(exc)}", module=self.name
            ) from exc
        self.exports = self.instance.exports(self.store)
        memory = self.exports.get("memory")
        self.memory: wasmtime.Memory | None = memory if isinstance(memory, wasmtime.Memory) else None
        if init is not None and init in self.exports:
            self.call(init)

    def _callable(self, name: str) -> Callable[..., Any]:
        """The export, callable with the call's arguments only (see _NumericCall)."""
        call = self._calls.get(name)
        if call is None:
            func = self.func(name)
            call = _NumericCall.of(func, self.store) or (lambda *args: func(self.store, *args))
            self._calls[name] = call
        return call

    def func(self, name: str) -> wasmtime.Func:
        item = self.exports.get(name)
        if not isinstance(item, wasmtime.Func):
            raise TransformationError(
                f"module {self.name} does not export function {name!r} (wrong ABI?)", module=self.name
            )
        return item

    def call(self, name: str, *args: Any) -> Any:
        """Call an export under the deadline; traps become TransformationError."""
        if self.broken:
            raise TransformationError(f"module {self.name} instance is broken", module=self.name)
        call = self._callable(name)
        self.store.set_epoch_deadline(self.limits.deadline_ticks)
        try:
            with self.module.runtime.running():
                return call(*args)
        except wasmtime.Trap as trap:
            self.broken = True
            raise self._trap_error(trap) from trap
        except wasmtime.WasmtimeError as exc:
            self.broken = True
            raise TransformationError(f"module {self.name} failed: {_first_line(exc)}", module=self.name) from exc
        except HostAbort as abort:
            # A host import asked to abort the call (e.g. a wasm-bindgen `throw`).
            self.broken = True
            raise abort.error from abort

    def _trap_error(self, trap: wasmtime.Trap) -> TransformationError:
        code = trap.trap_code
        kind = "module"
        limit = False
        if code == wasmtime.TrapCode.INTERRUPT:
            limit = True
            deadline = self.limits.deadline_ms
            message = f"module {self.name} exceeded its deadline of {deadline} ms (setting `deadline_ms`)"
        elif self._memory_exhausted():
            limit = True
            message = f"module {self.name} exceeded its memory limit of {self.limits.memory_bytes // (1024 * 1024)} MiB"
        elif code == wasmtime.TrapCode.STACK_OVERFLOW:
            message = f"module {self.name} overflowed its stack (input nested too deeply?)"
            kind = "input"  # the input's nesting, not the module: not held against it (quarantine)
        else:
            log.debug("module %s trapped: %s", self.name, trap)  # with wasmtime's backtrace
            message = f"module {self.name} trapped: {_trap_reason(trap)}"
            if _BELOW_ZERO.search(str(trap)):
                kind = "input"  # its stack in linear memory overflowed, as above
        return TransformationError(message, kind=kind, module=self.name, limit=limit)

    def _memory_exhausted(self) -> bool:
        if self.memory is None:
            return False
        # memory.grow fails once the next 64 KiB page (or the allocator's bigger request)
        # would cross the cap; Rust then aborts with `unreachable`.
        return self.memory.data_len(self.store) + 16 * 65536 >= self.limits.memory_bytes

    # --- memory access: bounds-checked; wasmtime's read clamps silently, so check lengths.
    def read(self, ptr: int, length: int) -> bytes:
        assert self.memory is not None
        try:
            return read_checked(self.memory, self.store, ptr, length, self.name)
        except TransformationError:
            self.broken = True  # a module that lies about its buffers is not reused
            raise

    def read_text(self, ptr: int, length: int) -> str:
        """A UTF-8 output of the module (bounded and checked like :meth:`read`)."""
        try:
            return decode_output(self.read(ptr, length), self.name)
        except TransformationError:
            self.broken = True
            raise

    def write(self, ptr: int, data: bytes) -> None:
        assert self.memory is not None
        if ptr < 0 or ptr + len(data) > self.memory.data_len(self.store):
            raise TransformationError(f"module {self.name} gave an out-of-bounds buffer", module=self.name)
        self.memory.write(self.store, data, ptr)

    def memory_bytes(self) -> int:
        return 0 if self.memory is None else self.memory.data_len(self.store)


def read_checked(memory: wasmtime.Memory, store: Any, ptr: int, length: int, name: str) -> bytes:
    """The one read path of module outputs: bounded by MAX_OUTPUT_BYTES, bounds-checked
    (wasmtime's ``Memory.read`` clamps silently). ``store`` may be a Store or a Caller."""
    if length == 0:
        return b""
    if length < 0 or length > MAX_OUTPUT_BYTES:
        raise TransformationError(
            f"module {name} returned a buffer of {length} bytes; refused "
            f"(outputs are limited to {MAX_OUTPUT_BYTES // (1024 * 1024)} MiB)",
            module=name,
        )
    data = memory.read(store, ptr, ptr + length)
    if ptr < 0 or len(data) != length:
        raise TransformationError(f"module {name} returned an out-of-bounds buffer ({ptr}+{length})", module=name)
    return bytes(data)


def decode_output(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TransformationError(f"module {name} returned text that is not UTF-8 ({exc.reason} at byte {exc.start})",
                                  module=name) from None


class HostAbort(Exception):
    """Raised inside a host import to abort the current WASM call with a booster error."""

    def __init__(self, error: TransformationError) -> None:
        super().__init__(str(error))
        self.error = error


_BELOW_ZERO = re.compile(r"memory fault at wasm address 0xffff[0-9a-f]{4}\b")


def _trap_reason(trap: wasmtime.Trap) -> str:
    """What trapped, from wasmtime's message: its first line is "error while executing at
    wasm backtrace:", the frames follow, and the reason comes last, under "Caused by:"
    (innermost last: "wasm trap: out of bounds memory access")."""
    text = str(trap).strip()
    _, found, causes = text.partition("Caused by:")
    if not found:
        return _first_line(trap)
    reasons = [re.sub(r"^\d+:\s*", "", line.strip()) for line in causes.strip().splitlines() if line.strip()]
    if not reasons:
        return _first_line(trap)
    reason = reasons[-1].removeprefix("wasm trap: ")
    if len(reasons) > 1:
        reason += f" ({'; '.join(reasons[:-1])})"
    if _BELOW_ZERO.search(text):  # a stack kept in linear memory grew past its start
        reason += ": an address just below 0, as when the module's stack overflows (input nested too deeply?)"
    return reason


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
