"""Python formatting follows the project's Ruff configuration (ruff.toml, .ruff.toml,
pyproject.toml [tool.ruff]) as `ruff format` does, with booster's settings on top."""

from __future__ import annotations

import json
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


# --------------------------------------------------------------------------- dprint.json
from tests.conftest import ROOT, TOOLS, require_tool  # noqa: E402

TS_SOURCE = 'const value = {alpha: "a", beta: "b", gamma: "c"};\nexport function f(x) { return x }\n'
JSON_SOURCE = '{"name": "x", "list": [1, 2, 3], "nested": {"a": true}}\n'


def dprint_project(tmp_path: Path, name: str = "dprint.json") -> Path:
    """A project whose dprint configuration (JSONC: a comment, trailing commas) the dprint CLI
    reads too, with the plugins booster runs."""
    plugins = [str(ROOT / "wasm" / "modules" / f"dprint_{plugin}.wasm") for plugin in ("typescript", "json")]
    (tmp_path / name).write_text(
        "{\n  // the project's style\n  \"lineWidth\": 40,\n  \"indentWidth\": 3,\n"
        "  \"typescript\": { \"quoteStyle\": \"alwaysSingle\", \"semiColons\": \"asi\", \"associations\": [\"**/*.ts\"], },\n"
        f"  \"json\": {{ \"useTabs\": true }},\n  \"plugins\": {json.dumps(plugins)},\n}}\n"
    )
    (tmp_path / "src").mkdir()
    return tmp_path / "src"


@pytest.mark.parametrize("config_name", ["dprint.json", ".dprint.jsonc"])
def test_js_ts_and_json_are_what_dprint_fmt_writes_in_that_project(tmp_path, booster, config_name):
    dprint = require_tool(TOOLS / "node_modules" / ".bin" / "dprint", "npm install --prefix tests/tools (done by ./setup.sh)")
    src = dprint_project(tmp_path, config_name)
    for name, language, source in (("a.ts", "typescript", TS_SOURCE), ("data.json", "json", JSON_SOURCE)):
        native = subprocess.run([str(dprint), "fmt", "--stdin", name], input=source, capture_output=True, text=True,
                                cwd=src)
        assert native.returncode == 0, native.stderr
        ours = booster.transform_sync(source, "format", language, path=str(src / name))
        assert ours.success, ours.error
        assert ours.transformed_code == native.stdout
        elsewhere = booster.transform_sync(source, "format", language, path=str(tmp_path.parent / name))
        assert elsewhere.transformed_code != ours.transformed_code  # the plugins' defaults outside it


def test_booster_settings_win_over_dprint_json(tmp_path, booster):
    src = dprint_project(tmp_path)
    ours = booster.transform_sync(TS_SOURCE, "format", "typescript", path=str(src / "a.ts"), indent_width=2,
                                  dprint={"typescript": {"semiColons": "always"}})
    assert ours.transformed_code.startswith("const value = {\n  alpha: 'a',\n")  # booster's indent, the project's quotes
    assert "return x;" in ours.transformed_code


@pytest.mark.parametrize(
    ("config", "fragment"),
    [('{"lineWidth": 40,, }', "cannot read dprint configuration"),
     ('{"typescript": {"quoteStyle": "sideways"}}', "invalid dprint_typescript configuration")],
)
def test_a_broken_dprint_configuration_is_a_clear_failure_naming_the_file(tmp_path, config, fragment):
    (tmp_path / "dprint.json").write_text(config)
    booster = WASMBooster(BoosterConfig(quarantine_after=2), stats_path=None)
    for _ in range(3):  # a settings error is never held against the module
        result = booster.transform_sync(TS_SOURCE, "format", "typescript", path=str(tmp_path / "a.ts"))
        assert not result.success and result.error_kind == "config", result.error
        assert fragment in result.error and str(tmp_path / "dprint.json") in result.error
        assert result.transformed_code == TS_SOURCE


def test_a_configuration_that_extends_another_takes_it_in_as_ruff_does(tmp_path, booster):
    from booster_lsp.core.ruff_config import find_ruff_config

    (tmp_path / "base.toml").write_text(
        'line-length = 60\nextend-exclude = ["gen"]\n\n[format]\nquote-style = "single"\n\n[lint]\nselect = ["F"]\n'
    )
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "pyproject.toml").write_text(
        '[tool.ruff]\nextend = "../base.toml"\nindent-width = 2\nextend-exclude = ["fixtures"]\n\n'
        '[tool.ruff.format]\nskip-magic-trailing-comma = true\n'
    )
    source = package / "mod.py"
    source.write_text(SOURCE)
    ours = booster.transform_sync(SOURCE, "format", "python", path=str(source))
    assert ours.transformed_code == ruff_format(source)  # 60 columns, single quotes, 2 spaces
    options = find_ruff_config(source)[1]
    assert options["extend-exclude"] == ["gen", "fixtures"] and options["lint"] == {"select": ["F"]}
    (tmp_path / "base.toml").write_text("line-length = 100\n")  # the extended file changes: so does the result
    os.utime(tmp_path / "base.toml", ns=(2, 2))
    wider = booster.transform_sync(SOURCE, "format", "python", path=str(source))
    assert wider.transformed_code == ruff_format(source) != ours.transformed_code
    (tmp_path / "base.toml").write_text('extend = "pkg/pyproject.toml"\n')  # a cycle: a clear error
    cycle = booster.transform_sync(SOURCE, "format", "python", path=str(source))
    assert not cycle.success and cycle.error_kind == "config" and "cycle" in cycle.error


def test_a_dprint_configuration_that_extends_another_is_read_as_dprint_reads_it(tmp_path, booster):
    dprint = require_tool(TOOLS / "node_modules" / ".bin" / "dprint", "npm install --prefix tests/tools (done by ./setup.sh)")
    (tmp_path / "base.json").write_text('{ "lineWidth": 40, "typescript": { "quoteStyle": "alwaysSingle" } }\n')
    project = tmp_path / "project"
    project.mkdir()
    plugin = ROOT / "wasm" / "modules" / "dprint_typescript.wasm"
    (project / "dprint.json").write_text(
        '{\n  "extends": "../base.json",\n  "indentWidth": 3,\n  "typescript": { "semiColons": "asi" },\n'
        f'  "plugins": ["{plugin}"]\n}}\n'
    )
    native = subprocess.run([str(dprint), "fmt", "--stdin", "a.ts"], input=TS_SOURCE, capture_output=True, text=True,
                            cwd=project)
    assert native.returncode == 0, native.stderr
    ours = booster.transform_sync(TS_SOURCE, "format", "typescript", path=str(project / "a.ts"))
    assert ours.transformed_code == native.stdout and "'a'" in ours.transformed_code
    (tmp_path / "base.json").write_text('{ "lineWidth": 40 }\n')  # the base changes: so does the result
    os.utime(tmp_path / "base.json", ns=(3, 3))
    double = booster.transform_sync(TS_SOURCE, "format", "typescript", path=str(project / "a.ts"))
    assert '"a"' in double.transformed_code
    (tmp_path / "base.json").write_text('{ "extends": "project/dprint.json" }\n')  # a cycle: a clear error
    cycle = booster.transform_sync(TS_SOURCE, "format", "typescript", path=str(project / "a.ts"))
    assert not cycle.success and cycle.error_kind == "config" and "cycle" in cycle.error
