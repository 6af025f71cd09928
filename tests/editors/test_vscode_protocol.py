"""The VS Code extension: built with npm, packaged to a .vsix with @vscode/vsce, and its Node
tests (booster-lsp driven through vscode-jsonrpc / vscode-languageserver-protocol) run.

Needs Node 20 + npm; `editors/setup-editors.sh` runs `npm ci` in editors/vscode (done here too
when node_modules is missing).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "editors" / "vscode"
VSIX = EXTENSION / "dist" / "booster-lsp.vsix"

pytestmark = pytest.mark.editors


def npm(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    found = shutil.which("npm")
    if not found:
        pytest.fail("npm is needed by this test; install Node 20 + npm, then run editors/setup-editors.sh")
    env = {**os.environ, "BOOSTER_LSP": str(ROOT / ".venv" / "bin" / "booster-lsp")}
    result = subprocess.run(
        [found, *args],
        cwd=EXTENSION,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        summary = "\n".join(
            line for line in result.stdout.splitlines() if line.lstrip().startswith(("not ok", "error:"))
        )
        pytest.fail(
            f"npm {' '.join(args)} failed ({result.returncode}):\n{summary}\n\n{result.stdout[-12000:]}\n{result.stderr[-4000:]}"
        )
    return result


@pytest.fixture(scope="module")
def built() -> Path:
    if not (EXTENSION / "node_modules" / ".package-lock.json").is_file():
        npm("ci", "--no-audit", "--no-fund")
    npm("run", "build")
    return EXTENSION / "dist" / "extension.js"


def test_extension_builds_and_packages_to_a_vsix(built: Path) -> None:
    assert built.is_file()
    VSIX.unlink(missing_ok=True)
    npm("run", "package")
    assert VSIX.is_file()
    with zipfile.ZipFile(VSIX) as archive:
        names = set(archive.namelist())
        assert {"extension/package.json", "extension/dist/extension.js", "extension.vsixmanifest"} <= names
        assert archive.read("extension/dist/extension.js") == built.read_bytes()
        assert not any(
            name.startswith("extension/node_modules/") or name.startswith("extension/src/") for name in names
        )


def test_node_protocol_suite(built: Path) -> None:
    """editors/vscode/test/*.test.mjs: initialize, format, code action, rename, settings schema."""
    result = npm("test")
    assert "# fail 0" in result.stdout, result.stdout[-8000:]
