"""LINT for Python: Ruff's linter in WASM (@astral-sh/ruff-wasm-nodejs), exact answers."""

from __future__ import annotations

import pytest

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.core.lint import ByteLines, apply_fixes, ruff_options
from booster_lsp.core.ruff_config import find_ruff_config

pytestmark = pytest.mark.wasm

CODE = "import os\nx = 1\nif x == True:\n    pass\n"


def test_diagnostics_are_exact(booster: WASMBooster):
    result = booster.transform_sync(CODE, "lint", "python", _llm=False)
    assert result.success, result.error
    assert result.provider == "wasm:ruff_workspace@0.15.20"
    assert [(d["code"], d["line"], d["column"], d["end_line"], d["end_column"], d["start"], d["end"])
            for d in result.diagnostics] == [
        ("F401", 1, 8, 1, 10, 7, 9),
        ("E712", 3, 4, 3, 13, 19, 28),
    ]
    f401, e712 = result.diagnostics
    assert e712["message"] == "Avoid equality comparisons to `True`; use `x:` for truth checks"
    assert e712["url"] == "https://docs.astral.sh/ruff/rules/true-false-comparison/"
    assert e712["source"] == "booster" and e712["severity"] == "warning"
    assert e712["fix"] == {"message": "Replace with `x`", "applicability": "unsafe",
                           "edits": [{"start": 19, "end": 28, "content": "x"}]}
    assert f401["fix"]["applicability"] == "safe"
    assert f401["fix"]["edits"] == [{"start": 0, "end": 10, "content": ""}]
    assert f401["tags"] == ["unnecessary"]


def test_transformed_code_carries_annotations(booster: WASMBooster):
    result = booster.transform_sync(CODE, "lint", "python", _llm=False)
    assert result.transformed_code == (
        "import os  # booster: F401: `os` imported but unused\n"
        "x = 1\n"
        "if x == True:  # booster: E712: Avoid equality comparisons to `True`; use `x:` for truth checks\n"
        "    pass\n"
    )


def test_fix_safe_and_unsafe(booster: WASMBooster):
    safe = booster.transform_sync(CODE, "lint", "python", fix="safe", _llm=False)
    assert safe.transformed_code == "x = 1\nif x == True:\n    pass\n"
    assert [d["code"] for d in safe.diagnostics] == ["E712"]
    unsafe = booster.transform_sync(CODE, "lint", "python", fix="unsafe", _llm=False)
    assert unsafe.transformed_code == "x = 1\nif x:\n    pass\n"
    assert unsafe.diagnostics == []


def test_settings_select_ignore_line_length(booster: WASMBooster):
    long = "x = '" + "a" * 100 + "'\n"
    assert booster.transform_sync(long, "lint", "python", _llm=False).diagnostics == []  # E501 not in defaults
    selected = booster.transform_sync(long, "lint", "python", lint={"select": ["E501"]}, _llm=False)
    assert [(d["code"], d["column"]) for d in selected.diagnostics] == [("E501", 89)]
    wider = booster.transform_sync(long, "lint", "python", lint={"select": ["E501"], "line_length": 120}, _llm=False)
    assert wider.diagnostics == []
    ignored = booster.transform_sync(CODE, "lint", "python", lint={"ignore": ["F401"]}, _llm=False)
    assert [d["code"] for d in ignored.diagnostics] == ["E712"]
    extended = booster.transform_sync("x = 'a' \n", "lint", "python", lint={"extend_select": ["W291"]}, _llm=False)
    assert [d["code"] for d in extended.diagnostics] == ["W291"]


def test_target_version_changes_pyupgrade(booster: WASMBooster):
    code = "from typing import Optional\n\ndef f(x: Optional[int]) -> None: ...\n"
    old = booster.transform_sync(code, "lint", "python", lint={"select": ["UP"], "target_version": "py39"}, _llm=False)
    new = booster.transform_sync(code, "lint", "python", lint={"select": ["UP"], "target_version": "py310"}, _llm=False)
    assert [d["code"] for d in old.diagnostics] == []
    assert [d["code"] for d in new.diagnostics] == ["UP045"]


