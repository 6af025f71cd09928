"""The files a dprint configuration's ``includes`` and ``excludes`` select: booster's walk
against the dprint CLI's own list (``dprint output-file-paths``) for the same tree."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from booster_lsp.files import excluded_by_project, iter_source_files
from tests.conftest import ROOT, TOOLS, require_tool

FILES = ("src/a.ts", "src/sub/b.ts", "src/g.json", "web/c.ts", "web/vendor/d.ts", "lib/e.ts", "top.ts", "src/h.js",
         "x.ts/y.ts", "docs/[id].ts")
PLUGINS = [str(ROOT / "wasm" / "modules" / name) for name in ("dprint_typescript.wasm", "dprint_json.wasm")]

CASES = {
    "no lists": {},
    "a directory's files": {"includes": ["src/**"]},
    "a bare name at any depth": {"includes": ["*.ts"]},
    "a directory's name takes no file": {"includes": ["src"]},
    "a trailing slash takes no file": {"includes": ["lib/"]},
    "anchored by an inner slash": {"includes": ["sub/*.ts"]},
    "anchored by ./": {"includes": ["./web/**/*.ts"]},
    "alternatives": {"includes": ["**/*.{ts,json}"]},
    "classes and ?": {"includes": ["[sl]*/*.ts", "?op.ts", "docs/[[]id[]].ts"]},
    "a backslash is a slash": {"includes": ["src\\sub\\*.ts", "docs/\\[id\\].ts"]},
    "the last line decides": {"includes": ["!web/**", "**/*.ts"]},
    "negated last": {"includes": ["**/*.ts", "!web/**"]},
    "** between": {"includes": ["src/**/b.ts", "/top.ts"]},
    "excludes a name anywhere": {"excludes": ["vendor"]},
    "excludes with alternatives": {"excludes": ["**/*.{js,json}"]},
    "excludes taken back": {"excludes": ["web/**", "!web/c.ts"]},
    "a directory excluded cannot be taken back": {"excludes": ["web", "!web/c.ts"]},
    "both": {"includes": ["src/**/*.{ts,json}"], "excludes": ["src/sub"]},
}


@pytest.mark.parametrize("lists", CASES.values(), ids=CASES.keys())
def test_booster_selects_the_files_dprint_selects(tmp_path: Path, lists: dict) -> None:
    dprint = require_tool(TOOLS / "node_modules" / ".bin" / "dprint", "npm install --prefix tests/tools (done by ./setup.sh)")
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("const a={b:1}\n" if not name.endswith(".json") else '{"a":1}\n')
    # the configuration is JSONC, and not a file of the tree (dprint's JSON plugin would list it)
    (tmp_path / "dprint.jsonc").write_text(json.dumps({**lists, "plugins": PLUGINS}))
    listed = subprocess.run([dprint, "output-file-paths"], cwd=tmp_path, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    theirs = sorted(Path(line).relative_to(tmp_path).as_posix() for line in listed.stdout.splitlines()
                    if not line.endswith("dprint.jsonc"))
    ours = sorted(path.relative_to(tmp_path).as_posix() for path in iter_source_files([tmp_path])
                  if path.name != "dprint.jsonc")
    assert ours == theirs
    # the language server asks file by file: the same answer
    assert sorted(name for name in FILES if not excluded_by_project(tmp_path / name, "format")) == theirs
