"""The LLM provider of the slow path: request -> prompt -> answer -> extracted -> validated.

Nothing reaches the user unless it passed every check:
- the input has no syntax error (a broken file is never sent to be "fixed" silently);
- the answer carries a code block (``<booster-code>`` or a single fenced block);
- the result parses with no new syntax errors (our syntax module, for its languages);
- FORMAT changed only whitespace / trailing commas; RENAME replaced only ``old`` by ``new``;
  EXTRACT_FUNCTION left no selection markers and defines the requested name.
Otherwise ``TransformationError("LLM answer rejected: …", kind="llm")``.

Files matching ``llm.exclude`` are never sent; without an API key the path is off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from booster_lsp.config import BoosterConfig, LLMSettings
from booster_lsp.core.operations import BoosterOperation
from booster_lsp.core.router import OperationOutput, OperationRequest
from booster_lsp.errors import BoosterError, TransformationError
from booster_lsp.llm import prompts
from booster_lsp.llm.budget import TokenBudget, estimate_tokens
from booster_lsp.llm.validate import format_difference, identifier_at, rename_difference, tokens

if TYPE_CHECKING:
    from booster_lsp.core.syntax import SyntaxService
    from booster_lsp.llm.client import LLMClient

log = logging.getLogger(__name__)


@dataclass
class LLMOutput(OperationOutput):
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: float = 0.0
    new_name: str | None = None  # the name chosen by a rename suggestion


def excluded(globs: list[str], path: str | os.PathLike[str] | None) -> bool:
    """Does ``path`` match one of ``llm.exclude`` (gitignore-style globs, e.g. ``*.env``,
    ``secrets/**``)? Tried against the path relative to the working directory and as given."""
    if not globs or not path:
        return False
    import pathspec  # ~12 ms to import; only needed once `llm.exclude` is set (language server start-up)

    spec = pathspec.GitIgnoreSpec.from_lines(globs)
    absolute = Path(path).expanduser().absolute()
    candidates = {absolute.as_posix().lstrip("/"), Path(path).as_posix().lstrip("./")}
    try:
        candidates.add(absolute.relative_to(Path.cwd()).as_posix())
    except ValueError:
        pass
    return any(spec.match_file(candidate) for candidate in candidates)


class LLMFallback:
    def __init__(self, syntax: Callable[[], "SyntaxService"], environ: dict[str, str] | None = None) -> None:
        self._syntax = syntax
        self._environ = environ
        self._clients: dict[str, "LLMClient"] = {}
        self._lock = threading.Lock()
        self.budget = TokenBudget()
        self._told_missing_key = False

    # ------------------------------------------------------------------ availability
    def api_key(self, settings: LLMSettings) -> str | None:
        value = (self._environ if self._environ is not None else os.environ).get(settings.api_key_env, "").strip()
        return value or None

    def unavailable(self, config: BoosterConfig, path: str | None,
                    operation: BoosterOperation | None = None) -> str | None:
        """Why the LLM may not be used for this request, or None when it may."""
        if operation is BoosterOperation.LINT:
            return "the LLM does not lint"
        if not config.fallback_to_llm:
            return "fallback_to_llm is off"
        if self.api_key(config.llm) is None:
            return f"no API key (environment variable {config.llm.api_key_env} is not set)"
        if excluded(config.llm.exclude, path):
            return "the file matches llm.exclude and is never sent to the LLM"
        return None

    def missing_key_notice(self, config: BoosterConfig) -> str | None:
        """A message for the editor, returned once per process, when the LLM features are off
        for want of a key."""
        if self._told_missing_key or not config.fallback_to_llm or self.api_key(config.llm) is not None:
            return None
        self._told_missing_key = True
        return (f"booster: LLM features are off: set {config.llm.api_key_env} to enable them "
                "(formatting and refactoring with WASM modules work without it)")

    def provider_name(self, config: BoosterConfig) -> str:
        return f"llm:{config.llm.model}"

    def cache_options(self, request: OperationRequest) -> str:
        settings = request.config.llm
        return "|".join((prompts.PROMPT_VERSION, settings.model, str(settings.max_tokens), str(request.byte_range),
                         repr(sorted(request.args.items()))))

    # ------------------------------------------------------------------ transform
    def client(self, settings: LLMSettings) -> "LLMClient":
        from booster_lsp.llm.client import LLMClient  # imports anthropic: only when the slow path runs

        key = self.api_key(settings)
        if key is None:
            raise TransformationError(f"no API key: set {settings.api_key_env}", kind="llm")
        ident = hashlib.sha256((settings.model_dump_json() + "\0" + key).encode()).hexdigest()
        with self._lock:
            client = self._clients.get(ident)
            if client is None:
                client = self._clients[ident] = LLMClient(settings, key)
            return client

    def transform(self, operation: BoosterOperation, request: OperationRequest,
                  cancel: threading.Event | None = None) -> LLMOutput:
        config = request.config
        reason = self.unavailable(config, request.path)
        if reason is not None:
            raise TransformationError(f"the LLM is not available: {reason}", kind="unsupported")
        code, language, args = request.code, request.language, dict(request.args)
        if operation is BoosterOperation.RENAME and not args.get("old_name") and args.get("offset") is not None:
            chars = prompts.char_range(code, (int(args["offset"]), int(args["offset"])))
            args["old_name"] = identifier_at(language, code, chars[0]) if chars else None
        prompt = prompts.build_prompt(operation, language, code, request.byte_range, args)
        self._refuse_broken_input(language, code)
        self.budget.check(config.llm.max_tokens_per_hour, estimate_tokens(prompt.system, prompt.user, code[prompt.start:prompt.end]))
        answer = self.client(config.llm).complete_sync(prompt.system, prompt.user, cancel)
        self.budget.charge(answer.tokens_in + answer.tokens_out)
        log.info("LLM %s for %s: %d tokens in, %d out, %.0f ms", operation.value, language,
                 answer.tokens_in, answer.tokens_out, answer.latency_ms)
        text, new_name = self._validated(operation, language, code, prompt, answer.text)
        return LLMOutput(text=text, provider=f"llm:{config.llm.model}", used_wasm=False,
                         tokens_in=answer.tokens_in, tokens_out=answer.tokens_out,
                         latency_ms=answer.latency_ms, new_name=new_name)

    # ------------------------------------------------------------------ checks
    def _syntax_service(self, language: str) -> "SyntaxService | None":
        from booster_lsp.core.syntax import SyntaxService

        if not SyntaxService.supports(language):
            return None
        try:
            return self._syntax()
        except BoosterError as error:
            raise TransformationError(f"cannot check code for the LLM without the syntax module: {error}", kind="llm") from None

    def _refuse_broken_input(self, language: str, code: str) -> None:
        syntax = self._syntax_service(language)
        if syntax is None:
            return
        issues = syntax.parse_errors(language, code)
        if issues:
            issue = issues[0]
            line_start = code.encode("utf-8", "surrogatepass")[: issue.start_byte].rfind(b"\n") + 1
            column = len(code.encode("utf-8", "surrogatepass")[line_start: issue.start_byte].decode("utf-8", "replace")) + 1
            raise TransformationError(
                f"syntax error in the input ({issue.message}); fix it first: broken code is never sent to the LLM",
                line=issue.start[0] + 1, column=column, kind="syntax",
            )

    def _validated(self, operation: BoosterOperation, language: str, code: str, prompt: prompts.Prompt,
                   answer: str) -> tuple[str, str | None]:
        def reject(why: str) -> TransformationError:
            return TransformationError(f"LLM answer rejected: {why}", kind="llm")

        snippet = prompts.extract_code(answer)
        if prompts.SELECTION_START in snippet or prompts.SELECTION_END in snippet:
            raise reject("it still contains the selection markers")
        original = code[prompt.start:prompt.end]
        crlf = "\r\n" in original or (prompt.scope == "document" and "\r\n" in code)
        snippet = snippet.replace("\r\n", "\n")
        if original.endswith("\n") and not snippet.endswith("\n"):
            snippet += "\n"
        if crlf:
            snippet = snippet.replace("\n", "\r\n")
        result = code[:prompt.start] + snippet + code[prompt.end:]
        syntax = self._syntax_service(language)
        if syntax is not None:
            new = syntax.new_errors(language, code, result)
            if new:
                raise reject(f"it does not parse ({new[0].message} at line {new[0].start[0] + 1})")
        new_name = None
        if operation is BoosterOperation.FORMAT:
            difference = format_difference(language, original, snippet)
            if difference:
                raise reject(f"it changes more than formatting: {difference}")
        elif operation is BoosterOperation.RENAME:
            old_name = prompt.extra["old_name"]
            new_name = prompt.extra.get("new_name") or (prompts.extract_name(answer) if prompt.expects_name else None)
            if not new_name:
                raise reject("no new name in the answer")
            if new_name == old_name:
                raise reject(f"the suggested name is the old one, `{old_name}`")
            difference = rename_difference(language, code, result, old_name, new_name)
            if difference:
                raise reject(difference)
        elif operation is BoosterOperation.EXTRACT_FUNCTION:
            wanted = prompt.extra.get("function_name")
            if result == code:
                raise reject("nothing was extracted")
            if wanted and not any(t.kind == "ident" and t.text == wanted for t in tokens(language, result)):
                raise reject(f"no function named `{wanted}` in the answer")
        return result, new_name

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

