"""House rule 1: the core is transport-free. core/, text/, wasm/ and llm/ never import a
protocol or CLI library; front ends (lsp/, cli.py, mcp_server.py) are thin layers on top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[2] / "booster_lsp"
CORE_LAYERS = ("core", "text", "wasm", "llm")
FORBIDDEN = {"pygls", "lsprotocol", "mcp", "click", "typer", "rich"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", CORE_LAYERS)
def test_core_layers_import_no_protocol_library(layer: str):
    files = sorted((PACKAGE / layer).rglob("*.py"))
    offenders = {f.relative_to(PACKAGE).as_posix(): sorted(imported_roots(f) & FORBIDDEN) for f in files}
    assert not {k: v for k, v in offenders.items() if v}


def test_core_does_not_import_front_ends():
    for layer in CORE_LAYERS:
        for path in (PACKAGE / layer).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            assert "booster_lsp.lsp" not in source and "booster_lsp.cli" not in source, path


def test_the_prelude_runs_without_pygls_and_lsprotocol():
    """lsp/prelude.py answers before pygls and lsprotocol are imported (that is its point):
    nothing it imports may import them, which a top-level import in a module it shares with
    the server (format_engine, document_store, transport, log_forwarding, config) would.
    Nor asyncio (~35 ms with ssl), lint (~12 ms), the syntax module's or the LLM's code
    (~15 ms): a start's first formatting needs none of them."""
    import subprocess
    import sys

    code = ("import sys; import booster_lsp.lsp.prelude, booster_lsp.lsp.log_forwarding, booster_lsp.lsp.__main__; "
            "import booster_lsp.lsp.__main__ as main; main.start_booster(); "
            "print(sorted(name for name in ('pygls', 'lsprotocol', 'cattrs', 'asyncio', 'booster_lsp.core.lint', "
            "'booster_lsp.core.syntax', 'booster_lsp.llm.fallback') if name in sys.modules))")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert imported == "[]"
