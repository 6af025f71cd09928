"""One prompt per operation, and the extraction of the code block from the answer.

Every prompt sends the code to transform and only the context that operation needs:
FORMAT and RENAME send the document (or the selection), EXTRACT_FUNCTION the document with
the selection marked, REFACTOR_SIMPLE / instructed refactors the selection plus a few read-only
lines around it. The answer must carry the whole transformed snippet between
``<booster-code>`` and ``</booster-code>``; :func:`extract_code` finds it robustly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from booster_lsp.core.operations import BoosterOperation
from booster_lsp.errors import TransformationError

PROMPT_VERSION = "1"  # part of the cache key of LLM results
OPEN, CLOSE = "<booster-code>", "</booster-code>"
NAME_OPEN, NAME_CLOSE = "<booster-name>", "</booster-name>"
SELECTION_START, SELECTION_END = "<<<BOOSTER-SELECTION-START>>>", "<<<BOOSTER-SELECTION-END>>>"
CONTEXT_LINES = 30

#: operation arguments the LLM path understands
ARGUMENTS = frozenset({"instruction", "old_name", "new_name", "offset", "line", "column", "function_name",
                       "start_line", "end_line", "refactor_type"})

REFACTOR_TASKS = {
    "simplify": "Simplify this code without changing its behaviour: remove redundancy, flatten needless nesting, "
                "use the language's idioms. Keep names of public items.",
    "inline": "Inline the local variable that is assigned once into its uses, without changing behaviour.",
    "extract_constant": "Lift the literal value in this code into a named UPPER_CASE constant defined at module "
                        "level, and use the constant where the literal was.",
}

SYSTEM = (
    "You are a precise code transformation engine inside a code editor. You receive code and one task. "
    "Do exactly that task and nothing else: keep behaviour, comments and everything the task does not "
    "mention unchanged. Answer with the complete transformed code between the lines "
    f"{OPEN} and {CLOSE}, with no Markdown fences inside, and with at most one short sentence outside."
)

LANGUAGE_NAMES = {"javascriptreact": "JavaScript (JSX)", "typescriptreact": "TypeScript (TSX)", "go": "Go",
                  "python": "Python", "rust": "Rust", "javascript": "JavaScript", "typescript": "TypeScript"}


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    #: "document": the answer replaces the whole document; "selection": only [start:end]
    scope: str
    start: int = 0  # character offsets of what the answer replaces
    end: int = 0
    expects_name: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def char_range(code: str, byte_range: tuple[int, int] | None) -> tuple[int, int] | None:
    """UTF-8 byte offsets (the core's unit) -> character offsets of ``code``."""
    if byte_range is None:
        return None
    data = code.encode("utf-8", "surrogatepass")
    start, end = sorted(byte_range)
    if not 0 <= start <= end <= len(data):
        raise TransformationError(f"range {start}..{end} is outside the document ({len(data)} bytes)", kind="config")
    to_char = lambda b: len(data[:b].decode("utf-8", "surrogatepass"))  # noqa: E731
    return to_char(start), to_char(end)


def line_range(code: str, start_line: int, end_line: int) -> tuple[int, int]:
    """Character offsets of lines start_line..end_line (1-based, inclusive)."""
    lines = code.splitlines(keepends=True)
    if not 1 <= start_line <= end_line <= len(lines):
        raise TransformationError(f"lines {start_line}..{end_line} are outside the document ({len(lines)} lines)",
                                  kind="config")
    start = sum(len(line) for line in lines[: start_line - 1])
    return start, start + sum(len(line) for line in lines[start_line - 1:end_line])


def _fenced(language: str, code: str) -> str:
    return f"{OPEN}\n{code}\n{CLOSE}"


def _context(code: str, start: int, end: int) -> str:
    before = code[:start].splitlines(keepends=True)[-CONTEXT_LINES:]
    after = code[end:].splitlines(keepends=True)[:CONTEXT_LINES]
    return "".join(before) + SELECTION_START + code[start:end] + SELECTION_END + "".join(after)


def build_prompt(operation: BoosterOperation, language: str, code: str, byte_range: tuple[int, int] | None,
                 args: dict[str, Any]) -> Prompt:
    name = LANGUAGE_NAMES.get(language, language)
    chars = char_range(code, byte_range)
    if chars is None and args.get("start_line") is not None:
        chars = line_range(code, int(args["start_line"]), int(args.get("end_line") or args["start_line"]))
    if operation is BoosterOperation.FORMAT:
        task = (f"Format this {name} code the way the language's standard formatter would (for Rust: rustfmt's "
                "default style; for Go: gofmt). Change only whitespace, line breaks and trailing commas: never "
                "rename, reorder, add or remove anything else (no import sorting, no added semicolons).")
        return _snippet_prompt(task, name, code, chars)
    if operation is BoosterOperation.REFACTOR_SIMPLE:
        instruction = str(args.get("instruction") or "").strip()
        kind = str(args.get("refactor_type") or "simplify")
        if not instruction and kind not in REFACTOR_TASKS:
            raise TransformationError(f"unknown refactor_type {kind!r}", kind="config")
        task = f"Rewrite the code as instructed: {instruction}" if instruction else REFACTOR_TASKS[kind]
        return _snippet_prompt(task, name, code, chars, with_context=True)
    if operation is BoosterOperation.EXTRACT_FUNCTION:
        if chars is None or chars[0] == chars[1]:
            raise TransformationError("extract function needs a selection (byte_range)", kind="config")
        start, end = chars
        wanted = str(args.get("function_name") or "").strip()
        naming = f"named `{wanted}`" if wanted else "with a short descriptive name"
        marked = code[:start] + SELECTION_START + code[start:end] + SELECTION_END + code[end:]
        user = (f"Extract the code between {SELECTION_START} and {SELECTION_END} into a new function {naming}, "
                "placed right before the function or item that contains it, and replace the selection with a "
                "call to it (pass what it reads, return what later code needs). Return the whole file without "
                f"the selection markers.\n\nLanguage: {name}\n\n{_fenced(language, marked)}")
        return Prompt(SYSTEM, user, "document", 0, len(code), extra={"function_name": wanted})
    if operation is BoosterOperation.RENAME:
        old = str(args.get("old_name") or "").strip()
        if not old:
            raise TransformationError("rename needs old_name (the identifier to rename)", kind="config")
        new = str(args.get("new_name") or "").strip()
        where = f" (the binding used at line {args['line']}, column {args.get('column', 1)})" if args.get("line") else ""
        if new:
            task = f"Rename the identifier `{old}`{where} to `{new}` everywhere it refers to the same binding."
            expects_name = False
        else:
            task = (f"Suggest a clearer name for the identifier `{old}`{where} and rename it everywhere it refers to "
                    f"the same binding. Put the new name alone between {NAME_OPEN} and {NAME_CLOSE} before the code.")
            expects_name = True
        user = (f"{task} Change nothing else.\n\nLanguage: {name}\n\n{_fenced(language, code)}")
        return Prompt(SYSTEM, user, "document", 0, len(code), expects_name=expects_name,
                      extra={"old_name": old, "new_name": new})
    raise TransformationError(f"the LLM does not perform {operation.value}", kind="unsupported")


def _snippet_prompt(task: str, name: str, code: str, chars: tuple[int, int] | None, *, with_context: bool = False) -> Prompt:
    if chars is None or chars == (0, len(code)):
        return Prompt(SYSTEM, f"{task}\n\nLanguage: {name}\n\n{_fenced(name, code)}", "document", 0, len(code))
    start, end = chars
    context = ""
    if with_context:
        context = (f"\n\nFor reference only (do not return it), the selection in its surroundings, between "
                   f"{SELECTION_START} and {SELECTION_END}:\n<context>\n{_context(code, start, end)}\n</context>")
    user = (f"{task} Keep the indentation of the first line. Return only the transformed selection.\n\n"
            f"Language: {name}\n\nSelection:\n{_fenced(name, code[start:end])}{context}")
    return Prompt(SYSTEM, user, "selection", start, end)


# ---------------------------------------------------------------------- answers
_FENCE = re.compile(r"^```[^\n`]*\n(.*?)^```[ \t]*$", re.S | re.M)


def extract_code(answer: str) -> str:
    """The code of the answer: between the booster tags (first opening, last closing), else
    the only fenced Markdown block. No block: TransformationError("LLM answer rejected: …")."""
    text = answer.replace("\r\n", "\n")
    start = text.find(OPEN)
    end = text.rfind(CLOSE)
    if start != -1 and end > start:
        body = text[start + len(OPEN):end]
        body = body[1:] if body.startswith("\n") else body
        body = body[:-1] if body.endswith("\n") else body
        inner = _FENCE.fullmatch(body.strip("\n")) if body.lstrip().startswith("```") else None
        if inner is not None:
            body = inner.group(1).removesuffix("\n")
        return body
    blocks = _FENCE.findall(text)
    if len(blocks) == 1:
        return blocks[0].removesuffix("\n")
    if len(blocks) > 1:
        raise TransformationError("LLM answer rejected: several code blocks and no <booster-code> block", kind="llm")
    raise TransformationError("LLM answer rejected: the answer has no code block", kind="llm")


def extract_name(answer: str) -> str | None:
    match = re.search(re.escape(NAME_OPEN) + r"\s*([^<\s]+)\s*" + re.escape(NAME_CLOSE), answer)
    return match.group(1).strip("`") if match else None
