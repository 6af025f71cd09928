"""Compile once: serialized native code of each module, keyed by sha256 + wasmtime version.

Compiling Ruff (10 MB of WASM) takes seconds; deserializing its artifact takes
milliseconds. Artifacts live in the per-user cache directory, created 0700/0600.
A corrupt or foreign artifact is detected by wasmtime on deserialize, removed with a
warning and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from importlib.metadata import version
from pathlib import Path

import platformdirs
import wasmtime

from booster_lsp.atomic_file import replace_file

log = logging.getLogger(__name__)

WASMTIME_VERSION = version("wasmtime")
#: Folded into the key: an artifact compiled under other engine settings must not be reused.
ENGINE_SIGNATURE = "epoch+stack1m+speed"


def user_cache_dir() -> Path:
    path = Path(os.environ.get("BOOSTER_CACHE_DIR") or platformdirs.user_cache_dir("booster-lsp"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class CompiledModuleCache:
    def __init__(self, engine: wasmtime.Engine, directory: Path | None = None) -> None:
        self.engine = engine
        self.directory = directory or user_cache_dir() / "compiled"
        self._memory: dict[str, wasmtime.Module] = {}
        self._lock = threading.Lock()  # guards _key_locks
        #: one lock per module: compiling Ruff for seconds must not hold up loading another
        self._key_locks: dict[str, threading.Lock] = {}
        self.compiled_count = 0  # how many compilations this process did (tests check warm starts)

    def _key(self, sha256: str) -> str:
        raw = f"{sha256}:{WASMTIME_VERSION}:{ENGINE_SIGNATURE}".encode()
        return hashlib.blake2b(raw, digest_size=16).hexdigest()

    def is_compiled(self, sha256: str) -> bool:
        """Whether loading this module costs milliseconds (compiled in this process or on
        disk) rather than a compilation."""
        key = self._key(sha256)
        return key in self._memory or (self.directory / f"{key}.cwasm").is_file()

    def load(self, wasm_bytes: bytes, sha256: str) -> wasmtime.Module:
        key = self._key(sha256)
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            module = self._memory.get(key)
            if module is None:
                module = self._load_or_compile(key, wasm_bytes)
                self._memory[key] = module
            return module

    def _load_or_compile(self, key: str, wasm_bytes: bytes) -> wasmtime.Module:
        path = self.directory / f"{key}.cwasm"
        if path.exists():
            try:
                return wasmtime.Module.deserialize_file(self.engine, str(path))
            except wasmtime.WasmtimeError as exc:
                log.warning("compiled module cache entry %s is unusable (%s); recompiling", path, exc)
                path.unlink(missing_ok=True)
        module = wasmtime.Module(self.engine, wasm_bytes)
        self.compiled_count += 1
        self._store(path, module.serialize())
        return module

    def _store(self, path: Path, data: bytes | bytearray) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_file(path, data)  # 0600
        except OSError as exc:  # a read-only cache dir costs speed, not correctness
            log.warning("cannot write compiled module cache %s: %s", path, exc)
