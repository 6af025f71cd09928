"""Format providers: one per module family, each turning BoosterConfig into its module's
options and running the module through an instance pool.

A provider is built lazily on first use (compiling or deserializing its module), so a
process that only formats Python never loads the TypeScript plugin.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

from booster_lsp.config import BoosterConfig
from booster_lsp.core.dprint_config import find_dprint_config
from booster_lsp.core.ruff_config import find_format_options
from booster_lsp.errors import TransformationError
from booster_lsp.wasm.abi.bindgen import RuffFmt
from booster_lsp.wasm.abi.dprint_v4 import DprintConfig, DprintPlugin
from booster_lsp.wasm.abi.plain import PlainFormatter
from booster_lsp.wasm.pool import InstancePool
from booster_lsp.wasm.registry import ModuleRegistry, ModuleSpec
from booster_lsp.wasm.runtime import Limits, WasmRuntime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormatRequest:
    text: str
    language: str
    config: BoosterConfig
    byte_range: tuple[int, int] | None = None  # UTF-8 byte offsets of the range to format
    path: str | None = None  # the file's path: Python takes the project's Ruff configuration

    @property
    def is_stub(self) -> bool:
        """A Python stub (``.pyi``), which Ruff formats in its own style (no blank lines
        between a class's one-line methods, one between top-level definitions)."""
        return self.path is not None and str(self.path).endswith(".pyi")


@dataclass(frozen=True)
class FormatOutput:
    text: str  # the whole document after formatting
    provider: str


class FormatProvider(Protocol):
    provider: str
    fingerprint: str  # module sha256 (or tool version): part of every cache key
    supports_range: bool
    used_wasm: bool

    def options_key(self, request: FormatRequest) -> str: ...

    def format(self, request: FormatRequest) -> FormatOutput: ...


def _limits(config: BoosterConfig) -> Limits:
    return Limits(deadline_ms=config.deadline_ms, memory_bytes=config.memory_limit_mb * 1024 * 1024)


def detect_line_ending(text: str) -> str:
    index = text.find("\n")
    return "crlf" if index > 0 and text[index - 1] == "\r" else "lf"


def ruff_format_settings(config: BoosterConfig, project: dict[str, Any]) -> dict[str, Any]:
    """Ruff's formatting options, as ruff.toml keys: the project's Ruff configuration
    (``ruff_config.find_format_options``), then booster's settings on top where they differ
    from booster's defaults: settings first, as ruff server's ``editorFirst``, and a project
    formats as ``ruff format`` formats it unless booster is told otherwise. The line ending
    is left to Ruff ("auto": the file's own) unless a setting fixes it."""
    options = {key: value for key, value in project.items() if key != "format"}
    formatter = dict(project.get("format", {}))
    python = config.python
    if python.quote_style != "double":
        formatter["quote-style"] = python.quote_style
    if python.magic_trailing_comma == "ignore":
        formatter["skip-magic-trailing-comma"] = True
    if python.docstring_code:
        formatter["docstring-code-format"] = True
    if python.preview:
        formatter["preview"] = True
    if config.use_tabs is not None:
        formatter["indent-style"] = "tab" if config.use_tabs else "space"
    if config.line_ending != "auto":
        formatter["line-ending"] = "cr-lf" if config.line_ending == "crlf" else "lf"
    if config.line_width is not None:
        options["line-length"] = config.line_width
    if config.indent_width is not None:
        options["indent-width"] = config.indent_width
    if formatter:
        options["format"] = formatter
    return options


def _named_config(error: TransformationError, source: Path | None, tool: str) -> TransformationError:
    """A settings error of a module, with the project file the settings came from."""
    if error.kind != "config" or source is None:
        return error
    return TransformationError(f"{error.message} (with the {tool} configuration {source})", kind="config",
                               module=error.module)


class WasmModuleProvider:
    """A provider backed by one verified module of the lock (shared by format and lint)."""

    used_wasm = True
    pool: InstancePool[Any]  # set by each subclass

    def __init__(self, spec: ModuleSpec, registry: ModuleRegistry, runtime: WasmRuntime, config: BoosterConfig) -> None:
        self.spec = spec
        self.provider = spec.provider
        self.fingerprint = spec.sha256
        self.module = runtime.module(spec.name, registry.load_bytes(spec), spec.sha256)
        self.registry = registry
        self.limits = _limits(config)

    def warm(self) -> None:
        """Instantiate ahead of the first request (the language server calls it at initialize)."""
        self.pool.warm()  # every subclass has one


class RuffFormatProvider(WasmModuleProvider):
    supports_range = True

    def __init__(self, spec: ModuleSpec, registry: ModuleRegistry, runtime: WasmRuntime, config: BoosterConfig) -> None:
        super().__init__(spec, registry, runtime, config)
        glue = registry.glue_path(spec)
        self.pool = InstancePool(spec.name, lambda: RuffFmt(self.module, self.limits, glue), config.instances_per_module)

    #: Ruff's own defaults. Only differing keys are sent: every key costs a dozen JS-glue
    #: calls (~0.13 ms) while serde reads the object.
    RUFF_DEFAULTS: dict[str, Any] = {
        "quote_style": "double", "magic_trailing_comma": "respect", "docstring_code": "disabled",
        "preview": "disabled", "line_ending": "lf", "line_width": 88, "indent_width": 4, "indent_style": "space",
    }

    #: The values ruff_fmt takes for the keys it is given (ruff.toml names). It reports a
    #: bad one as a module failure; a project's configuration is checked here instead, so that
    #: it is the settings error it is (never held against the module).
    _VALID: dict[str, Callable[[Any], bool]] = {
        "line-length": lambda value: type(value) is int and 1 <= value <= 320,
        "indent-width": lambda value: type(value) is int and 1 <= value <= 16,
        "preview": lambda value: type(value) is bool,
        "quote-style": lambda value: value in ("double", "single", "preserve"),
        "indent-style": lambda value: value in ("space", "tab"),
        "skip-magic-trailing-comma": lambda value: type(value) is bool,
        "docstring-code-format": lambda value: type(value) is bool,
        "line-ending": lambda value: value in ("auto", "lf", "cr-lf", "native"),
    }

    def module_config(self, request: FormatRequest) -> dict[str, Any]:
        """ruff_fmt's names for ``ruff_format_settings`` (the same options as the whole-file
        formatter, so a range comes out as the whole file would)."""
        source, project = find_format_options(request.path)
        for key, value in [*project.items(), *project.get("format", {}).items()]:
            if key in self._VALID and not self._VALID[key](value):
                raise TransformationError(f"invalid Ruff settings: `{key}` cannot be {value!r} (with the Ruff "
                                          f"configuration {source})", kind="config", module=self.spec.name)
        settings = ruff_format_settings(request.config, project)
        formatter = settings.get("format", {})
        ending = formatter.get("line-ending", "auto")
        enabled = lambda value: "enabled" if value else "disabled"  # noqa: E731 - Ruff's serde enums
        options: dict[str, Any] = {
            "quote_style": formatter.get("quote-style", "double"),
            "magic_trailing_comma": "ignore" if formatter.get("skip-magic-trailing-comma") else "respect",
            "docstring_code": enabled(formatter.get("docstring-code-format")),
            "preview": enabled(formatter.get("preview", settings.get("preview"))),
            "indent_style": formatter.get("indent-style", "space"),
            # ruff_fmt defaults to LF; Ruff's "auto" keeps the file's own ending
            "line_ending": {"cr-lf": "crlf", "lf": "lf"}.get(ending) or detect_line_ending(request.text),
            "line_width": settings.get("line-length", 88),
            "indent_width": settings.get("indent-width", 4),
        }
        if isinstance(formatter.get("docstring-code-line-length"), int):
            options["docstring_code_line_width"] = formatter["docstring-code-line-length"]
        return {key: value for key, value in options.items() if self.RUFF_DEFAULTS.get(key) != value}

    def options_key(self, request: FormatRequest) -> str:
        return json.dumps(self.module_config(request), sort_keys=True) + ("|stub" if request.is_stub else "")

    def format(self, request: FormatRequest) -> FormatOutput:
        options = self.module_config(request)
        source_name = "stub.pyi" if request.is_stub else None  # ruff_fmt takes the source type from it
        if request.byte_range is None:
            text = self.pool.run(lambda ruff: ruff.format(request.text, source_name, options))
            return FormatOutput(text, self.provider)
        start, end = request.byte_range
        code, source_start, source_end = self.pool.run(
            lambda ruff: ruff.format_range(request.text, start, end, source_name, options)
        )
        data = request.text.encode("utf-8")
        merged = data[:source_start] + code.encode("utf-8") + data[source_end:]
        return FormatOutput(merged.decode("utf-8"), self.provider)


class RuffWorkspaceFormatProvider:
    """Python: whole files with Ruff's own WASM build (@astral-sh/ruff-wasm-nodejs, the module
    that also lints), ranges with @wasm-fmt/ruff_fmt, the only build that exports
    ``format_range``, and ``.pyi`` stubs with it too: it takes a file name, from which Ruff
    formats a stub in its stub style, where Ruff's own build formats an anonymous ``.py``.

    Same Ruff version, same output (tests/wasm/test_format.py compares the two), but Ruff's
    own build is compiled for speed where wasm-fmt's is compiled for size: 1.4 ms against
    1.9 ms for shlex.py, 7.4 ms against 9.9 ms for argparse.py. Whole-file formatting is
    what format-on-save and the language server's cache misses run.

    Ruff's own build is also 10 MB of WASM: compiling it takes ~6 s where ruff_fmt takes
    0.6 s (``booster modules install`` compiles both). When it has never been compiled on
    this machine (no artifact in the cache) and the process lives long enough
    (``runtime.compile_in_background``: the language server), ruff_fmt is loaded first and
    formats while Ruff's own build compiles in a background thread, so the first
    format-on-save does not wait for the compiler.
    """

    used_wasm = True
    supports_range = True

    def __init__(self, spec: ModuleSpec, registry: ModuleRegistry, runtime: WasmRuntime, config: BoosterConfig) -> None:
        wasm_bytes = registry.load_bytes(spec)  # verified now: a missing module fails here, clearly
        glue = registry.required_glue(spec)
        self.spec, self._registry, self._runtime, self._config = spec, registry, runtime, config
        self.provider = spec.provider
        self.limits = _limits(config)
        self.range_spec = registry.for_language("python", "format_range")
        # Both modules' hashes: a cached result may be the range module's work.
        self.fingerprint = f"{spec.sha256}+{self.range_spec.sha256}" if self.range_spec else spec.sha256
        self._glue = glue
        self._ruff_fmt: RuffFormatProvider | None = None
        self._lock = threading.Lock()
        self._memo: dict[tuple[int, int], tuple[BoosterConfig, dict[str, Any], dict[str, Any], str]] = {}
        self.ready = threading.Event()  # set when Ruff's own build formats (tests wait on it)
        self.pool: InstancePool[Any] | None = None
        if runtime.artifacts.is_compiled(spec.sha256) or self.range_spec is None or not runtime.compile_in_background:
            self._load(wasm_bytes)
        else:
            # ruff_fmt first: both compilations share wasmtime's compiler threads, and Ruff's
            # thousands of functions would queue ahead of ruff_fmt's.
            self._ranges()
            log.info("compiling %s in the background; %s formats meanwhile", spec.name, self.range_spec.name)
            threading.Thread(target=self._compile, args=(wasm_bytes,), name=f"compile-{spec.name}", daemon=True).start()

    def _load(self, wasm_bytes: bytes) -> None:
        from booster_lsp.wasm.abi.bindgen_externref import RuffWorkspace

        module = self._runtime.module(self.spec.name, wasm_bytes, self.spec.sha256)
        self.pool = InstancePool(
            self.spec.name, lambda: RuffWorkspace(module, self.limits, self._glue), self._config.instances_per_module
        )
        self.ready.set()

    def _compile(self, wasm_bytes: bytes) -> None:
        try:
            self._load(wasm_bytes)
            log.info("%s compiled: Python formatting now runs Ruff's own build", self.spec.name)
        except Exception as error:  # noqa: BLE001 - ruff_fmt keeps formatting
            log.warning("cannot compile %s (%s); Python formatting stays with %s", self.spec.name, error,
                        self.range_spec.name if self.range_spec else "nothing")

    def warm(self) -> None:
        """Instantiate what formats now (the language server calls it at initialize)."""
        (self.pool or self._ranges().pool).warm()

    def workspace_options(self, request: FormatRequest) -> dict[str, Any]:
        """BoosterConfig as ruff.toml keys; only those differing from Ruff's defaults."""
        return self._options(request)[0]

    def _options(self, request: FormatRequest) -> tuple[dict[str, Any], str]:
        """(options, their key), once per settings object and project configuration: asked
        twice per request (the cache key, the call), on the language server's every cache miss."""
        config = request.config
        _, project = find_format_options(request.path)  # the same dict while the file is unchanged
        memo_key = (id(config), id(project))
        memo = self._memo.get(memo_key)
        if memo is not None and memo[0] is config and memo[1] is project:  # the objects: an id may be reused
            return memo[2], memo[3]
        options = ruff_format_settings(config, project)
        key = json.dumps(options, sort_keys=True)
        if len(self._memo) >= 16:
            self._memo.clear()
        self._memo[memo_key] = (config, project, options, key)
        return options, key

    def options_key(self, request: FormatRequest) -> str:
        return self._options(request)[1] + ("|stub" if request.is_stub else "")

    def format(self, request: FormatRequest) -> FormatOutput:
        pool = self.pool
        # Ruff's own build formats an anonymous document as a .py file; ruff_fmt takes a name,
        # from which it formats a stub as one (the same Ruff version: the same output).
        if request.byte_range is not None or pool is None or request.is_stub:
            return self._ranges().format(request)
        options, key = self._options(request)
        try:
            return FormatOutput(pool.run(lambda ruff: ruff.format(request.text, options, key)), self.provider)
        except TransformationError as error:
            raise _named_config(error, find_format_options(request.path)[0], "Ruff") from None

    def _ranges(self) -> "RuffFormatProvider":
        """ruff_fmt, built on first use."""
        with self._lock:
            if self._ruff_fmt is None:
                if self.range_spec is None:
                    raise TransformationError("no installed module formats a range of Python", kind="unsupported")
                self._ruff_fmt = RuffFormatProvider(self.range_spec, self._registry, self._runtime, self._config)
            return self._ruff_fmt


class DprintFormatProvider(WasmModuleProvider):
    supports_range = True

    def __init__(self, spec: ModuleSpec, registry: ModuleRegistry, runtime: WasmRuntime, config: BoosterConfig) -> None:
        super().__init__(spec, registry, runtime, config)
        self.config_key = spec.name.removeprefix("dprint_")
        self.pool = InstancePool(spec.name, lambda: DprintPlugin(self.module, self.limits), config.instances_per_module)

    def module_config(self, request: FormatRequest) -> DprintConfig:
        """The project's dprint configuration (core/dprint_config.py), booster's settings on
        top where they are set: as for Ruff, settings first."""
        config = request.config
        project = find_dprint_config(request.path)[1]
        project_global = project.global_options
        new_line = project_global.get("newLineKind") if config.line_ending == "auto" else config.line_ending
        plugin_options = {**project.plugins.get(self.config_key, {}), **config.dprint.get(self.config_key, {})}
        return DprintConfig(
            line_width=project_global.get("lineWidth") if config.line_width is None else config.line_width,
            indent_width=project_global.get("indentWidth") if config.indent_width is None else config.indent_width,
            use_tabs=project_global.get("useTabs") if config.use_tabs is None else config.use_tabs,
            new_line_kind=new_line,
            plugin=tuple(sorted(plugin_options.items())),
        )

    def options_key(self, request: FormatRequest) -> str:
        return self.module_config(request).to_json()

    def format(self, request: FormatRequest) -> FormatOutput:
        module_config = self.module_config(request)
        path = f"file.{self.spec.extension_for(request.language)}"
        try:
            result = self.pool.run(lambda plugin: plugin.format(request.text, path, module_config, request.byte_range))
        except TransformationError as error:
            raise _named_config(error, find_dprint_config(request.path)[0], "dprint") from None
        return FormatOutput(request.text if result is None else result, self.provider)


class GofmtProvider(WasmModuleProvider):
    supports_range = False

    def __init__(self, spec: ModuleSpec, registry: ModuleRegistry, runtime: WasmRuntime, config: BoosterConfig) -> None:
        super().__init__(spec, registry, runtime, config)
        self.pool = InstancePool(spec.name, lambda: PlainFormatter(self.module, self.limits), config.instances_per_module)

    def options_key(self, request: FormatRequest) -> str:
        return ""  # gofmt has no options, by design

    def format(self, request: FormatRequest) -> FormatOutput:
        if request.byte_range is not None:
            raise TransformationError("gofmt formats whole files only", kind="unsupported")
        result = self.pool.run(lambda gofmt: gofmt.format(request.text))
        return FormatOutput(request.text if result is None else result, self.provider)


class NativeRustfmtProvider:
    """rustfmt has no WASM build in the registries: use the executable when present.
    Reported as ``native:rustfmt``, never as WASM."""

    used_wasm = False
    supports_range = False

    def __init__(self, executable: str, config: BoosterConfig) -> None:
        self.executable = executable
        version = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=10)
        self.fingerprint = version.stdout.strip() or executable
        self.provider = "native:rustfmt"
        self.deadline_s = config.deadline_ms / 1000 * 5  # a process start costs more than a WASM call

    def options_key(self, request: FormatRequest) -> str:
        return json.dumps([request.config.line_width, request.config.indent_width, request.config.use_tabs])

    def format(self, request: FormatRequest) -> FormatOutput:
        if request.byte_range is not None:
            raise TransformationError("rustfmt formats whole files only", kind="unsupported")
        config = request.config
        args = [self.executable, "--emit", "stdout", "--edition", "2021"]
        overrides = []
        if config.line_width is not None:
            overrides.append(f"max_width={config.line_width}")
        if config.indent_width is not None:
            overrides.append(f"tab_spaces={config.indent_width}")
        if config.use_tabs is not None:
            overrides.append(f"hard_tabs={str(config.use_tabs).lower()}")
        if overrides:
            args += ["--config", ",".join(overrides)]
        try:
            done = subprocess.run(args, input=request.text, capture_output=True, text=True, timeout=self.deadline_s)
        except subprocess.TimeoutExpired:
            raise TransformationError(f"rustfmt exceeded its deadline of {self.deadline_s:.0f} s", module="rustfmt",
                                      limit=True) from None
        if done.returncode != 0:
            raise _rustfmt_error(done.stderr)
        return FormatOutput(done.stdout, self.provider)


def _rustfmt_error(stderr: str) -> TransformationError:
    import re

    match = re.search(r"--> <stdin>:(\d+):(\d+)", stderr)
    first = next((line for line in stderr.splitlines() if line.startswith("error")), stderr.strip() or "rustfmt failed")
    if match:
        return TransformationError(
            first.removeprefix("error: "), line=int(match.group(1)), column=int(match.group(2)), kind="syntax", module="rustfmt"
        )
    return TransformationError(first, module="rustfmt")


PROVIDERS_BY_ABI = {
    "bindgen-ruff_fmt": RuffFormatProvider,
    "bindgen-ruff_workspace": RuffWorkspaceFormatProvider,
    "dprint-v4": DprintFormatProvider,
    "plain-gofmt": GofmtProvider,
}


def rustfmt_executable() -> str | None:
    return shutil.which("rustfmt")
