"""editors/helix/languages.toml parses as TOML and names only commands and languages that exist.

No Helix binary here: the language names, LSP language ids and default language servers below are
copied from Helix's own languages.toml (helix-editor/helix, tag 25.07 / master 079a789e), for the
languages booster-lsp serves.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from booster_lsp.config import validate_config
from booster_lsp.core.operations import LANGUAGE_BY_EXTENSION

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "editors" / "helix" / "languages.toml"
VENV_BIN = ROOT / ".venv" / "bin"

pytestmark = pytest.mark.editors

#: Helix language name -> (the LSP languageId Helix sends, Helix 25.07's default language-servers).
HELIX_LANGUAGES: dict[str, tuple[str, list[str]]] = {
    "python": ("python", ["ty", "ruff", "jedi", "pylsp"]),
    "javascript": ("javascript", ["typescript-language-server"]),
    "jsx": ("javascriptreact", ["typescript-language-server"]),
    "typescript": ("typescript", ["typescript-language-server"]),
    "tsx": ("typescriptreact", ["typescript-language-server"]),
    "go": ("go", ["gopls", "golangci-lint-lsp"]),
    "rust": ("rust", ["rust-analyzer"]),
    "json": ("json", ["vscode-json-language-server"]),
    "jsonc": ("jsonc", ["vscode-json-language-server"]),
    "markdown": ("markdown", ["marksman", "markdown-oxide"]),
    "toml": ("toml", ["taplo", "tombi"]),
}
#: Language servers defined by Helix's languages.toml (25.07) that the file above refers to.
HELIX_SERVERS = {server for _, servers in HELIX_LANGUAGES.values() for server in servers}
#: Keys of a [[language]] entry (helix-core/src/syntax/config.rs LanguageConfiguration) we use.
LANGUAGE_KEYS = {"name", "language-servers", "auto-format"}


@pytest.fixture(scope="module")
def config() -> dict:
    with CONFIG.open("rb") as file:
        return tomllib.load(file)


def test_the_server_command_exists(config: dict) -> None:
    servers = config["language-server"]
    assert set(servers) == {"booster"}
    command = servers["booster"]["command"]
    assert command == "booster-lsp"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"][command] == "booster_lsp.lsp.__main__:main"
    assert shutil.which(command, path=str(VENV_BIN)) == str(VENV_BIN / command), "the console script is installed"


def test_the_settings_are_valid_booster_settings(config: dict) -> None:
    settings = config["language-server"]["booster"].get("config", {})
    assert set(settings) == {"booster"}  # workspace/configuration asks for section `booster`
    validate_config(settings["booster"], str(CONFIG))


def test_languages_are_helix_languages_that_booster_serves(config: dict) -> None:
    languages = config["language"]
    names = [language["name"] for language in languages]
    assert sorted(names) == sorted(HELIX_LANGUAGES), "one entry per language booster serves"
    served = set(LANGUAGE_BY_EXTENSION.values())
    for language in languages:
        assert set(language) <= LANGUAGE_KEYS, language
        language_id, _ = HELIX_LANGUAGES[language["name"]]
        assert language_id in served, f"booster-lsp does not know Helix's language id {language_id}"


def test_format_on_save_with_booster_first(config: dict) -> None:
    for language in config["language"]:
        assert language["auto-format"] is True, language["name"]
        servers = language["language-servers"]
        assert servers[0] == "booster", f"{language['name']}: Helix formats with the first server that can"
        _, defaults = HELIX_LANGUAGES[language["name"]]
        assert servers[1:] == defaults, f"{language['name']}: keep Helix's own servers"
        for server in servers:
            assert server in config["language-server"] or server in HELIX_SERVERS, server
