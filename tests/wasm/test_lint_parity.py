"""Oracle: booster's Ruff-in-WASM lint against native Ruff 0.15.20 on >= 200 standard-library
files, selection E,F,W,B,SIM,UP: the same diagnostics (code + range), and `--fix` gives the
same text as `ruff check --fix`.

Known differences, asserted exactly: Ruff's WASM API lints an anonymous document, so rules
that depend on the *module name* (a file called gzip.py defines `gzip.open`, which SIM115
knows as an opener; abc.py defines `ABC`, which B024 knows) cannot fire in WASM.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from booster_lsp import BoosterConfig, WASMBooster
from tests.conftest import ROOT, STDLIB, require_tool

pytestmark = [pytest.mark.wasm, pytest.mark.slow]

SELECT = "E,F,W,B,SIM,UP"
RUFF = ROOT / ".venv" / "bin" / "ruff"
#: (file relative to the stdlib, code, line): findings that need the module's own name.
MODULE_NAME_DEPENDENT = {
    ("abc.py", "B024", 184),
    ("fileinput.py", "SIM115", 89), ("fileinput.py", "SIM115", 434),
    ("gzip.py", "SIM115", 647), ("gzip.py", "SIM115", 656),
    ("lzma.py", "SIM115", 309),
    ("tempfile.py", "SIM115", 700),
}


def corpus() -> list[Path]:
    top = sorted(STDLIB.glob("*.py"))
    packages = sorted(p for p in STDLIB.glob("*/*.py")
                      if not any(part in str(p) for part in ("test", "lib2to3", "idlelib", "site-packages")))
    return (top + packages)[:250]


@pytest.fixture(scope="module")
def lint_booster() -> WASMBooster:
    return WASMBooster(BoosterConfig(cache_enabled=False, lint={"select": SELECT.split(",")}), stats_path=None)


@pytest.fixture(scope="module")
def ruff() -> str:
    found = require_tool(RUFF, "uv pip install ruff==0.15.20 into .venv")
    version = subprocess.run([found, "--version"], capture_output=True, text=True).stdout.strip()
    assert version == "ruff 0.15.20", version
    return found


def test_corpus_is_large_enough():
    assert len(corpus()) >= 200


def test_diagnostics_match_native_ruff(lint_booster: WASMBooster, ruff: str):
    files = corpus()
    done = subprocess.run([ruff, "check", "--isolated", "--no-cache", "--select", SELECT, "--output-format", "json",
                           *map(str, files)], capture_output=True, text=True)
    native: dict[str, set] = {}
    for item in json.loads(done.stdout):
        native.setdefault(item["filename"], set()).add((
            item["code"], item["location"]["row"], item["location"]["column"],
            item["end_location"]["row"], item["end_location"]["column"],
            item["fix"]["applicability"] if item["fix"] else None,
        ))
    only_native, only_wasm, compared = set(), set(), 0
    for path in files:
        result = lint_booster.transform_sync(path.read_text(encoding="utf-8"), "lint", "python", path=str(path), _llm=False)
        assert result.success, f"{path}: {result.error}"
        ours = {(d["code"], d["line"], d["column"], d["end_line"], d["end_column"],
                 d["fix"]["applicability"] if d["fix"] else None) for d in result.diagnostics}
        theirs = native.get(str(path), set())
        # display-only fixes (E731 sometimes) are never applied: compare them as unsafe
        theirs = {t[:5] + (("unsafe",) if t[5] == "displayonly" else t[5:]) for t in theirs}
        compared += len(theirs)
        relative = str(path.relative_to(STDLIB))
        only_native |= {(relative, t[0], t[1]) for t in theirs - ours}
        only_wasm |= {(relative, t[0], t[1]) for t in ours - theirs}
    assert compared > 3000
    assert only_wasm == set()
    assert only_native == MODULE_NAME_DEPENDENT


def test_fix_matches_native_ruff(lint_booster: WASMBooster, ruff: str, tmp_path: Path):
    files = corpus()
    copies = []
    for path in files:
        copy = tmp_path / path.relative_to(STDLIB)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, copy)
        copies.append(copy)
    subprocess.run([ruff, "check", "--isolated", "--no-cache", "--select", SELECT, "--fix", "--quiet", *map(str, copies)],
                   capture_output=True)
    changed = 0
    different = []
    for path, copy in zip(files, copies):
        original = path.read_text(encoding="utf-8")
        result = lint_booster.transform_sync(original, "lint", "python", path=str(path), fix="safe", _llm=False)
        assert result.success, f"{path}: {result.error}"
        expected = copy.read_text(encoding="utf-8")
        changed += expected != original
        if result.transformed_code != expected:
            different.append(str(path.relative_to(STDLIB)))
    assert changed > 50  # the corpus exercises fixes
    assert different == []
