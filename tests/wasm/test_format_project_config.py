"""Python formatting follows the project's Ruff configuration (ruff.toml, .ruff.toml,
pyproject.toml [tool.ruff]) as `ruff format` does, with booster's settings on top."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from booster_lsp import BoosterConfig, WASMBooster

pytestmark = pytest.mark.wasm

RUFF = Path(sys.executable).parent / "ruff"
SOURCE = (
    "def handler(request, response, settings, logger, timeout, retries, backoff):\n"
    "    return {'request': request, 'response': response, 'settings': settings, 'timeout': timeout}\n"
)


@pytest.fixture()
def booster() -> WASMBooster:
    return WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)


def ruff_format(path: Path) -> str:
    """What native Ruff writes for this file, with the configuration it finds for it."""
    done = subprocess.run([str(RUFF), "format", "--stdin-filename", str(path), "-"], input=path.read_text(),
                          capture_output=True, text=True, cwd=path.parent, check=True)
    return done.stdout


def project(tmp_path: Path, config_name: str, config: str) -> Path:
    (tmp_path / "proj" / "pkg").mkdir(parents=True)
    (tmp_path / "proj" / config_name).write_text(config)
    source = tmp_path / "proj" / "pkg" / "mod.py"
    source.write_text(SOURCE)
    return source


@pytest.mark.parametrize(
    ("config_name", "config"),
    [
        ("pyproject.toml", '[project]\nname = "p"\n[tool.ruff]\nline-length = 120\n[tool.ruff.format]\nquote-style = "single"\n'),
        ("ruff.toml", 'line-length = 60\nindent-width = 2\n[format]\nskip-magic-trailing-comma = true\n'),
        (".ruff.toml", '[format]\nindent-style = "tab"\ndocstring-code-format = true\n'),
    ],
)
def test_the_result_is_what_ruff_format_writes_in_that_project(tmp_path, booster, config_name, config):
    source = project(tmp_path, config_name, config)
    result = booster.transform_sync(SOURCE, "format", "python", path=str(source))
    assert result.success, result.error
    assert result.transformed_code == ruff_format(source)
    outside = booster.transform_sync(SOURCE, "format", "python", path=str(tmp_path / "elsewhere.py"))
    assert outside.transformed_code != result.transformed_code  # Ruff's defaults without the project


def test_booster_settings_win_over_the_project(tmp_path, booster):
    source = project(tmp_path, "ruff.toml", "line-length = 120\n[format]\nquote-style = 'single'\n")
    narrow = booster.transform_sync(SOURCE, "format", "python", path=str(source), line_width=40)
    assert max(map(len, narrow.transformed_code.splitlines())) <= 40
    assert "'request'" in narrow.transformed_code  # the project's quotes still
    double = booster.transform_sync(SOURCE, "format", "python", path=str(source), python={"quote_style": "preserve"})
    assert "{'request'" in double.transformed_code


def test_a_changed_or_new_configuration_applies_at_once(tmp_path, booster):
    source = project(tmp_path, "pyproject.toml", '[project]\nname = "p"\n')  # no [tool.ruff]: Ruff's defaults
    default = booster.transform_sync(SOURCE, "format", "python", path=str(source)).transformed_code
    assert max(map(len, default.splitlines())) <= 88
    pyproject = tmp_path / "proj" / "pyproject.toml"
    pyproject.write_text('[project]\nname = "p"\n[tool.ruff]\nline-length = 120\n')  # edited in place
    os.utime(pyproject, ns=(1, 1))  # a new mtime even where the clock's granularity is coarse
    wide = booster.transform_sync(SOURCE, "format", "python", path=str(source)).transformed_code
    assert wide == ruff_format(source) and wide != default
    (tmp_path / "proj" / "pkg" / "ruff.toml").write_text("line-length = 50\n")  # a nearer one, created
    narrow = booster.transform_sync(SOURCE, "format", "python", path=str(source)).transformed_code
    assert narrow == ruff_format(source) and max(map(len, narrow.splitlines())) <= 50


def test_a_range_is_formatted_with_the_same_configuration(tmp_path, booster):
    source = project(tmp_path, "ruff.toml", "[format]\nquote-style = 'single'\n")
    code = 'a = "x"\nb = "y"\n'
    second_line = (len(b'a = "x"\n'), len(code))
    result = booster.transform_sync(code, "format", "python", path=str(source), byte_range=second_line)
    assert result.transformed_code == "a = \"x\"\nb = 'y'\n"


@pytest.mark.parametrize(
    ("config", "fragment"),
    [("line-length = [\n", "cannot read Ruff configuration"), ("line-length = 'wide'\n", "invalid Ruff settings")],
)
@pytest.mark.parametrize("byte_range", [None, (0, 20)], ids=["file", "range"])
def test_a_broken_configuration_is_a_clear_failure_naming_the_file(tmp_path, config, fragment, byte_range):
    source = project(tmp_path, "ruff.toml", config)
    if byte_range is not None and "invalid" in fragment:
        fragment = "invalid Ruff settings: `line-length` cannot be 'wide'"  # checked before ruff_fmt sees it
    for cache in (True, False):
        booster = WASMBooster(BoosterConfig(cache_enabled=cache, quarantine_after=2), stats_path=None)
        for _ in range(3):  # a settings error is never held against the module
            result = booster.transform_sync(SOURCE, "format", "python", path=str(source), byte_range=byte_range)
            assert not result.success and result.error_kind == "config", result.error
            assert fragment in result.error and str(tmp_path / "proj" / "ruff.toml") in result.error
            assert result.transformed_code == SOURCE
