"""Router handlers of RENAME, EXTRACT_FUNCTION and REFACTOR_SIMPLE (one factory each)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from booster_lsp.core.router import OperationOutput, OperationRequest
from booster_lsp.core.syntax import SyntaxService
from booster_lsp.errors import BoosterError, TransformationError
from booster_lsp.text.edits import keep_line_endings

if TYPE_CHECKING:
    from booster_lsp.core.booster import WASMBooster

#: part of every cache key: bump when a refactoring's output changes
REFACTOR_VERSION = "refactor-2"
LANGUAGES = frozenset({"python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust"})


class _SyntaxHandler:
    arguments: frozenset[str] = frozenset()

    def __init__(self, booster: "WASMBooster", language: str) -> None:
        self.booster = booster
        self.language = language
        try:
            sha = booster.registry.syntax_sha256()
        except BoosterError:
            sha = "unknown"
        self.fingerprint = f"{sha}:{REFACTOR_VERSION}"

    @classmethod
    def create(cls, booster: "WASMBooster", language: str):
        return cls(booster, language) if language in LANGUAGES else None

    @property
    def syntax(self) -> SyntaxService:
        return self.booster.syntax

    def cache_options(self, request: OperationRequest) -> str:
        return ""

    def _format(self, original: str, text: str) -> str:
        """Format the code a refactoring wrote with the language's format module (WASM; for
        Rust the native rustfmt provider when present): the formatter's changes are kept where
        they touch the refactoring's lines only, so the rest of the file keeps the user's
        layout. If that mix does not parse, or the result cannot be formatted, the text stays
        as produced."""
        try:
            provider = self.booster.format_provider(self.language)
        except BoosterError:
            return text
        if provider is None or (getattr(provider, "used_wasm", True) is False and self.language != "rust"):
            return text
        from booster_lsp.core.providers import FormatRequest
        from booster_lsp.core.refactor.scopes import parses_cleanly
        from booster_lsp.text.edits import formatting_near_changes

        try:
            formatted = provider.format(FormatRequest(text, self.language, self.booster.config, None)).text
        except TransformationError:
            return text
        result = formatting_near_changes(original, text, formatted)
        if result != formatted and not parses_cleanly(self.syntax, self.language, text.encode("utf-8"),
                                                      result.encode("utf-8")):
            return text
        return result

    def _provider(self) -> str:
        return "wasm:booster-syntax"

    def _output(self, request: OperationRequest, text: str) -> OperationOutput:
        # the code a refactoring writes, and the formatter near it, end lines with "\n": the
        # file's own line ending is restored (a CRLF file came back LF, or mixed)
        return OperationOutput(keep_line_endings(request.code, text), self._provider())


def _int(args: dict[str, Any], name: str, required: bool = False) -> int | None:
    value = args.get(name)
    if value is None:
        if required:
            raise TransformationError(f"missing argument {name!r}", kind="refused")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TransformationError(f"argument {name!r} must be an integer, got {value!r}", kind="refused") from None


class RenameHandler(_SyntaxHandler):
    arguments = frozenset({"old_name", "new_name", "line", "column"})

    def run(self, request: OperationRequest) -> OperationOutput:
        from booster_lsp.core.refactor.rename import rename

        args = request.args
        if not args.get("new_name"):
            raise TransformationError("missing argument 'new_name'", kind="refused")
        text = rename(self.syntax, request.language, request.code, args.get("old_name"), str(args["new_name"]),
                      _int(args, "line"), _int(args, "column"))
        return self._output(request, text)


class ExtractFunctionHandler(_SyntaxHandler):
    arguments = frozenset({"start_line", "end_line", "function_name"})

    def run(self, request: OperationRequest) -> OperationOutput:
        from booster_lsp.core.refactor.extract import extract_function

        args = request.args
        text = extract_function(self.syntax, request.language, request.code, _int(args, "start_line", True),
                                _int(args, "end_line", True), str(args.get("function_name") or "extracted"))
        return self._output(request, self._format(request.code, text))


class RefactorSimpleHandler(_SyntaxHandler):
    arguments = frozenset({"refactor_type", "start_line", "end_line", "line", "column", "name", "replace_all"})

    def run(self, request: OperationRequest) -> OperationOutput:
        args = request.args
        kind = args.get("refactor_type") or "simplify"
        syntax, language, code = self.syntax, request.language, request.code
        if kind == "simplify":
            from booster_lsp.core.refactor.simplify import simplify

            text = simplify(syntax, language, code, _int(args, "start_line"), _int(args, "end_line"))
        elif kind == "inline":
            from booster_lsp.core.refactor.inline import inline_variable

            text = inline_variable(syntax, language, code, _int(args, "line", True), _int(args, "column"),
                                   args.get("name"))
        elif kind == "extract_constant":
            from booster_lsp.core.refactor.constant import extract_constant

            text = extract_constant(syntax, language, code, _int(args, "line", True), _int(args, "column"),
                                    args.get("name"), bool(args.get("replace_all", True)))
        else:
            raise TransformationError(
                f"unknown refactor_type {kind!r}; expected simplify, inline or extract_constant", kind="refused")
        return self._output(request, text)
