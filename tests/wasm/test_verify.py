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
    # The lock of the checkout also names ruff_workspace for python; this test's wasm_dir has
    # no Ruff, and entries of wasm_dir's own lock win for the languages they name.
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


# --- Python: the output must be the same program (equal ASTs, black's safe mode)
def _liar(tmp_path: Path, output: str) -> WASMBooster:
    data = output.replace("\n", "\\0a").replace('"', '\\"')
    wat = WAT.replace(f'"{_DATA}"', f'"{data}"').replace(f"(i32.const {len(BROKEN_OUTPUT)})", f"(i32.const {len(output.encode())})")
    binary = wasmtime.wat2wasm(wat)
    (tmp_path / "liar.wasm").write_bytes(binary)
    (tmp_path / "modules.lock").write_text(
        f'[modules.liar]\npackage = "test"\nversion = "0"\nfile = "x"\nsha256 = "{hashlib.sha256(binary).hexdigest()}"\n'
        'abi = "plain-gofmt"\nlanguages = ["python"]\noperations = ["format"]\n'
    )
    shutil.copy(ROOT / "wasm" / "modules" / "booster-syntax.wasm", tmp_path / "booster-syntax.wasm")
    return WASMBooster(BoosterConfig(wasm_dir=str(tmp_path), cache_enabled=False, fallback_to_llm=False), stats_path=None)


def test_output_that_changes_the_program_is_refused(tmp_path: Path):
    booster = _liar(tmp_path, "x = 2\n")
    result = booster.transform_sync("x = 1\n", "format", "python")
    assert not result.success and result.transformed_code == "x = 1\n"
    assert result.error.startswith("wasm:liar@0 produced output that is not the same program (its AST differs")
    assert "(its AST differs from the input's at line 1: 1 became 2)" in result.error


def test_docstring_reindentation_and_del_parentheses_are_the_same_program(tmp_path: Path):
    booster = _liar(tmp_path, 'def f():\n    """Doc.\n\n    more\n    """\n    del a, b\n')
    source = 'def f():\n  """Doc.   \n\n       more\n  """\n  del (a, b)\n'
    assert booster.transform_sync(source, "format", "python").success


def test_an_input_cpython_cannot_parse_is_checked_by_tree_sitter_only(tmp_path: Path):
    booster = _liar(tmp_path, "x = 2\n")
    # `print "x"`: tree-sitter-python parses Python 2 prints; CPython 3 does not
    assert booster.transform_sync('print "x"\n', "format", "python").success


@pytest.mark.slow
def test_no_false_rejections_on_the_standard_library():
    """Ruff's real output for 240 stdlib files: the AST check must reject none."""
    import sysconfig

    from booster_lsp.core.python_ast import ast_difference

    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and "test" not in p.parts)
    booster = WASMBooster(BoosterConfig(cache_enabled=False, verify=False, deadline_ms=20000), stats_path=None)
    checked = 0
    for path in files[:: max(1, len(files) // 240)][:240]:
        code = path.read_text(encoding="utf-8", errors="surrogateescape")
        result = booster.transform_sync(code, "format", "python")
        if result.success:
            assert ast_difference(code, result.transformed_code) is None, path
            checked += 1
    assert checked >= 200
