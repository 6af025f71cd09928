"""editors/vscode/package.json's settings are generated from BoosterConfig: one source of truth."""

from __future__ import annotations

import json

import pytest
from pydantic.alias_generators import to_camel

from booster_lsp.config import BoosterConfig
from booster_lsp.editor_schema import CLIENT_SETTINGS, PACKAGE_JSON, configuration_block, main, render_package_json

pytestmark = pytest.mark.unit


def package() -> dict:
    return json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))


def test_package_json_matches_the_model() -> None:
    """Fix a failure with: .venv/bin/python -m booster_lsp.editor_schema --write editors/vscode/package.json"""
    current = package()["contributes"]["configuration"]
    expected = configuration_block()
    assert list(current["properties"]) == list(expected["properties"]), "settings differ (names or order)"
    assert current == expected
    assert PACKAGE_JSON.read_text(encoding="utf-8") == render_package_json(package())


def test_every_model_field_is_a_setting_with_its_default() -> None:
    properties = package()["contributes"]["configuration"]["properties"]
    defaults = BoosterConfig().model_dump(mode="json")

    def walk(data: dict, prefix: str) -> None:
        for name, value in data.items():
            key = f"{prefix}.{to_camel(name)}"
            if isinstance(value, dict) and name != "dprint":
                walk(value, key)
            else:
                assert properties[key]["default"] == value, key
                assert properties[key]["description"], key

    walk(defaults, "booster")
    assert properties["booster.python.quoteStyle"]["enum"] == ["double", "single", "preserve"]
    assert properties["booster.lineWidth"] == {
        "type": ["integer", "null"],
        "default": None,
        "minimum": 1,
        "maximum": 320,
        "description": "Preferred line width (wins over the project's Ruff `line-length` / dprint `lineWidth`).",
    }
    assert properties["booster.llm.timeoutS"]["exclusiveMinimum"] == 0
    assert properties["booster.lint.select"]["type"] == ["array", "null"]
    model_keys = set(properties) - set(CLIENT_SETTINGS)
    assert all(key.startswith("booster.") for key in model_keys)


def test_defaults_validate_against_the_model() -> None:
    """Sending every default back as editor settings is a valid configuration."""
    properties = configuration_block()["properties"]
    nested: dict = {}
    for key, schema in properties.items():
        if key in CLIENT_SETTINGS:
            continue
        parts = key.split(".")[1:]
        target = nested
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = schema["default"]
    assert BoosterConfig().merged(nested) == BoosterConfig()


def test_check_command_reports_a_stale_package_json(tmp_path, capsys) -> None:
    stale = package()
    del stale["contributes"]["configuration"]["properties"]["booster.enabled"]
    path = tmp_path / "package.json"
    path.write_text(json.dumps(stale, indent=2) + "\n", encoding="utf-8")
    assert main(["--check", str(path)]) == 1
    assert "--write" in capsys.readouterr().err
    assert main(["--write", str(path)]) == 0
    assert main(["--check", str(path)]) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == package()