def test_pyproject_tool_ruff_is_discovered(tmp_path):
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["E501", "F"]\n'
        '[tool.ruff.lint.per-file-ignores]\n"pkg/gen_*.py" = ["F401"]\n'
    )
    source = project / "pkg" / "mod.py"
    found = find_ruff_config(source)
    assert found is not None and found[0] == project / "pyproject.toml"
    booster = WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)
    code = "import os\nx = '" + "a" * 92 + "'\n"  # line of 97 characters: fine at 100
    result = booster.transform_sync(code, "lint", "python", path=str(source), _llm=False)
    assert [d["code"] for d in result.diagnostics] == ["F401"]
    generated = booster.transform_sync(code, "lint", "python", path=str(project / "pkg" / "gen_x.py"), _llm=False)
    assert generated.diagnostics == []
    # booster's own settings win over the project's
    narrowed = booster.transform_sync(code, "lint", "python", path=str(source), lint={"line_length": 80}, _llm=False)
    assert [d["code"] for d in narrowed.diagnostics] == ["F401", "E501"]
    # a nearer ruff.toml wins over the pyproject.toml above it
    (project / "pkg" / "ruff.toml").write_text('[lint]\nselect = ["E"]\n')
    nearer = booster.transform_sync(code, "lint", "python", path=str(source), _llm=False)
    assert [d["code"] for d in nearer.diagnostics] == ["E501"]  # its own line-length (88), no F


def test_ruff_options_merge(tmp_path):
    config = BoosterConfig(lint={"select": ["E"], "extend_select": ["W"], "ignore": ["E501"], "target_version": "py312"})
    assert ruff_options(config, None) == {
        "lint": {"select": ["E"], "extend-select": ["W"], "extend-ignore": ["E501"]}, "target-version": "py312",
    }


def test_syntax_error_is_an_error_diagnostic(booster: WASMBooster):
    result = booster.transform_sync("def f(:\n    pass\n", "lint", "python", _llm=False)
    assert result.success
    assert [(d["code"], d["severity"], d["line"]) for d in result.diagnostics][0] == ("invalid-syntax", "error", 1)


def test_noqa_is_honoured(booster: WASMBooster):
    result = booster.transform_sync("import os  # noqa: F401\n", "lint", "python", _llm=False)
    assert result.diagnostics == []


def test_non_ascii_offsets(booster: WASMBooster):
    code = "s = 'héllo'; import os\n"
    result = booster.transform_sync(code, "lint", "python", _llm=False)
    f401 = next(d for d in result.diagnostics if d["code"] == "F401")
    data = code.encode()
    assert data[f401["start"]:f401["end"]] == b"os"
    assert f401["column"] == 21  # characters, not bytes


def test_apply_fixes_skips_overlaps_and_duplicates():
    from booster_lsp.core.lint import LintDiagnostic, LintEdit, LintFix

    def diag(start, end, content, code="X1"):
        return LintDiagnostic(code, "m", "warning", start, end, 1, 1, 1, 1,
                              fix=LintFix((LintEdit(start, end, content),), "safe"))

    text = "abcdef"
    fixed, count = apply_fixes(text, [diag(0, 2, "X"), diag(1, 3, "Y"), diag(4, 5, "Z"), diag(4, 5, "Z")])
    assert (fixed, count) == ("Xcd" + "Z" + "f", 3)
    assert ByteLines("a\r\nb\rc\n").starts == [0, 3, 5, 7]


def test_instance_warm_check_uses_few_host_calls(booster: WASMBooster):
    handler = booster.handler(__import__("booster_lsp").BoosterOperation.LINT, "python")
    booster.transform_sync("x = 1\n", "lint", "python", _llm=False)
    ruff = handler.provider.pool._idle[0]
    before = ruff.js.host_calls
    booster.transform_sync("y = 2\n", "lint", "python", _llm=False)
    assert ruff.js.host_calls - before < 10  # no diagnostics: only the result array crosses


