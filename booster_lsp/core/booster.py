"""WASMBooster.transform: cache -> provider for (operation, language) -> result -> stats.

The core is transport-free: it never imports pygls, lsprotocol, mcp or click.
"""

from __future__ import annotations

import atexit
import json
import logging
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from booster_lsp.config import BoosterConfig, load_config, to_snake
from booster_lsp.core.cache import ResultCache, cache_key
from booster_lsp.core.project_files import lookups_once
from booster_lsp.core.quarantine import Quarantine
from booster_lsp.core.operations import (
    BoosterOperation,
    BoosterStats,
    SourceLocation,
    TransformationResult,
    language_for_path,
    normalize_language,
)
from booster_lsp.core.providers import PROVIDERS_BY_ABI, FormatProvider, NativeRustfmtProvider, rustfmt_executable
from booster_lsp.core.router import OPERATIONS, OperationHandler, OperationRequest, run_after_bom
from booster_lsp.core.stats import StatsRecorder
from booster_lsp.errors import BoosterError, TransformationError
from booster_lsp.wasm.artifacts import user_cache_dir
from booster_lsp.wasm.registry import SYNTAX_MODULE, ModuleRegistry
from booster_lsp.wasm.runtime import Limits, WasmRuntime

if TYPE_CHECKING:  # imported where first used: the syntax module and the LLM are not on a start's path (~15 ms)
    from booster_lsp.core.syntax import SyntaxService
    from booster_lsp.llm.fallback import LLMFallback, LLMOutput

log = logging.getLogger(__name__)

_shared_runtime: WasmRuntime | None = None
_runtime_lock = threading.Lock()


def shared_runtime() -> WasmRuntime:
    """One engine per process: compiled modules and the epoch ticker are shared."""
    global _shared_runtime
    with _runtime_lock:
        if _shared_runtime is None:
            _shared_runtime = WasmRuntime()
        return _shared_runtime


