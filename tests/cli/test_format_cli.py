"""The `booster` command as a user runs it: a real subprocess per test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from booster_lsp.wasm.artifacts import user_cache_dir

pytestmark = pytest.mark.cli

BOOSTER = Path(sys.executable).parent / "booster"
RUFF = Path(sys.executable).parent / "ruff"


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    """A private cache dir (stats file) that shares the compiled modules: no recompiling."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "compiled").symlink_to(user_cache_dir() / "compiled", target_is_directory=True)
    return {**os.environ, "BOOSTER_CACHE_DIR": str(cache)}


def booster(*args: str, env: dict[str, str], stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BOOSTER), *args], input=stdin, capture_output=True, text=True, env=env, cwd=cwd)


def test_stdin_prints_exactly_what_native_ruff_prints(env):
    source = "import os,sys\ndef f( a ):\n  return {'a':a}\n"
    ours = booster("format", "-", "--stdin-filename", "x.py", env=env, stdin=source)
    native = subprocess.run([str(RUFF), "format", "--isolated", "--stdin-filename", "x.py", "-"], input=source,
                            capture_output=True, text=True)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == native.stdout


def test_directory_run_formats_good_files_and_reports_the_broken_one(tmp_path, env):
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "good.py").write_text("x  =  1\n")
    (project / "pkg" / "broken.py").write_text("def f(:\n    pass\n")
    (project / "main.go").write_text("package main\nfunc main(){}\n")
    (project / "ignored").mkdir()
    (project / "ignored" / "skip.py").write_text("y  =  2\n")
    (project / ".gitignore").write_text("ignored/\n")
    (project / "venv").mkdir()
    (project / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / "venv" / "lib.py").write_text("z  =  3\n")
    done = booster("format", str(project), env=env)
    assert done.returncode == 2
    assert f"{project / 'pkg' / 'broken.py'}:1:7: Expected a parameter or the end of the parameter list" in done.stderr
    assert "2 reformatted, 0 unchanged, 1 failed" in done.stderr
    assert (project / "pkg" / "good.py").read_text() == "x = 1\n"
    assert (project / "main.go").read_text() == "package main\n\nfunc main() {}\n"
    assert (project / "pkg" / "broken.py").read_text() == "def f(:\n    pass\n"  # untouched
    assert (project / "ignored" / "skip.py").read_text() == "y  =  2\n"  # .gitignore honoured
    assert (project / "venv" / "lib.py").read_text() == "z  =  3\n"  # virtualenvs skipped


def test_check_and_diff_write_nothing(tmp_path, env):
    path = tmp_path / "a.ts"
    path.write_text("let a={b:1}\n")
    check = booster("format", "--check", str(path), env=env)
    assert check.returncode == 1 and f"would reformat {path}" in check.stderr
    diff = booster("format", "--diff", str(path), env=env)
    assert diff.returncode == 1
    assert "-let a={b:1}\n+let a = { b: 1 };\n" in diff.stdout
    assert path.read_text() == "let a={b:1}\n"
    booster("format", "--file", str(path), env=env)
    assert booster("format", "--check", str(path), env=env).returncode == 0


def test_overrides_from_the_command_line(tmp_path, env):
    source = "def f(a,b):\n    return 'x'\n"
    done = booster("format", "-", "--stdin-filename", "a.py", "--indent-width", "2", "--quote-style", "single",
                   env=env, stdin=source)
    assert done.stdout == "def f(a, b):\n  return 'x'\n"


def test_bad_setting_in_project_file_is_named(tmp_path, env):
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "booster.yaml").write_text("booster:\n  line_width: wide\n")
    (tmp_path / "a.py").write_text("x=1\n")
    done = booster("format", str(tmp_path / "a.py"), env=env)
    assert done.returncode == 2
    assert "line_width" in done.stderr and "booster.yaml" in done.stderr
    assert (tmp_path / "a.py").read_text() == "x=1\n"


def test_stats_persist_across_processes(tmp_path, env):
    path = tmp_path / "a.py"
    path.write_text("x=1\n")
    booster("format", str(path), env=env)
    done = booster("stats", "--json", env=env)
    stats = json.loads(done.stdout)
    assert stats["total_transformations"] == 1 and stats["wasm_hits"] == 1 and stats["estimated"] is True
    human = booster("stats", env=env)
    assert "estimate against LLM baselines" in human.stdout
    booster("cache-clear", "--stats", env=env)
    assert json.loads(booster("stats", "--json", env=env).stdout)["total_transformations"] == 0


