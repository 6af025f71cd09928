"""Fixtures of the syntax-module tests: build (or reuse) wasm/modules/booster-syntax.wasm via
wasm/build.py, load it in a runtime with a private compiled-module cache, serve it.

Every test here is marked `wasm`. Corpora: see docs/syntax-module.md (the TypeScript corpus
comes from `python wasm/build.py --corpus`, Go and Rust from Debian packages).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

from booster_lsp.core.syntax import SyntaxService
from booster_lsp.wasm.runtime import Limits, WasmRuntime

ROOT = Path(__file__).resolve().parents[2]
BUILD_PY = ROOT / "wasm" / "build.py"
FIXTURES = ROOT / "tests" / "fixtures" / "syntax"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "wasm: tests that run real WASM modules")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.wasm)


def _build_module():
    spec = importlib.util.spec_from_file_location("booster_syntax_build", BUILD_PY)
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build
    spec.loader.exec_module(build)
    return build


@pytest.fixture(scope="session")
def build():
    """wasm/build.py as a module, after a (usually no-op) build and a corpus fetch."""
    build = _build_module()
    if build.main(["--corpus"]) != 0:
        pytest.fail("python wasm/build.py failed; see its output above")
    return build


@pytest.fixture(scope="session")
def wasm_bytes(build) -> bytes:
    return build.OUTPUT.read_bytes()


@pytest.fixture(scope="session")
def runtime(tmp_path_factory):
    runtime = WasmRuntime(tmp_path_factory.mktemp("compiled"))
    yield runtime
    runtime.close()


@pytest.fixture(scope="session")
def loaded(runtime, wasm_bytes):
    return runtime.module("booster-syntax", wasm_bytes, hashlib.sha256(wasm_bytes).hexdigest())


@pytest.fixture(scope="session")
def shared_service(loaded) -> SyntaxService:
    """One service for the read-only corpus tests (fast)."""
    return SyntaxService(loaded, Limits(deadline_ms=5000))


@pytest.fixture
def service(loaded) -> SyntaxService:
    return SyntaxService(loaded, Limits(deadline_ms=5000))