class WASMBooster:
    def __init__(
        self,
        config: BoosterConfig | None = None,
        *,
        runtime: WasmRuntime | None = None,
        stats_path: Path | None | bool = True,
    ) -> None:
        self.config = config if config is not None else load_config()
        self.runtime = runtime or shared_runtime()
        self.registry = ModuleRegistry(self.config.resolved_wasm_dir())
        self._providers: dict[str, FormatProvider | None] = {}
        self._providers_lock = threading.Lock()
        self._syntax_lock = threading.Lock()
        self._syntax: SyntaxService | None = None
        self._llm: LLMFallback | None = None
        self._handlers: dict[tuple[BoosterOperation, str], OperationHandler | None] = {}
        self.cache = ResultCache(self.config.cache_max_entries, self.config.cache_ttl)
        if stats_path is True:
            stats_path = user_cache_dir() / "stats.json" if self.config.performance_tracking else None
        self.stats = StatsRecorder(self.config.llm_baseline_ms.model_dump(), stats_path or None)
        self.quarantine = Quarantine()
        #: transform()'s `_llm` when not given: True lets the LLM run when no module can (the spec's
        #: automatic fallback); front ends that must never wait on it (LSP, plain CLI) set False.
        self.llm_by_default = True
        #: `verify: null` means this front end's choice: on here, off in the language server.
        self.verify_by_default = True
        atexit.register(self.stats.save)

    # ------------------------------------------------------------------ configuration
    def update_config(self, config: BoosterConfig) -> None:
        """Apply a new configuration; providers whose limits changed are rebuilt lazily."""
        engine_keys = ("deadline_ms", "memory_limit_mb", "instances_per_module", "native_tools")
        rebuild = any(getattr(config, key) != getattr(self.config, key) for key in engine_keys)
        # the directory, not its spelling: "./wasm/modules" from the defaults and the absolute
        # path a settings file resolves it to are the same modules (no reload at initialize)
        rebuild = rebuild or config.resolved_wasm_dir() != self.registry.wasm_dir
        if config.cache_max_entries != self.config.cache_max_entries or config.cache_ttl != self.config.cache_ttl:
            self.cache = ResultCache(config.cache_max_entries, config.cache_ttl)
        self.config = config
        if rebuild:
            self.registry = ModuleRegistry(config.resolved_wasm_dir())
            with self._providers_lock, self._syntax_lock:
                self._providers.clear()
                self._handlers.clear()
                self._syntax = None

    @property
    def llm(self) -> LLMFallback:
        """The slow path (llm/fallback.py), built on first use (one per booster: it holds the
        token budget)."""
        llm = self._llm
        if llm is None:
            with self._syntax_lock:
                if self._llm is None:
                    from booster_lsp.llm.fallback import LLMFallback

                    self._llm = LLMFallback(lambda: self.syntax)
                llm = self._llm
        return llm

    @property
    def syntax(self) -> SyntaxService:
        """Our tree-sitter module (parse, errors, queries), loaded on first use.

        Raises WASMModuleNotFound when it has not been built (`python wasm/build.py`)."""
        syntax = self._syntax
        if syntax is not None:
            return syntax
        with self._syntax_lock:  # its own lock: compiling it must not hold up the formatters
            if self._syntax is None:
                from booster_lsp.core.syntax import SyntaxService

                module = self.runtime.module(SYNTAX_MODULE, self.registry.load_syntax_bytes(), self.registry.syntax_sha256())
                limits = Limits(deadline_ms=self.config.deadline_ms, memory_bytes=self.config.memory_limit_mb * 1024 * 1024)
                self._syntax = SyntaxService(module, limits)
            return self._syntax

    # ------------------------------------------------------------------ providers
    def format_provider(self, language: str) -> FormatProvider | None:
        """The provider that formats ``language``, built (and its module loaded) on first use.

        Raises WASMModuleNotFound when the module that serves the language is missing.
        """
        try:
            return self._providers[language]  # built already: no lock to wait on
        except KeyError:
            pass
        with self._providers_lock:
            if language in self._providers:
                return self._providers[language]
            provider: FormatProvider | None = None
            spec = self.registry.for_language(language, "format")
            if spec is not None:
                factory = PROVIDERS_BY_ABI.get(spec.abi)
                if factory is None:
                    raise BoosterError(f"module {spec.name} has unknown abi {spec.abi!r} in {self.registry.lock_path}")
                provider = factory(spec, self.registry, self.runtime, self.config)
            elif language == "rust" and self.config.native_tools and (rustfmt := rustfmt_executable()):
                provider = NativeRustfmtProvider(rustfmt, self.config)
            self._providers[language] = provider
            return provider

    def warm_up(self, languages: list[str]) -> None:
        for language in languages:
            warm = getattr(self.format_provider(language), "warm", None)
            if warm is not None:
                warm()

    # ------------------------------------------------------------------ transform
    async def transform(
        self,
        code: str,
        operation: BoosterOperation | str = BoosterOperation.FORMAT,
        language: str | None = None,
        **options: Any,
    ) -> TransformationResult:
        """Transform ``code``; runs in a worker thread so the event loop stays free."""
        import asyncio  # here: the CLI and the language server's start-up do not need it (~30 ms)

        return await asyncio.to_thread(self.transform_sync, code, operation, language, **options)

    def handler(self, operation: BoosterOperation, language: str) -> OperationHandler | None:
        """The handler of (operation, language), created once; None when nothing serves it."""
        key = (operation, language)
        if key not in self._handlers:
            factory = OPERATIONS.get(operation)
            self._handlers[key] = factory(self, language) if factory is not None else None
        return self._handlers[key]

    def transform_sync(
        self,
        code: str,
        operation: BoosterOperation | str = BoosterOperation.FORMAT,
        language: str | None = None,
        **options: Any,
    ) -> TransformationResult:
        with lookups_once():  # the project's configuration (path): looked up once per call
            return self._transform_sync(code, operation, language, **options)

    def _transform_sync(
        self, code: str, operation: BoosterOperation | str, language: str | None, **options: Any
    ) -> TransformationResult:
        started = time.perf_counter()
        operation = BoosterOperation(operation)
        use_cache = bool(options.pop("_cache", True)) and self.config.cache_enabled
        path = options.pop("path", None)
        byte_range = options.pop("byte_range", None)
        llm_mode = options.pop("_llm", self.llm_by_default)  # True: fallback; False: never; "only": skip modules
        cancel = options.pop("_cancel", None)  # threading.Event that cancels an LLM request
        overrides = {k: v for k, v in options.items() if _is_setting(k)}
        args = {k: v for k, v in options.items() if not _is_setting(k)}
        config = self.config.merged(overrides, "transform() options") if overrides else self.config
        language = normalize_language(language) if language else (language_for_path(path) if path else None)

        def failure(message: str, kind: str, error: TransformationError | None = None) -> TransformationResult:
            elapsed = (time.perf_counter() - started) * 1000
            self._record(operation, elapsed, success=False, used_wasm=False, cache_hit=False)
            return TransformationResult(
                operation=operation, code=code, transformed_code=code, success=False, used_wasm=False,
                execution_time_ms=round(elapsed, 3), error=message, error_kind=kind, error_location=_location(error),
                language=language, provider=error.module if error and error.module else None,
            )

        if not config.enabled:
            return failure("the booster is disabled (setting `enabled: false`)", "config")
        if language is None:
            return failure("no language given and none could be inferred from the path", "unsupported")
        handler = None if llm_mode == "only" else self.handler(operation, language)
        request = OperationRequest(code, language, config, args, path, tuple(byte_range) if byte_range else None)
        llm_blocked = lambda: self.llm.unavailable(config, path, operation) if llm_mode else "not requested"  # noqa: E731
        if handler is None:
            verb = "formats" if operation is BoosterOperation.FORMAT else f"performs {operation.value} for"
            reason = f"no module {verb} {language}" if llm_mode != "only" else "LLM requested"
            if (blocked := llm_blocked()) is None:
                return self._llm_transform(operation, request, started, use_cache, cancel, reason, check_args=True)
            if llm_mode == "only" or "llm.exclude" in blocked:
                reason = f"{reason}; {blocked}"
            return failure(reason, "unsupported")
        if (unexpected := _unexpected_arguments(operation, args, handler.arguments)) is not None:
            return failure(unexpected, "config")
        key = None
        if use_cache:
            try:
                options_part = handler.cache_options(request) + json.dumps(args, sort_keys=True, default=str)
            except TransformationError as error:  # a project configuration that cannot be read
                return failure(error.message, error.kind, error)
            key = cache_key(handler.fingerprint, operation.value, language, code, options_part)
            cached = self.cache.get(key)
            if cached is not None:
                elapsed = (time.perf_counter() - started) * 1000
                saved = self._record(operation, elapsed, success=True, used_wasm=cached.used_wasm, cache_hit=True)
                return TransformationResult(
                    operation=operation, code=code, transformed_code=cached.text, success=True,
                    used_wasm=cached.used_wasm, execution_time_ms=round(elapsed, 3), time_saved_ms=round(saved, 1),
                    cache_hit=True, language=language, provider="cache", diagnostics=cached.diagnostics,
                )
        if (resting := self.quarantine.blocked(handler.fingerprint)) is not None:
            if llm_blocked() is None:
                return self._llm_transform(operation, request, started, use_cache, cancel, resting, check_args=False)
            return failure(resting, "quarantined")
        try:
            output = run_after_bom(handler.run, request)
        except UnicodeEncodeError:  # modules take UTF-8, which a lone surrogate has no encoding in
            return failure((error := _not_unicode(code)).message, error.kind, error)
        except TransformationError as error:
            if error.kind == "module":  # the module's own failure, never a syntax error in the input
                self.quarantine.failed(handler.fingerprint, _module_name(error.module, handler), error.message,
                                       config.quarantine_after, config.quarantine_s, limit=error.limit)
                if llm_blocked() is None:
                    return self._llm_transform(operation, request, started, use_cache, cancel, error.message,
                                               check_args=False)
            return failure(error.message, error.kind, error)
        self.quarantine.succeeded(handler.fingerprint)
        if key is not None:
            self.cache.put(key, output)
        elapsed = (time.perf_counter() - started) * 1000
        saved = self._record(operation, elapsed, success=True, used_wasm=output.used_wasm, cache_hit=False)
        return TransformationResult(
            operation=operation, code=code, transformed_code=output.text, success=True, used_wasm=output.used_wasm,
            execution_time_ms=round(elapsed, 3), time_saved_ms=round(saved, 1), language=language,
            provider=output.provider, diagnostics=output.diagnostics,
        )

    def _llm_transform(
        self, operation: BoosterOperation, request: OperationRequest, started: float, use_cache: bool,
        cancel: threading.Event | None, reason: str, *, check_args: bool,
    ) -> TransformationResult:
        """The slow path (DESIGN §2): the LLM provider, its answer validated (llm/fallback.py).
        A success carries, as the spec shows, why it fell back in ``error``."""
        from booster_lsp.llm.prompts import ARGUMENTS as LLM_ARGUMENTS

        provider = self.llm.provider_name(request.config)
        key = cached = None
        output: LLMOutput | TransformationError
        if check_args and (unexpected := _unexpected_arguments(operation, request.args, LLM_ARGUMENTS)) is not None:
            output = TransformationError(unexpected, kind="config")
        else:
            if use_cache:
                key = cache_key(provider, operation.value, request.language, request.code, self.llm.cache_options(request))
                cached = self.cache.get(key)
            try:
                output = cached or self.llm.transform(operation, request, cancel)
            except TransformationError as error:
                output = error
        elapsed = (time.perf_counter() - started) * 1000
        common = dict(operation=operation, code=request.code, used_wasm=False, execution_time_ms=round(elapsed, 3),
                      language=request.language)
        if isinstance(output, TransformationError):
            self._record(operation, elapsed, success=False, used_wasm=False, cache_hit=False)
            return TransformationResult(**common, transformed_code=request.code, success=False, error=output.message,
                                        error_kind=output.kind, error_location=_location(output), provider=provider)
        if key is not None and cached is None:
            self.cache.put(key, output)
        fresh = cached is None
        saved = self._record(operation, elapsed, success=True, used_wasm=False, cache_hit=not fresh, llm=fresh,
                             tokens_in=output.tokens_in if fresh else 0, tokens_out=output.tokens_out if fresh else 0)
        return TransformationResult(
            **common, transformed_code=output.text, success=True, time_saved_ms=round(saved, 1), cache_hit=not fresh,
            provider=output.provider if fresh else "cache", error=reason, diagnostics=output.diagnostics,
            tokens_in=output.tokens_in if fresh else 0, tokens_out=output.tokens_out if fresh else 0,
        )

    def _record(self, operation: BoosterOperation, elapsed_ms: float, *, success: bool, used_wasm: bool, cache_hit: bool,
                llm: bool = False, tokens_in: int = 0, tokens_out: int = 0) -> float:
        if not self.config.performance_tracking:
            return 0.0
        return self.stats.record(operation.value, elapsed_ms, success=success, used_wasm=used_wasm, cache_hit=cache_hit,
                                 llm=llm, tokens_in=tokens_in, tokens_out=tokens_out)

    # ------------------------------------------------------------------ spec API
    def get_statistics(self) -> BoosterStats:
        return self.stats.snapshot()

    def clear_cache(self) -> None:
        self.cache.clear()

    def take_notices(self) -> list[str]:
        """Messages for the user that must be shown once (a module put in quarantine); each is
        returned by exactly one call. Front ends show them (LSP: window/showMessage)."""
        return self.quarantine.take_notices()


