"""Our WASM formatters against the native tools of the same versions, on real corpora.

- Python: PyPI ruff 0.15.20 (`ruff format -`) on >= 200 standard-library files.
- Go: gofmt on Go's own sources, as they are and with their indentation stripped.
- JS/TS: the dprint CLI loading the very plugin files from wasm/modules.
Every difference is listed in the failure message; the thresholds are the issue's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from booster_lsp import WASMBooster
from tests.conftest import ROOT, STDLIB, TOOLS, require_tool

pytestmark = [pytest.mark.wasm, pytest.mark.slow]

RUFF = Path(sys.executable).parent / "ruff"


def _stdlib_sample(count: int) -> list[Path]:
    files = sorted(p for p in STDLIB.glob("*.py") if p.stat().st_size < 200_000)
    files += sorted(p for p in (STDLIB / "email").glob("*.py"))
    files += sorted(p for p in (STDLIB / "json").glob("*.py"))
    files += sorted(p for p in (STDLIB / "asyncio").glob("*.py"))
    return files[:count]


def test_python_matches_native_ruff_format(booster: WASMBooster):
    require_tool(RUFF, "pip install ruff==0.15.20 (part of `pip install -e .[dev]`)")
    version = subprocess.run([str(RUFF), "--version"], capture_output=True, text=True).stdout.split()[-1]
    assert version == "0.15.20", "the oracle must be the Ruff version inside @wasm-fmt/ruff_fmt"
    files = _stdlib_sample(260)
    assert len(files) >= 200
    differences, compared = [], 0
    for path in files:
        source = path.read_text(encoding="utf-8")
        native = subprocess.run(
            [str(RUFF), "format", "--isolated", "--stdin-filename", path.name, "-"],
            input=source, capture_output=True, text=True,
        )
        ours = booster.transform_sync(source, "format", "python")
        if native.returncode != 0:
            assert not ours.success, f"{path}: ruff refused it but we formatted it"
            continue
        compared += 1
        assert ours.success, f"{path}: {ours.error}"
        if ours.transformed_code != native.stdout:
            differences.append(path.name)
        again = booster.transform_sync(ours.transformed_code, "format", "python")
        assert again.transformed_code == ours.transformed_code, f"{path}: formatting our output changed it"
    assert compared >= 200
    assert not differences, f"{len(differences)}/{compared} files differ from native ruff: {differences}"


def _go_sources(count: int) -> list[Path]:
    root = Path("/usr/lib/go/src")
    files = sorted(p for p in root.rglob("*.go") if "testdata" not in p.parts and p.stat().st_size < 60_000)
    return files[:: max(1, len(files) // count)][:count]


def _strip_indentation(text: str) -> str:
    return "\n".join(line.lstrip("\t ") for line in text.split("\n"))


def test_go_matches_native_gofmt(booster: WASMBooster):
    gofmt = require_tool("gofmt", "apt-get install -y golang-go (done by ./setup.sh)")
    files = _go_sources(120)
    assert len(files) >= 100, "Go's sources (/usr/lib/go/src) are the corpus: apt-get install -y golang-go"
    differences, stripped_differences = [], []
    for path in files:
        source = path.read_text(encoding="utf-8")
        for variant, sink in ((source, differences), (_strip_indentation(source), stripped_differences)):
            native = subprocess.run([gofmt], input=variant, capture_output=True, text=True)
            ours = booster.transform_sync(variant, "format", "go")
            if native.returncode != 0:
                assert not ours.success
                continue
            assert ours.success, f"{path}: {ours.error}"
            if ours.transformed_code != native.stdout:
                sink.append(path.relative_to("/usr/lib/go/src").as_posix())
    assert not differences, f"differ from gofmt: {differences}"
    assert not stripped_differences, f"differ from gofmt after stripping indentation: {stripped_differences}"


def _dprint_config(tmp_path: Path) -> Path:
    config = tmp_path / "dprint.json"
    plugin = ROOT / "wasm" / "modules" / "dprint_typescript.wasm"
    config.write_text(json.dumps({"plugins": [str(plugin)]}))
    return config


def test_js_and_ts_match_the_dprint_cli(booster: WASMBooster, tmp_path: Path):
    dprint = require_tool(TOOLS / "node_modules" / ".bin" / "dprint", "npm install --prefix tests/tools (done by ./setup.sh)")
    corpus = sorted((TOOLS / "node_modules" / "vscode-jsonrpc" / "lib").rglob("*.js"))
    corpus += sorted((TOOLS / "node_modules" / "vscode-languageserver-protocol" / "lib").rglob("*.d.ts"))
    corpus += sorted((TOOLS / "node_modules" / "vscode-languageserver-protocol" / "lib").rglob("*.js"))
    corpus += sorted((TOOLS / "node_modules" / "typescript" / "lib").glob("lib.es20*.d.ts"))[:40]
    assert len(corpus) >= 100
    config = _dprint_config(tmp_path)
    differences: list[str] = []
    unstable: list[str] = []
    for path in corpus:
        source = path.read_text(encoding="utf-8")
        native = subprocess.run(
            [dprint, "fmt", "--config", str(config), "--stdin", path.name],
            input=source, capture_output=True, text=True, cwd=tmp_path,
        )
        language = "typescript" if path.name.endswith(".ts") else "javascript"
        ours = booster.transform_sync(source, "format", language, path=path.name)
        assert native.returncode == 0, native.stderr
        assert ours.success, f"{path}: {ours.error}"
        if ours.transformed_code != native.stdout:
            differences.append(path.name)
        again = booster.transform_sync(ours.transformed_code, "format", language)
        if again.transformed_code != ours.transformed_code:
            # dprint-plugin-typescript itself is not idempotent on some inputs (long
            # `exports.a = exports.b = ...` chains): then the CLI must change it the same way.
            second = subprocess.run(
                [dprint, "fmt", "--config", str(config), "--stdin", path.name],
                input=ours.transformed_code, capture_output=True, text=True, cwd=tmp_path,
            )
            assert second.stdout == again.transformed_code, f"{path}: second pass differs from the dprint CLI"
            unstable.append(path.name)
    assert not differences, f"{len(differences)}/{len(corpus)} differ from the dprint CLI: {differences}"
    assert len(unstable) <= 5, f"the plugin is unstable on {unstable}"
