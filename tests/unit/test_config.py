from pathlib import Path

import pytest

from booster_lsp.config import BoosterConfig, environment_settings, load_config, validate_config
from booster_lsp.errors import ConfigError

pytestmark = pytest.mark.unit


def test_defaults_match_the_spec():
    config = BoosterConfig()
    assert (config.enabled, config.wasm_dir, config.fallback_to_llm) == (True, "./wasm/modules", True)
    assert (config.cache_enabled, config.cache_ttl, config.performance_tracking) == (True, 3600, True)
    assert config.llm_baseline_ms.format == 5000 and config.llm_baseline_ms.rename == 4000


def test_camel_case_keys_from_editors_are_accepted():
    config = BoosterConfig().merged({"lineWidth": 100, "python": {"quoteStyle": "single"}, "cacheTtl": 5})
    assert config.line_width == 100 and config.python.quote_style == "single" and config.cache_ttl == 5


def test_unknown_key_names_key_and_file(tmp_path: Path):
    settings = tmp_path / "settings" / "booster.yaml"
    settings.parent.mkdir()
    settings.write_text("booster:\n  cache_ttl: 10\n  line_widht: 3\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, environ={})
    assert info.value.key == "line_widht"
    assert str(settings) in str(info.value)


def test_wrong_type_names_the_key():
    with pytest.raises(ConfigError) as info:
        validate_config({"cache_ttl": "soon"}, "test")
    assert info.value.key == "cache_ttl" and "test" in str(info.value)


def test_precedence_file_then_environment_then_arguments(tmp_path: Path):
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "booster.yaml").write_text("cache_ttl: 10\nline_width: 70\ndeadline_ms: 100\n")
    nested = tmp_path / "pkg" / "mod"
    nested.mkdir(parents=True)
    config = load_config(nested, overrides={"line_width": 90}, environ={"BOOSTER_DEADLINE_MS": "250", "BOOSTER_LLM__MODEL": "m"})
    assert config.cache_ttl == 10  # from the file found upward
    assert config.deadline_ms == 250  # environment beats the file
    assert config.line_width == 90  # arguments beat everything
    assert config.llm.model == "m"


def test_relative_wasm_dir_in_a_settings_file_is_relative_to_its_project(tmp_path: Path):
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "booster.yaml").write_text("wasm_dir: mods\n")
    assert load_config(tmp_path, environ={}).wasm_dir == str(tmp_path / "mods")


def test_environment_ignores_unrelated_variables():
    assert environment_settings({"BOOSTER_CACHE_DIR": "/x", "BOOSTER_NOPE": "1", "HOME": "/"}) == {}


def test_settings_file_lists_every_setting_with_its_default():
    from booster_lsp.config import CHECKOUT_ROOT, read_settings_file, render_settings_yaml

    path = CHECKOUT_ROOT / "settings" / "booster.yaml"
    assert path.read_text() == render_settings_yaml(), "regenerate: python -m booster_lsp.config > settings/booster.yaml"
    assert BoosterConfig.model_validate(read_settings_file(path)) == BoosterConfig()


def test_readme_settings_table_names_every_setting():
    from pydantic import BaseModel

    from booster_lsp.config import CHECKOUT_ROOT

    readme = (CHECKOUT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            default = field.get_default(call_default_factory=True)
            key = f"{prefix}{name}"
            if isinstance(default, BaseModel):
                if f"`{key}.*`" not in readme:
                    walk(type(default), f"{key}.")
            elif f"`{key}`" not in readme:
                missing.append(key)

    walk(BoosterConfig, "")
    assert not missing, f"README's settings table lacks {missing}"


def test_a_settings_file_that_is_not_utf8_is_a_config_error_naming_the_file(tmp_path):
    from booster_lsp.config import read_settings_file
    from booster_lsp.errors import ConfigError

    path = tmp_path / "booster.yaml"
    path.write_bytes(b"line_width: 80\n# caf\xe9\n")
    with pytest.raises(ConfigError) as raised:
        read_settings_file(path)
    assert str(raised.value).endswith(f"{path}: not UTF-8 text: invalid continuation byte at byte 20")
