"""The operation x language matrix, as data: which handler serves an operation.

A handler factory takes the booster and a language and returns a handler, or None when
nothing serves that pair (then the LLM fallback, or an "unsupported" result). Adding an
operation means adding one line here and one module beside this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Protocol

from booster_lsp.config import BoosterConfig
from booster_lsp.core.operations import BoosterOperation
from booster_lsp.core.providers import FormatRequest
from booster_lsp.core.python_ast import NOT_COMPARED, ast_difference
from booster_lsp.errors import TransformationError

if TYPE_CHECKING:
    from booster_lsp.core.booster import WASMBooster


@dataclass(frozen=True)
class OperationRequest:
    code: str
    language: str
    config: BoosterConfig
    args: dict[str, Any] = field(default_factory=dict)  # operation arguments: old_name, start_line, ...
    path: str | None = None
    byte_range: tuple[int, int] | None = None


@dataclass
class OperationOutput:
    text: str
    provider: str
    used_wasm: bool = True
    diagnostics: list[dict[str, Any]] = field(default_factory=list)


class OperationHandler(Protocol):
    fingerprint: str  # module sha256(s): part of every cache key, so upgrades invalidate
    #: argument names the operation accepts (anything else is refused by name)
    arguments: frozenset[str]

    def cache_options(self, request: OperationRequest) -> str: ...

    def run(self, request: OperationRequest) -> OperationOutput: ...


HandlerFactory = Callable[["WASMBooster", str], "OperationHandler | None"]


BOM = "\ufeff"


def run_after_bom(run: Callable[[OperationRequest], OperationOutput], request: OperationRequest) -> OperationOutput:
    """An operation run on the text after its byte order mark, the mark put back on the output
    (WASMBooster.transform_sync calls every handler through this). Every module drops the
    mark, and a refactoring that inserts at the top of a file put its code before it (a U+FEFF
    in the middle of a Python file is a syntax error); the file's encoding mark is kept, as
    Ruff's and dprint's own CLIs keep it. Positions in the output (line and column, lint's
    byte offsets) are those of the text after the mark, as an editor shows it."""
    if not request.code.startswith(BOM):
        return run(request)
    byte_range = request.byte_range
    if byte_range is not None:  # byte offsets into the text with its mark (3 bytes in UTF-8)
        byte_range = (max(0, byte_range[0] - 3), max(0, byte_range[1] - 3))
    output = run(replace(request, code=request.code[len(BOM):], byte_range=byte_range))
    output.text = BOM + output.text
    return output


class FormatHandler:
    arguments = frozenset()

    def __init__(self, booster: "WASMBooster", language: str) -> None:
        provider = booster.format_provider(language)
        assert provider is not None
        self.booster = booster
        self.provider = provider
        self.fingerprint = provider.fingerprint

    @classmethod
    def create(cls, booster: "WASMBooster", language: str) -> "FormatHandler | None":
        return cls(booster, language) if booster.format_provider(language) is not None else None

    def _request(self, request: OperationRequest) -> FormatRequest:
        return FormatRequest(request.code, request.language, request.config, request.byte_range, request.path)

    def cache_options(self, request: OperationRequest) -> str:
        verify = "verify" if self._verifies(request) else ""
        return self.provider.options_key(self._request(request)) + (f"{request.byte_range}" if request.byte_range else "") + verify

    def run(self, request: OperationRequest) -> OperationOutput:
        output = self.provider.format(self._request(request))
        if self._verifies(request) and output.text != request.code:
            self._verify(request, output.text, output.provider)
        return OperationOutput(output.text, output.provider, used_wasm=self.provider.used_wasm)

    def _verifies(self, request: OperationRequest) -> bool:
        verify = request.config.verify
        return self.booster.verify_by_default if verify is None else verify

    def _verify(self, request: OperationRequest, formatted: str, provider: str) -> None:
        """The formatter's output must be the same program for Python (equal ASTs, black's safe
        mode) and, for every language with a grammar, parse with no syntax error the input did
        not have. Python inputs CPython can parse need no tree-sitter parse (the AST check is
        stricter); otherwise one parse in the common case: the input is only parsed when the
        output has errors."""
        difference = None
        if request.language == "python":
            difference = ast_difference(request.code, formatted, docstring_code=request.config.python.docstring_code)
            if difference is None:
                return
        from booster_lsp.core.syntax import SyntaxService  # here: only verify needs it, not a start

        if SyntaxService.supports(request.language):
            syntax = self.booster.syntax
            if syntax.parse_errors(request.language, formatted) and (
                new := syntax.new_errors(request.language, request.code, formatted)
            ):
                issue = new[0]
                raise TransformationError(
                    f"{provider} produced output with a new syntax error ({issue.message} at line {issue.start[0] + 1}); "
                    "nothing was changed",
                    line=issue.start[0] + 1, column=issue.start[1] + 1, kind="module", module=provider,
                )
        if difference is not None and difference != NOT_COMPARED:
            raise TransformationError(
                f"{provider} produced output that is not the same program ({difference}); nothing was changed",
                kind="module", module=provider,
            )


def _lint_handler(booster: "WASMBooster", language: str) -> "OperationHandler | None":
    from booster_lsp.core.lint import LintHandler  # Ruff in WASM for Python, syntax rules otherwise

    return LintHandler.create(booster, language)


def _refactor_handler(name: str) -> HandlerFactory:
    def factory(booster: "WASMBooster", language: str) -> "OperationHandler | None":
        from booster_lsp.core.refactor import handlers  # syntax-module scopes, all five languages

        return getattr(handlers, name).create(booster, language)

    return factory


def _factories() -> dict[BoosterOperation, HandlerFactory]:
    return {
        BoosterOperation.FORMAT: FormatHandler.create,
        BoosterOperation.LINT: _lint_handler,
        BoosterOperation.RENAME: _refactor_handler("RenameHandler"),
        BoosterOperation.EXTRACT_FUNCTION: _refactor_handler("ExtractFunctionHandler"),
        BoosterOperation.REFACTOR_SIMPLE: _refactor_handler("RefactorSimpleHandler"),
    }


OPERATIONS: dict[BoosterOperation, HandlerFactory] = _factories()
