"""BoosterConfig: every setting, its default, camelCase aliases, loading and merging.

Precedence (DESIGN §8): defaults < ~/.config/booster/booster.yaml < settings/booster.yaml
found upward from the file < BOOSTER_* environment < LSP settings / explicit arguments.
YAML keys are snake_case; editors send the same keys in camelCase.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from booster_lsp.errors import ConfigError

SETTINGS_RELATIVE = Path("settings") / "booster.yaml"
USER_SETTINGS = Path("~/.config/booster/booster.yaml")
ENV_PREFIX = "BOOSTER_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


class PythonFormat(_Section):
    """Options of Ruff's formatter (the same names as in ruff.toml's [format])."""

    quote_style: Literal["double", "single", "preserve"] = Field("double", description="Preferred string quotes.")
    magic_trailing_comma: Literal["respect", "ignore"] = Field(
        "respect", description="Keep collections expanded when they end with a trailing comma."
    )
    docstring_code: bool = Field(False, description="Format code examples in docstrings.")
    preview: bool = Field(False, description="Use Ruff's preview style.")


class LintSettings(_Section):
    select: list[str] | None = Field(None, description="Rule codes or prefixes to enable (Ruff syntax).")
    extend_select: list[str] = Field(default_factory=list, description="Rules to enable on top of `select`.")
    ignore: list[str] = Field(default_factory=list, description="Rule codes or prefixes to disable.")
    target_version: str | None = Field(None, description="Python target version, e.g. py311.")
    line_length: int | None = Field(None, gt=0, le=320, description="Line length for E501 and fixes (Ruff's `line-length`).")


class LLMSettings(_Section):
    model: str = Field("claude-sonnet-5-5", description="Anthropic model used for the slow path.")
    api_key_env: str = Field("ANTHROPIC_API_KEY", description="Environment variable holding the API key.")
    base_url: str | None = Field(None, description="Anthropic-compatible endpoint (gateway or proxy).")
    timeout_s: float = Field(60.0, gt=0, description="Timeout of one LLM request, in seconds.")
    max_tokens: int = Field(4096, gt=0, description="Maximum tokens of one LLM answer.")
    max_retries: int = Field(2, ge=0, description="Retries on 429/5xx, with backoff.")
    exclude: list[str] = Field(default_factory=list, description="Globs of files never sent to the LLM.")
    max_tokens_per_hour: int | None = Field(None, gt=0, description="Budget of tokens per hour (none: unlimited).")


class LLMBaselines(_Section):
    """Estimated LLM latency per operation, used for time_saved_ms until real calls are timed."""

    format: float = 5000.0
    lint: float = 3000.0
    refactor_simple: float = 7000.0
    extract_function: float = 7000.0
    rename: float = 4000.0


class BoosterConfig(_Section):
    # --- from the original spec
    enabled: bool = Field(True, description="Enable the booster.")
    wasm_dir: str = Field("./wasm/modules", description="Directory of installed WASM modules.")
    fallback_to_llm: bool = Field(True, description="Fall back to the LLM when no module can do the job.")
    cache_enabled: bool = Field(True, description="Cache transformation results.")
    cache_ttl: int = Field(3600, ge=0, description="Cache entry lifetime, in seconds.")
    performance_tracking: bool = Field(True, description="Record statistics and persist them.")
    # --- engine
    cache_max_entries: int = Field(1024, gt=0, description="Maximum number of cached results.")
    deadline_ms: int = Field(2000, gt=0, description="Deadline of one WASM call, in milliseconds.")
    memory_limit_mb: int = Field(512, gt=0, description="Memory cap of one WASM instance, in MiB.")
    instances_per_module: int = Field(2, gt=0, description="Instances kept per module for concurrent calls.")
    quarantine_after: int = Field(
        5, ge=0, description="Failures in a row after which a module is quarantined (0: never)."
    )
    quarantine_s: float = Field(60.0, ge=0, description="How long a quarantined module rests, in seconds.")
    native_tools: bool = Field(True, description="Use native tools (rustfmt) for languages no WASM module formats.")
    # --- formatting, shared by all formatters (None: the formatter's own default)
    line_width: int | None = Field(
        None, gt=0, le=320, description="Preferred line width (wins over the project's Ruff `line-length` / dprint `lineWidth`)."
    )
    indent_width: int | None = Field(None, gt=0, le=16, description="Spaces per indent level.")
    use_tabs: bool | None = Field(None, description="Indent with tabs.")
    line_ending: Literal["auto", "lf", "crlf"] = Field("auto", description="Line ending of formatted output.")
    python: PythonFormat = Field(default_factory=PythonFormat, description="Python formatter options.")
    dprint: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="dprint plugin options by plugin config key, e.g. typescript.quoteStyle."
    )
    # --- lint
    lint: LintSettings = Field(default_factory=LintSettings, description="Lint rule selection.")
    # --- language server
    diagnostics_debounce_ms: int = Field(200, ge=0, description="Pause after a change before diagnostics run.")
    speculative_format: bool = Field(True, description="Pre-format idle documents so format-on-save is instant.")
    speculative_idle_ms: int = Field(300, ge=0, description="Idle pause before speculative formatting.")
    fix_on_format: bool = Field(
        False,
        description="Formatting a whole document in the language server also applies lint's safe fixes "
        "(as `source.fixAll.booster`: unsafe ones too where the project's Ruff configuration sets "
        "`unsafe-fixes = true`), for editors that format on save but run no code actions then (Helix).",
    )
    verify: bool | None = Field(
        None,
        description="Refuse formatted output with a syntax error the input did not have "
        "(null: on in the CLI, MCP and API; off in the language server, where it costs +140% latency).",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Log level.")
    # --- LLM
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Slow path settings.")
    llm_baseline_ms: LLMBaselines = Field(default_factory=LLMBaselines, description="Estimated LLM latency.")

    def merged(self, overrides: Mapping[str, Any], source: str = "arguments") -> "BoosterConfig":
        """A new config with ``overrides`` (snake_case or camelCase keys) applied on top."""
        data = _deep_merge(self.model_dump(), _snake_keys(dict(overrides)))
        return validate_config(data, source)

    def resolved_wasm_dir(self, base: Path | None = None) -> Path:
        return resolve_wasm_dir(self.wasm_dir, base)


def _snake_keys(value: Any) -> Any:
    """Accept camelCase keys from editors: lineWidth -> line_width (values of `dprint` kept as is)."""
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        snake = to_snake(key) if isinstance(key, str) else key
        result[snake] = item if snake == "dprint" else _snake_keys(item)
    return result


def to_snake(name: str) -> str:
    out = []
    for char in name:
        if char.isupper():
            out.append("_")
            out.append(char.lower())
        else:
            out.append(char)
    return "".join(out)


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def validate_config(data: Mapping[str, Any], source: str) -> BoosterConfig:
    try:
        return BoosterConfig.model_validate(_snake_keys(dict(data)))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"]) or "?"
        if error["type"] == "extra_forbidden":
            raise ConfigError(key, "unknown setting", source) from None
        raise ConfigError(key, error["msg"], source) from None


def find_settings_file(start: Path | None) -> Path | None:
    """settings/booster.yaml in ``start`` or the nearest parent directory."""
    directory = (start or Path.cwd()).resolve()
    if directory.is_file():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        path = candidate / SETTINGS_RELATIVE
        if path.is_file():
            return path
    return None


def read_settings_file(path: Path) -> dict[str, Any]:
    import yaml  # ~20 ms to import: only when there is a settings file (language server start-up)

    try:
        # libyaml's loader when PyYAML has it: the pure-Python one took ~10 ms for our settings file
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError("(file)", f"cannot read YAML: {exc}", str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError("(file)", f"not UTF-8 text: {exc.reason} at byte {exc.start}", str(path)) from None
    if not isinstance(data, dict):
        raise ConfigError("(file)", "expected a mapping of settings", str(path))
    # The spec's layout nests everything under `booster:`; a file of our own may not.
    if set(data) == {"booster"} and isinstance(data["booster"], dict):
        data = data["booster"]
    validate_config(data, str(path))  # name the file in the error, not the merged result
    return data


def environment_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """BOOSTER_CACHE_TTL=10, BOOSTER_LLM__MODEL=x (double underscore descends into sections)."""
    result: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name in {"BOOSTER_CACHE_DIR"}:
            continue
        import yaml  # see read_settings_file

        path = name[len(ENV_PREFIX):].lower().split("__")
        if path[0] not in BoosterConfig.model_fields:
            continue
        target = result
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = yaml.safe_load(raw) if raw.strip() else raw
    return result


#: The editor's settings section (workspace/configuration, didChangeConfiguration).
SECTION = "booster"


def settings_section(raw: Any) -> Mapping[str, Any] | None:
    """The ``booster`` settings in the shapes editors send them:
    ``{"booster": {...}}`` (VS Code, Neovim), ``{"globalSettings": {...}}`` (the VS Code
    Python tools template), a list with one object per workspace folder, or the object itself."""
    if raw is None:
        return None
    if isinstance(raw, list):
        return settings_section(raw[0]) if raw else None
    if not isinstance(raw, Mapping):
        raise ConfigError("(settings)", f"expected an object, got {type(raw).__name__}", "editor")
    if SECTION in raw:
        return settings_section(raw[SECTION]) if raw[SECTION] is not None else None
    if "globalSettings" in raw:
        return settings_section(raw["globalSettings"])
    return raw


def load_config(
    start: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> BoosterConfig:
    """Merge every source in precedence order; the first invalid one raises ConfigError."""
    data: dict[str, Any] = {}
    sources: list[tuple[dict[str, Any], str]] = []
    user_file = USER_SETTINGS.expanduser()
    if user_file.is_file():
        sources.append((read_settings_file(user_file), str(user_file)))
    project_file = find_settings_file(start)
    if project_file is not None:
        file_data = read_settings_file(project_file)
        wasm_dir = file_data.get("wasm_dir") or file_data.get("wasmDir")
        if isinstance(wasm_dir, str) and not Path(wasm_dir).is_absolute():
            # Relative paths in a settings file are relative to the project holding it.
            file_data = {**file_data, "wasm_dir": str((project_file.parent.parent / wasm_dir).resolve())}
            file_data.pop("wasmDir", None)
        sources.append((file_data, str(project_file)))
    env = environment_settings(os.environ if environ is None else environ)
    if env:
        sources.append((env, "environment (BOOSTER_*)"))
    if overrides:
        sources.append((dict(overrides), "arguments"))
    for source_data, source_name in sources:
        data = _deep_merge(data, _snake_keys(source_data))
        validate_config(data, source_name)
    return validate_config(data, "settings")


PACKAGE_ROOT = Path(__file__).resolve().parent
CHECKOUT_ROOT = PACKAGE_ROOT.parent


def resolve_wasm_dir(wasm_dir: str, base: Path | None = None) -> Path:
    """Absolute paths as given; relative ones against ``base`` (or the cwd) if that exists,
    else against the source checkout, else the modules bundled in the installed wheel."""
    path = Path(wasm_dir).expanduser()
    if path.is_absolute():
        return path
    candidates = [(base or Path.cwd()) / path, CHECKOUT_ROOT / path, PACKAGE_ROOT / "_data" / "modules"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return (CHECKOUT_ROOT / path).resolve()


def render_settings_yaml() -> str:
    """settings/booster.yaml, generated from the model so the two cannot drift apart
    (`python -m booster_lsp.config > settings/booster.yaml`; a unit test compares them)."""

    import yaml

    def lines_of(model: type[BaseModel], depth: int) -> list[str]:
        lines = []
        pad = "  " * depth
        for name, field in model.model_fields.items():
            default = field.get_default(call_default_factory=True)
            comment = f"  # {field.description}" if field.description else ""
            if isinstance(default, BaseModel):
                if field.description:
                    lines.append(f"{pad}# {field.description}")
                lines.append(f"{pad}{name}:")
                lines += lines_of(type(default), depth + 1)
            else:
                value = yaml.safe_dump(default, default_flow_style=True).strip().removesuffix("...").strip()
                lines.append(f"{pad}{name}: {value}{comment}")
        return lines

    header = (
        "# booster-lsp settings: every setting with its default.\n"
        "# Precedence: defaults < ~/.config/booster/booster.yaml < this file (found upward from the file\n"
        "# being worked on) < BOOSTER_* environment (BOOSTER_LINE_WIDTH=100, BOOSTER_LLM__MODEL=...) < editor\n"
        "# settings / command-line options. Editors use the same keys in camelCase under `booster`.\n"
        "# `null` means: the formatter's own default (Ruff 88, dprint 120, ...).\n"
    )
    return header + "booster:\n" + "\n".join("  " + line for line in lines_of(BoosterConfig, 0)) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render_settings_yaml(), end="")
