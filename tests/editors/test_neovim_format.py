"""A real editor: headless Neovim formats a messy Python file through booster-lsp.

Needs Neovim >= 0.7 on PATH (Debian: ``apt-get install -y neovim``). A missing Neovim
fails the test with that instruction: it is never skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.editors

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

MESSY = """import os,sys
def greet( name ):
    print( 'héllo 😀 中文' ,name )
x = {  'a':1,'b' :2 }
"""

FORMATTED = """import os, sys


def greet(name):
    print("héllo 😀 中文", name)


x = {"a": 1, "b": 2}
"""


def neovim() -> str:
    path = shutil.which("nvim")
    if path is None:
        pytest.fail("Neovim (nvim) is not installed: run `apt-get install -y neovim` (Debian/Ubuntu)")
    return path


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"])
def test_neovim_formats_and_writes_the_file(tmp_path: Path, line_ending: str) -> None:
    source = tmp_path / "messy.py"
    source.write_bytes(MESSY.replace("\n", line_ending).encode("utf-8"))
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "HOME": str(tmp_path),  # no user config or shada
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(Path.home() / ".cache"),  # share the compiled-module cache
        "BOOSTER_LSP_CMD": json.dumps([sys.executable, "-m", "booster_lsp.lsp"]),
    }
    done = subprocess.run(
        [neovim(), "--headless", "--clean", "-n", str(source), "-c", f"luafile {HERE / 'nvim_format.lua'}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert source.read_bytes().decode("utf-8") == FORMATTED.replace("\n", line_ending)
