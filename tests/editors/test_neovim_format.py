"""A real editor: headless Neovim formats a messy Python file through booster-lsp.

Needs Neovim >= 0.7 on PATH (Debian: ``apt-get install -y neovim``). A missing Neovim
fails the test with that instruction: it is never skipped.
"""

from __future__ import annotations

import json
import re
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


def format_in_neovim(tmp_path: Path, source: Path, command: list[str], nvim: str | None = None, **extra_env: str) -> None:
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "HOME": str(tmp_path),  # no user config or shada
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(Path.home() / ".cache"),  # share the compiled-module cache
        "BOOSTER_LSP_CMD": json.dumps(command),
        **extra_env,
    }
    done = subprocess.run(
        [nvim or neovim(), "--headless", "--clean", "-n", str(source), "-c", f"luafile {HERE / 'nvim_format.lua'}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"])
def test_neovim_formats_and_writes_the_file(tmp_path: Path, line_ending: str) -> None:
    source = tmp_path / "messy.py"
    source.write_bytes(MESSY.replace("\n", line_ending).encode("utf-8"))
    format_in_neovim(tmp_path, source, [sys.executable, "-m", "booster_lsp.lsp"])
    assert source.read_bytes().decode("utf-8") == FORMATTED.replace("\n", line_ending)


def test_neovim_shows_the_trace_of_a_formatting_request(tmp_path: Path) -> None:
    """trace = "messages" and a $/logTrace handler in Neovim's client config (docs/lsp.md)."""
    source, traces = tmp_path / "messy.py", tmp_path / "traces.txt"
    source.write_text(MESSY, encoding="utf-8")
    format_in_neovim(tmp_path, source, [sys.executable, "-m", "booster_lsp.lsp"], BOOSTER_TRACE_FILE=str(traces))
    assert source.read_text(encoding="utf-8") == FORMATTED
    assert re.fullmatch(r"textDocument/formatting messy\.py v\d+: \d+\.\d{3} ms in the server, \d+\.\d{3} ms of it "
                        r"in the core \([^)]+\)\n", traces.read_text(encoding="utf-8")), traces.read_text(encoding="utf-8")


def test_neovim_formats_through_the_fork_server(tmp_path: Path) -> None:
    """``--fork-server``: the first Neovim's server serves itself and starts the fork server;
    the second Neovim's session is a fork of it (a fork server that found its code stale
    would have exited: it is still there)."""
    import os
    import signal
    import time

    from tests.lsp.test_fork_server import fork_servers

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    command = [sys.executable, "-m", "booster_lsp.lsp", "--fork-server"]
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    for source in (first, second):
        source.write_text(MESSY, encoding="utf-8")
    format_in_neovim(tmp_path, first, command, XDG_RUNTIME_DIR=str(runtime))
    deadline = time.monotonic() + 60
    while not list(runtime.glob("booster-lsp-*/fork-*.sock")) and time.monotonic() < deadline:
        time.sleep(0.1)
    [socket_file] = runtime.glob("booster-lsp-*/fork-*.sock")
    pids = fork_servers(runtime)
    assert len(pids) == 1
    try:
        format_in_neovim(tmp_path, second, command, XDG_RUNTIME_DIR=str(runtime))
        assert first.read_text(encoding="utf-8") == FORMATTED
        assert second.read_text(encoding="utf-8") == FORMATTED
        assert Path(f"/proc/{pids[0]}").exists() and socket_file.exists()
    finally:
        os.kill(pids[0], signal.SIGKILL)


def test_neovim_011_formats_several_ranges_and_leaves_the_lines_between(tmp_path: Path) -> None:
    """``vim.lsp.buf.format({range = {...}})`` with two ranges: Neovim 0.11 sends
    textDocument/rangesFormatting (it refuses several ranges to a server without it)."""
    from tests.editors.test_neovim_config import nvim_binary

    source = tmp_path / "ranges.py"
    source.write_text("a  =  1\nb  =  2\nc  =  3\nd  =  4\n", encoding="utf-8")
    format_in_neovim(tmp_path, source, [sys.executable, "-m", "booster_lsp.lsp"], nvim=nvim_binary("0.11"),
                     BOOSTER_FORMAT_RANGES=json.dumps([[1, 1], [3, 3]]))
    assert source.read_text(encoding="utf-8") == "a = 1\nb  =  2\nc = 3\nd  =  4\n"