def test_modules_list_and_verify(env):
    listed = booster("modules", "list", env=env)
    assert listed.returncode == 0 and "ruff_fmt" in listed.stdout and "dprint_typescript" in listed.stdout
    verified = booster("modules", "verify", env=env)
    assert verified.returncode == 0 and "gofmt" in verified.stdout and "mismatch" not in verified.stdout


def test_version(env):
    done = booster("--version", env=env)
    assert done.returncode == 0 and done.stdout.startswith("booster, version ")


def test_a_file_keeps_its_byte_order_mark_and_line_endings(tmp_path, env):
    source = tmp_path / "bom.py"
    source.write_bytes(b"\xef\xbb\xbfx  =  1\r\ny=[1,2]\r\n")
    done = booster("format", str(source), env=env)
    assert done.returncode == 0, done.stderr
    assert source.read_bytes() == b"\xef\xbb\xbfx = 1\r\ny = [1, 2]\r\n"
    again = booster("format", "--check", str(source), env=env)
    assert again.returncode == 0, again.stderr


def test_a_second_run_skips_files_it_found_formatted_until_they_or_the_settings_change(tmp_path, env):
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("x  =  1\n")
    (project / "b.py").write_text("y = 2\n")
    transformations = lambda: json.loads(booster("stats", "--json", env=env).stdout)["total_transformations"]  # noqa: E731
    assert booster("format", str(project), env=env).returncode == 0
    assert transformations() == 2
    again = booster("format", "--check", str(project), env=env)
    assert again.returncode == 0 and "0 would be reformatted, 2 unchanged" in again.stderr
    assert transformations() == 2  # neither file was formatted again
    (project / "a.py").write_text("x  =  3\n")  # edited: formatted again, and found wrong
    edited = booster("format", "--check", str(project), env=env)
    assert edited.returncode == 1 and f"would reformat {project / 'a.py'}" in edited.stderr
    assert transformations() == 3
    (project / "b.py").write_text("yyyyy = [11111, 22222]\n")
    assert booster("format", str(project / "b.py"), env=env).returncode == 0
    narrow = booster("format", "--check", "--line-width", "10", str(project / "b.py"), env=env)
    assert narrow.returncode == 1  # other settings: not what was recorded
    no_cache = booster("format", "--check", "--no-cache", str(project / "b.py"), env=env)
    assert no_cache.returncode == 0 and transformations() == 6  # --no-cache reads and formats it


def test_parallel_runs_all_count_in_the_statistics(tmp_path, env):
    """A pre-commit hook runs several `booster format` at once: every run's work is counted."""
    files = []
    for n in range(4):
        files.append(tmp_path / f"f{n}.py")
        files[-1].write_text(f"x  =  {n}\n")
    runs = [subprocess.Popen([str(BOOSTER), "format", "--no-cache", str(f)], env=env, stderr=subprocess.DEVNULL)
            for f in files]
    assert [run.wait(timeout=120) for run in runs] == [0, 0, 0, 0]
    assert json.loads(booster("stats", "--json", env=env).stdout)["total_transformations"] == 4


def test_a_symbolic_link_stays_a_link_and_its_target_is_formatted(tmp_path, env):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "t.py"
    target.write_text("x  =  1\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert booster("format", str(link), env=env).returncode == 0
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text() == "x = 1\n"


def test_a_hard_linked_file_stays_one_file_under_both_names(tmp_path, env):
    original = tmp_path / "a.py"
    original.write_text("x  =  1\n")
    other = tmp_path / "b.py"
    os.link(original, other)
    inode = original.stat().st_ino
    assert booster("format", str(original), env=env).returncode == 0
    assert original.stat().st_ino == inode and other.stat().st_ino == inode and original.stat().st_nlink == 2
    assert other.read_text() == "x = 1\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root (CI runs as root)")
def test_a_file_written_by_root_keeps_its_owner_and_mode(tmp_path, env):
    source = tmp_path / "a.py"
    source.write_text("x  =  1\n")
    os.chown(source, 1234, 5678)
    source.chmod(0o640)
    assert booster("format", str(source), env=env).returncode == 0
    status = source.stat()
    assert (status.st_uid, status.st_gid, status.st_mode & 0o777) == (1234, 5678, 0o640)
    assert source.read_text() == "x = 1\n"