def test_the_projects_own_modules_are_first_party_as_ruff_finds_them_on_disk(tmp_path):
    """Ruff tells the project's modules from third-party ones by looking in its `src` roots; a
    WASM linter cannot look: booster lists them and passes them as known-first-party, so
    import sorting and type-checking imports come out as `ruff check` says."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["I001", "TC"]\n')
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    (tmp_path / "helpers.py").write_text("X = 1\n")
    (tmp_path / "src" / "inner").mkdir(parents=True)  # the `src` root Ruff also looks in
    sources = {
        "ok.py": "import os\n\nimport attr\n\nimport helpers\nimport inner\nimport mypkg\n\nprint(os, attr, mypkg, helpers, inner)\n",
        "mixed.py": "import os\n\nimport attr\nimport mypkg\n\nprint(os, attr, mypkg)\n",
        "typing_only.py": "from __future__ import annotations\n\nfrom mypkg import Thing\n\n\ndef f(x: Thing) -> None:\n    pass\n",
    }
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
    native = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "--output-format", "json",
                             *sources], cwd=tmp_path, capture_output=True, text=True)
    theirs = sorted((Path(d["filename"]).name, d["code"]) for d in json.loads(native.stdout))
    assert theirs == [("mixed.py", "I001"), ("typing_only.py", "TC001")]  # TC001: first-party, where TC002 is third-party
    booster = WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)
    ours = sorted((name, d["code"]) for name, text in sources.items()
                  for d in booster.transform_sync(text, "lint", "python", path=str(tmp_path / name), _llm=False).diagnostics)
    assert ours == theirs


def booster_and_ruff_findings(project, files: list[str], code: str) -> tuple[list, list]:
    """(file, code) of every finding of booster's lint and of `ruff check` run in ``project``,
    where each of ``files`` holds ``code``."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    native = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "--output-format", "json",
                             *files], cwd=project, capture_output=True, text=True)
    theirs = sorted((Path(d["filename"]).relative_to(project).as_posix(), d["code"]) for d in json.loads(native.stdout))
    booster = WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)
    ours = sorted((name, d["code"]) for name in files
                  for d in booster.transform_sync(code, "lint", "python", path=str(project / name), _llm=False).diagnostics)
    return ours, theirs


def test_per_file_ignores_match_as_in_ruff(tmp_path):
    """Ruff's globs for per-file-ignores: `tests/**/*.py` takes a test directly in tests/,
    `*` crosses `/`, `{a,b}`, a bare name matches the file's name anywhere, `!` where neither
    matches; compared with `ruff check` on the same tree."""

    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff.lint]\nselect = ["F401", "F841", "E711", "E712"]\n\n[tool.ruff.lint.per-file-ignores]\n'
        '"tests/**/*.py" = ["F401"]\n"scripts/*" = ["F841"]\n"{gen,proto}/*.py" = ["E711"]\n'
        '"*_pb2.py" = ["F401", "E711"]\n"!src/**" = ["E712"]\n'
    )
    files = ["tests/test_a.py", "tests/sub/test_b.py", "scripts/deep/run.py", "gen/x.py", "proto/y.py", "pkg/m_pb2.py",
             "src/core.py", "src/deep/more.py", "other.py"]
    code = "import os\n\n\ndef f(a):\n    unused = 1\n    return a == None or a == True\n"
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(code)
    ours, theirs = booster_and_ruff_findings(tmp_path, files, code)
    assert ours == theirs
    assert ("tests/test_a.py", "F401") not in ours and ("src/core.py", "E712") in ours  # the two that fnmatch got wrong


def test_per_file_ignores_of_an_extended_configuration_are_anchored_at_its_own_directory(tmp_path):
    """As Ruff: a base's `src/*.py` means <base dir>/src/*.py, not the extending project's src;
    the extending config's own table replaces the base's, extend-per-file-ignores are joined."""

    (tmp_path / "base.toml").write_text('[lint]\nselect = ["F401", "E711"]\n\n[lint.per-file-ignores]\n'
                                        '"src/*.py" = ["F401"]\n\n[lint.extend-per-file-ignores]\n"*_gen.py" = ["E711"]\n')
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "ruff.toml").write_text('extend = "../base.toml"\n')
    code = "import os\n\nx = None\nprint(x == None)\n"
    files = ["src/a.py", "src/b_gen.py", "c.py"]
    for name in files:
        (project / name).write_text(code)
    ours, theirs = booster_and_ruff_findings(project, files, code)
    assert ours == theirs
    assert ("src/a.py", "F401") in ours and ("src/b_gen.py", "E711") not in ours
