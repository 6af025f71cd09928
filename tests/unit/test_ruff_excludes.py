"""The Python files a project's Ruff configuration leaves out: booster's walk against
``ruff format --check`` / ``ruff check`` on the same tree, and booster's answer for an open
document against ``ruff server``'s (which differ: the CLI checks ``format.exclude`` against
the file alone, the server against the directories above it as well)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from booster_lsp.files import excluded_by_project, iter_source_files
from tests.conftest import require_tool

RUFF = Path(sys.executable).parent / "ruff"
FILES = ("python/test.py", "src/a.py", "src/gen/b.py", "src/gen_c.py", "tests/fixtures/d.py", "tests/e.py",
         "pkg/tests/f.py", "dist/g.py", "build/h.py", "x.pyi", "src/sub/x.pyi", "migrations/0001.py",
         "app/migrations/0002.py")

CASES = {  # configuration files, relative to the project (`../` is outside it)
    "defaults": {"ruff.toml": ""},
    "no configuration": {},
    "format.exclude names a directory": {"ruff.toml": '[format]\nexclude = ["python"]\n'},
    "format.exclude glob": {"ruff.toml": '[format]\nexclude = ["src/gen/*"]\n'},
    "lint.exclude names a directory": {"ruff.toml": '[lint]\nexclude = ["python"]\n'},
    "lint.exclude glob": {"ruff.toml": '[lint]\nexclude = ["src/*"]\n'},
    "extend-exclude names a directory": {"ruff.toml": 'extend-exclude = ["python"]\n'},
    "* crosses /": {"ruff.toml": 'extend-exclude = ["src/*.py"]\n'},
    "a basename glob": {"ruff.toml": 'extend-exclude = ["*.pyi"]\n'},
    "anchored": {"ruff.toml": 'extend-exclude = ["tests/fixtures"]\n'},
    "a name anywhere": {"ruff.toml": 'extend-exclude = ["tests"]\n'},
    "**/": {"ruff.toml": 'extend-exclude = ["**/migrations"]\n'},
    "./": {"ruff.toml": 'extend-exclude = ["./src/gen"]\n'},
    "alternatives": {"ruff.toml": 'extend-exclude = ["src/{gen,sub}"]\n'},
    "?": {"ruff.toml": 'extend-exclude = ["src/gen_?.py"]\n'},
    "own exclude replaces the defaults": {"ruff.toml": 'exclude = ["build"]\n'},
    "pyproject.toml": {"pyproject.toml": '[tool.ruff]\nexclude = []\n\n[tool.ruff.format]\nexclude = ["x.pyi"]\n'},
    "a nested configuration": {"ruff.toml": 'extend-exclude = ["tests"]\n', "pkg/ruff.toml": "exclude = []\n"},
    # an extended file's patterns are anchored at its own directory
    "extend": {"../base.toml": 'extend-exclude = ["src/gen", "project/tests"]\n', "ruff.toml": 'extend = "../base.toml"\n'},
}


def make_project(tmp_path: Path, configs: dict[str, str]) -> Path:
    project = tmp_path / "project"
    for name in FILES:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("import os\nx  =  1\n")
    for name, text in configs.items():
        (project / name).write_text(text)
    return project


@pytest.mark.parametrize("configs", CASES.values(), ids=CASES.keys())
def test_booster_walks_the_files_ruffs_cli_walks(tmp_path: Path, configs: dict[str, str]) -> None:
    ruff = require_tool(RUFF, "pip install -e '.[dev]' (done by ./setup.sh)")
    project = make_project(tmp_path, configs)
    checked = subprocess.run([ruff, "format", "--check", "--no-cache", "."], cwd=project, capture_output=True, text=True)
    formatted = sorted(line.removeprefix("Would reformat: ") for line in checked.stdout.splitlines()
                       if line.startswith("Would reformat: "))
    linted_json = subprocess.run([ruff, "check", "--no-cache", "--select", "F401", "--output-format", "json", "."],
                                 cwd=project, capture_output=True, text=True).stdout
    linted = sorted({Path(item["filename"]).relative_to(project).as_posix() for item in json.loads(linted_json)})
    for purpose, theirs in (("format", formatted), ("lint", linted)):
        ours = sorted(path.relative_to(project).as_posix() for path in iter_source_files([project], purpose=purpose)
                      if path.suffix in (".py", ".pyi"))
        assert ours == theirs, purpose


#: Without a configuration, ruff server stops at the editor's workspace folder, which booster's
#: core is not given: booster then checks the file alone (not compared).
SERVER_CASES = {name: configs for name, configs in CASES.items() if configs}


@pytest.mark.parametrize("configs", SERVER_CASES.values(), ids=SERVER_CASES.keys())
def test_booster_leaves_alone_the_documents_ruff_server_leaves_alone(tmp_path: Path, configs: dict[str, str]) -> None:
    ruff = require_tool(RUFF, "pip install -e '.[dev]' (done by ./setup.sh)")
    project = make_project(tmp_path, configs)
    answers = ruff_server_formats(ruff, project, list(FILES))
    theirs = sorted(name for name, edits in zip(FILES, answers) if edits is not None)
    ours = sorted(name for name in FILES if not excluded_by_project(project / name, "format"))
    assert ours == theirs


def ruff_server_formats(ruff: str, project: Path, names: list[str]) -> list[list | None]:
    """``textDocument/formatting`` of each file, opened unformatted, by a ``ruff server``
    whose workspace is the project: ``None`` where it leaves the file alone."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from benchmark_lsp import Client

    client = Client([ruff, "server"])
    capabilities = {"textDocument": {"formatting": {}, "synchronization": {}}, "workspace": {"configuration": False}}
    client.request("initialize", {"processId": os.getpid(), "rootUri": project.as_uri(), "capabilities": capabilities,
                                  "workspaceFolders": [{"uri": project.as_uri(), "name": "project"}]})
    client.notify("initialized", {})
    results = []
    for name in names:
        uri = (project / name).as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": (project / name).read_text()}})
        results.append(client.request("textDocument/formatting",
                                      {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}) or None)
    client.close()
    return results


def test_a_project_inside_a_directory_ruff_excludes_by_default_is_still_walked(tmp_path: Path) -> None:
    """Ruff's defaults (`dist`, `build`, ...) apply below the directory walked, not above it:
    a checkout in ~/dist/project is formatted, by Ruff and by booster."""
    ruff = require_tool(RUFF, "pip install -e '.[dev]' (done by ./setup.sh)")
    project = tmp_path / "dist" / "project"
    (project / "dist").mkdir(parents=True)
    for name in ("a.py", "dist/b.py"):
        (project / name).write_text("x  =  1\n")
    checked = subprocess.run([ruff, "format", "--check", "--no-cache", "."], cwd=project, capture_output=True, text=True)
    assert [line for line in checked.stdout.splitlines() if line.startswith("Would")] == ["Would reformat: a.py"]
    assert [path.relative_to(project).as_posix() for path in iter_source_files([project])] == ["a.py"]
    assert not excluded_by_project(project / "a.py", "format")
