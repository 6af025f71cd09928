"""Start-up imports run without the cyclic collector, which is on again afterwards
(booster_lsp/_importing.py); an application that had switched it off keeps it off."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

PROBE = """
import gc, json, sys
{before}
collections = []
gc.callbacks.append(lambda phase, info: phase == "stop" and collections.append(info["generation"]))
import booster_lsp.lsp.server
print(json.dumps({{"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), "collections": len(collections)}}))
"""


def _probe(before: str = "") -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE.format(before=before)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_server_imports_leave_the_collector_on_with_their_objects_frozen():
    seen = _probe()
    assert seen["enabled"] is True
    assert seen["frozen"] > 100_000  # the modules, classes and functions of the imports
    assert seen["collections"] < 20  # without the wrapper: over a hundred


def test_an_application_that_switched_the_collector_off_keeps_it_off():
    assert _probe("gc.disable()")["enabled"] is False


# What start-up leaves out: each of these costs 15-800 ms of start-up on the benchmark VM and
# is imported where it is needed (booster_lsp/lsp/arguments.py, booster_lsp/cli.py).
LAZY_PROBE = """
import json, sys
{run}
print(json.dumps(sorted(name for name in {names!r} if name in sys.modules)))
"""


def _imported(run: str, names: list[str]) -> tuple[list[str], subprocess.CompletedProcess]:
    done = subprocess.run([sys.executable, "-c", LAZY_PROBE.format(run=run, names=names)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done


@pytest.mark.parametrize("flag, code", [("--version", 0), ("--help", 0), ("--no-such-flag", 2)])
def test_the_language_server_answers_its_command_line_before_importing_the_server(flag, code):
    run = f"""
from booster_lsp.lsp.__main__ import main
try:
    main([{flag!r}])
except SystemExit as exit:
    assert exit.code == {code}, exit.code
else:
    raise AssertionError("no exit")
"""
    heavy, done = _imported(run, ["booster_lsp.lsp.server", "lsprotocol.types", "pygls", "wasmtime", "pydantic"])
    assert heavy == []
    if flag == "--version":
        assert done.stdout.startswith("booster-lsp ")
    elif flag == "--help":
        assert "--fork-server" in done.stdout
    else:
        assert "unrecognized arguments: --no-such-flag" in done.stderr


def test_formatting_a_file_from_the_cli_imports_no_progress_bar_asyncio_or_gitignore_matcher(tmp_path):
    source = tmp_path / "messy.py"
    source.write_text("x = [1,2]\n")
    run = f"""
from booster_lsp.cli import main
try:
    main(["format", "--no-cache", {str(source)!r}])
except SystemExit as exit:
    assert exit.code == 0, exit.code
"""
    lazy = ["asyncio", "rich.console", "rich.progress", "rich.table", "pathspec", "tarfile", "anthropic"]
    assert _imported(run, lazy)[0] == []
    assert source.read_text() == "x = [1, 2]\n"  # it did format


def test_the_gitignore_matcher_is_imported_when_a_directory_has_a_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    (tmp_path / "ignored.py").write_text("x = [1,2]\n")
    (tmp_path / "kept.py").write_text("x = [1,2]\n")
    run = f"""
from booster_lsp.cli import main
try:
    main(["format", "--no-cache", {str(tmp_path)!r}])
except SystemExit as exit:
    assert exit.code == 0, exit.code
"""
    assert _imported(run, ["pathspec"])[0] == ["pathspec"]
    assert (tmp_path / "ignored.py").read_text() == "x = [1,2]\n"
    assert (tmp_path / "kept.py").read_text() == "x = [1, 2]\n"