def _module_name(module: str | None, handler: OperationHandler) -> str:
    """``wasm:ruff_fmt@0.15.20`` or ``ruff_fmt`` -> ``ruff_fmt``, for messages."""
    if not module:
        provider = getattr(getattr(handler, "provider", None), "provider", None)
        module = provider or type(handler).__name__
    return module.removeprefix("wasm:").split("@", 1)[0]


def _is_setting(name: str) -> bool:
    """transform() keyword arguments that override settings (snake or camelCase), as
    opposed to operation arguments such as old_name or start_line."""
    return name in BoosterConfig.model_fields or to_snake(name) in BoosterConfig.model_fields


def _unexpected_arguments(operation: BoosterOperation, args: dict[str, Any], accepted: frozenset[str]) -> str | None:
    """The refusal for operation arguments the serving provider does not take, if any."""
    unexpected = sorted(set(args) - accepted)
    return f"{operation.value} does not take argument(s) {', '.join(unexpected)}" if unexpected else None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_unicode(code: str) -> TransformationError:
    """The error for a text holding a lone surrogate: a string from JSON's ``"\\udce9"`` (an LSP
    or MCP client's broken text) or read with ``surrogateescape``. It is not Unicode text;
    no module can be given it."""
    found = _SURROGATE.search(code)
    if found is None:  # in an argument (a new name, a setting), not in the code
        return TransformationError("an argument is not valid Unicode text (it holds a lone surrogate)", kind="config")
    line = code.count("\n", 0, found.start()) + 1
    column = found.start() - code.rfind("\n", 0, found.start())
    return TransformationError(
        f"the text is not valid Unicode: a lone surrogate (U+{ord(found.group()):04X}) at line {line}, "
        f"column {column}; nothing was changed",
        line=line, column=column, kind="syntax",
    )


def _location(error: TransformationError | None) -> SourceLocation | None:
    if error is None or error.line is None:
        return None
    return SourceLocation(line=error.line, column=error.column or 1)