def test_a_named_file_no_module_formats_is_reported_as_skipped(tmp_path, env):
    (tmp_path / "notes.yaml").write_text("a:  1\n")
    (tmp_path / "a.py").write_text("x  =  1\n")
    done = booster("format", str(tmp_path / "notes.yaml"), str(tmp_path / "a.py"), env=env)
    assert done.returncode == 0, done.stderr
    assert f"{tmp_path / 'notes.yaml'}: skipped: no language is known for its extension" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("1 reformatted, 0 unchanged, 0 failed, 1 skipped (2 files in ")
    assert (tmp_path / "notes.yaml").read_text() == "a:  1\n"


def test_a_project_is_formatted_as_ruff_formats_it_and_a_changed_configuration_applies(tmp_path, env):
    project = tmp_path / "project"
    project.mkdir()
    config = project / "ruff.toml"
    config.write_text('line-length = 120\n\n[format]\nquote-style = "single"\n')  # as dprint writes TOML
    source = project / "mod.py"
    text = "def f(request, response, settings, logger, timeout, retries, backoff, jitter, limits):\n    return {'a': 1}\n"
    source.write_text(text)
    native = subprocess.run([str(RUFF), "format", "-"], input=text, capture_output=True, text=True, cwd=project)
    assert booster("format", str(project), env=env).returncode == 0
    assert source.read_text() == native.stdout
    # the file is remembered as formatted (core/formatted_files.py), with the configuration
    # in its key: a new line length reformats it
    config.write_text('line-length = 60\n\n[format]\nquote-style = "single"\n')
    done = booster("format", str(project), env=env)
    assert done.returncode == 0 and "1 reformatted" in done.stderr, done.stderr
    assert max(map(len, source.read_text().splitlines())) <= 60


def test_files_a_projects_ruff_and_dprint_configurations_exclude_are_left_alone(tmp_path, env):
    project = tmp_path / "project"
    for directory in ("tests/fixtures", "dist", "src", "web/vendor"):
        (project / directory).mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.ruff]\nextend-exclude = ["tests/fixtures"]\n\n[tool.ruff.format]\nexclude = ["src/generated_*.py"]\n'
    )
    (project / "dprint.json").write_text('{ "excludes": ["web/vendor/**"] }\n')
    for name in ("tests/fixtures/messy.py", "dist/built.py", "src/ok.py", "src/generated_a.py"):
        (project / name).write_text("x  =  1\n")
    for name in ("web/vendor/lib.js", "web/app.js"):
        (project / name).write_text("const a={b:1}\n")
    done = booster("format", "--check", ".", env=env, cwd=project)
    reformat = sorted(line.removeprefix("would reformat ") for line in done.stderr.splitlines() if line.startswith("would"))
    assert reformat == ["src/ok.py", "web/app.js"], done.stderr
    native = subprocess.run([str(RUFF), "format", "--check", "."], capture_output=True, text=True, cwd=project)
    assert [line for line in native.stdout.splitlines() if line.startswith("Would")] == ["Would reformat: src/ok.py"]
    # a directory named on the command line is formatted even where the project excludes it, as by Ruff
    named = booster("format", "--check", "tests/fixtures", env=env, cwd=project)
    assert "would reformat tests/fixtures/messy.py" in named.stderr
    # lint skips what Ruff's lint would: the same excludes (and lint.exclude)
    (project / "src" / "unused.py").write_text("import os\n")
    (project / "tests" / "fixtures" / "unused.py").write_text("import os\n")
    linted = booster("lint", ".", env=env, cwd=project)
    assert "src/unused.py" in linted.stdout and "fixtures" not in linted.stdout, linted.stdout


def test_a_nested_ruff_configuration_decides_for_the_files_below_it_as_in_ruff(tmp_path, env):
    project = tmp_path / "project"
    for directory in ("tests", "pkg/tests", "pkg/dist"):
        (project / directory).mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.ruff]\nextend-exclude = ["tests"]\n')
    (project / "pkg" / "ruff.toml").write_text("exclude = []\n")  # its own: neither `tests` nor Ruff's `dist`
    for name in ("tests/a.py", "pkg/tests/b.py", "pkg/dist/c.py"):
        (project / name).write_text("x  =  1\n")
    done = booster("format", "--check", ".", env=env, cwd=project)
    ours = sorted(line.removeprefix("would reformat ") for line in done.stderr.splitlines() if line.startswith("would"))
    native = subprocess.run([str(RUFF), "format", "--check", "."], capture_output=True, text=True, cwd=project)
    theirs = sorted(line.removeprefix("Would reformat: ") for line in native.stdout.splitlines() if line.startswith("Would"))
    assert ours == theirs == ["pkg/dist/c.py", "pkg/tests/b.py"]
