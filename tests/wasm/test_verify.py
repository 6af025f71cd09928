"""`verify`: a formatter's output that does not parse is refused; the input is returned."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import wasmtime

from booster_lsp import BoosterConfig, WASMBooster

pytestmark = pytest.mark.wasm

ROOT = Path(__file__).resolve().parents[2]
BROKEN_OUTPUT = "def broken(:\n"
# A "formatter" with the plain-exports ABI that always answers BROKEN_OUTPUT as changed.
_DATA = BROKEN_OUTPUT.replace("\n", "\\0a")
WAT = f"""
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "{_DATA}")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "output_ptr") (result i32) (i32.const 16))
  (func (export "output_len") (result i32) (i32.const {len(BROKEN_OUTPUT)}))
  (func (export "dispose"))
  (func (export "format") (result i32) (i32.const 1))
)"""


@pytest.fixture(scope="module")
def liar_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wasm_dir = tmp_path_factory.mktemp("liar")
    binary = wasmtime.wat2wasm(WAT)
    (wasm_dir / "liar.wasm").write_bytes(binary)
    (wasm_dir / "modules.lock").write_text(
        f'[modules.liar]\npackage = "test"\nversion = "0"\nfile = "x"\nsha256 = "{hashlib.sha256(binary).hexdigest()}"\n'
        'abi = "plain-gofmt"\nlanguages = ["python"]\noperations = ["format"]\n'
    )
    # The lock of the checkout also names ruff_fmt for python; this test's wasm_dir has no
    # ruff_fmt, and entries of wasm_dir's own lock win for the languages they name.
    shutil.copy(ROOT / "wasm" / "modules" / "booster-syntax.wasm", wasm_dir / "booster-syntax.wasm")
    return wasm_dir


def test_output_with_a_new_syntax_error_is_refused(liar_dir: Path):
    booster = WASMBooster(BoosterConfig(wasm_dir=str(liar_dir), cache_enabled=False), stats_path=None)
    result = booster.transform_sync("x = 1\n", "format", "python")
    assert not result.success
    assert result.transformed_code == "x = 1\n"
    assert result.error.startswith("wasm:liar@0 produced output with a new syntax error")
    assert result.error.endswith("nothing was changed")


def test_without_verify_the_output_passes_through(liar_dir: Path):
    booster = WASMBooster(BoosterConfig(wasm_dir=str(liar_dir), cache_enabled=False, verify=False), stats_path=None)
    assert booster.transform_sync("x = 1\n", "format", "python").transformed_code == BROKEN_OUTPUT
