"""`booster lint` through click's runner, on files in a temporary directory."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from booster_lsp.cli import main

pytestmark = pytest.mark.cli

CODE = "import os\nx = 1\nif x == True:\n    pass\n"


@pytest.fixture()
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOSTER_CACHE_ENABLED", "false")
    monkeypatch.setenv("BOOSTER_PERFORMANCE_TRACKING", "false")
    (tmp_path / "a.py").write_text(CODE)
    (tmp_path / "clean.py").write_text("x = 1\n")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, ["lint", *args])


def test_text_output_and_exit_code(project):
    result = run(str(project / "a.py"))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f"{project / 'a.py'}:1:8: F401 [*] `os` imported but unused",
        f"{project / 'a.py'}:3:4: E712 Avoid equality comparisons to `True`; use `x:` for truth checks",
    ]


def test_clean_file_exits_zero(project):
    result = run(str(project / "clean.py"))
    assert result.exit_code == 0 and result.stdout == ""


def test_json_output(project):
    result = run("--output-format", "json", str(project / "a.py"))
    data = json.loads(result.stdout)
    assert [(d["code"], d["line"], d["column"], d["fix"]["applicability"]) for d in data] == [
        ("F401", 1, 8, "safe"), ("E712", 3, 4, "unsafe")]
    assert data[0]["filename"] == str(project / "a.py")


def test_github_output(project):
    result = run("--output-format", "github", "--select", "F", str(project / "a.py"))
    assert result.stdout.splitlines() == [
        f"::warning title=booster (F401),file={project / 'a.py'},line=1,col=8,endLine=1,endColumn=10::"
        f"{project / 'a.py'}:1:8: F401 `os` imported but unused"]


def test_fix_writes_safe_fixes_only(project):
    result = run("--fix", str(project))
    assert result.exit_code == 1  # E712 remains: its fix is unsafe
    assert (project / "a.py").read_text() == "x = 1\nif x == True:\n    pass\n"
    assert (project / "clean.py").read_text() == "x = 1\n"


def test_unsafe_fixes(project):
    result = run("--fix", "--unsafe-fixes", str(project / "a.py"))
    assert result.exit_code == 0, result.output
    assert (project / "a.py").read_text() == "x = 1\nif x:\n    pass\n"


def test_select_and_ignore(project):
    assert run("--select", "E7", str(project / "a.py")).stdout.count("\n") == 1
    assert run("--ignore", "F401,E712", str(project / "a.py")).exit_code == 0


def test_a_file_that_could_not_be_linted_is_never_summed_up_as_all_checks_passed(project):
    (project / "deep.py").write_text("x = " + " + ".join(["a"] * 5000) + "\n")  # deeper than Ruff's stack
    alone = run(str(project / "deep.py"), str(project / "clean.py"))
    assert alone.exit_code == 2
    assert f"{project / 'deep.py'}: module ruff_workspace overflowed its stack" in alone.stderr
    assert alone.stderr.splitlines()[-1] == "No errors found; 1 file could not be linted (above)."
    with_findings = run(str(project / "deep.py"), str(project / "a.py"))
    assert with_findings.exit_code == 2
    assert with_findings.stderr.splitlines()[-2] == "Found 2 errors. 1 file could not be linted (above)."
    assert with_findings.stderr.splitlines()[-1].startswith("[*] 1 fixable with the `--fix` option")


def test_paths_without_a_lintable_file_warn_instead_of_passing(project):
    (project / "notes.yaml").write_text("a: 1\n")
    result = run(str(project / "notes.yaml"))
    assert result.exit_code == 0
    assert result.stderr == "warning: no Python, JavaScript, TypeScript, Go or Rust file under the given paths\n"


def test_a_file_that_is_not_utf8_is_named_with_the_place_as_format_names_it(project):
    (project / "latin.py").write_bytes(b'x = "caf\xe9"\n')
    result = run(str(project / "latin.py"))
    assert result.exit_code == 2
    assert f"{project / 'latin.py'}: not UTF-8: invalid continuation byte at byte 8" in result.stderr


def test_the_summary_says_what_fix_and_unsafe_fixes_would_fix_as_ruff_does(project):
    """The line after the summary is Ruff's, word for word (checked against `ruff check`)."""
    import subprocess
    import sys
    from pathlib import Path

    (project / "b.py").write_text("import os\nimport sys\n\nif x == None:\n    pass\n")
    ruff = Path(sys.executable).parent / "ruff"
    for flags in (["--select", "F401,E711"], ["--select", "E711"], ["--select", "E711", "--unsafe-fixes"]):
        ours = run(*flags, str(project / "b.py"))
        theirs = subprocess.run([str(ruff), "check", "--no-cache", *flags, str(project / "b.py")], capture_output=True, text=True)
        assert ours.stderr.splitlines()[-1] == theirs.stdout.splitlines()[-1], flags


@pytest.mark.parametrize("setting", [None, True, False])
def test_unsafe_fixes_of_the_project_configuration_as_ruff_reads_it(project, monkeypatch, setting):
    """Ruff's top-level `unsafe-fixes` (read from the working directory's configuration):
    true applies the unsafe fixes with --fix and counts them as fixable, false hides the hint
    about them; --unsafe-fixes / --no-unsafe-fixes override it. Every summary line and every
    fixed file is compared with `ruff check`'s."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    ruff = Path(sys.executable).parent / "ruff"
    code = "import os\nimport sys\n\nif x == None:\n    pass\n"
    table = "" if setting is None else f"unsafe-fixes = {str(setting).lower()}\n"
    (project / "pyproject.toml").write_text(f'[tool.ruff]\n{table}[tool.ruff.lint]\nselect = ["F401", "E711"]\n')
    monkeypatch.chdir(project)
    for flags in ([], ["--unsafe-fixes"], ["--no-unsafe-fixes"], ["--fix"], ["--fix", "--no-unsafe-fixes"]):
        ours_dir, theirs_dir = project / "ours", project / "theirs"
        for directory in (ours_dir, theirs_dir):
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            (directory / "b.py").write_text(code)
        ours = run(*flags, "ours/b.py")
        theirs = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "concise", *flags, "theirs/b.py"],
                                capture_output=True, text=True, cwd=project)
        summary = [line for line in theirs.stdout.splitlines() if not line.startswith("theirs/")]
        assert ours.stderr.splitlines() == summary, (setting, flags)
        assert (ours_dir / "b.py").read_text() == (theirs_dir / "b.py").read_text(), (setting, flags)
        assert ours.exit_code == theirs.returncode, (setting, flags)
