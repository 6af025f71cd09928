"""booster's own lint rules for JavaScript, TypeScript, Go and Rust, on the syntax module.

Each rule is a query file, ``wasm/queries/<grammar>/lint/<CODE>.scm``, plus a small Python
check that turns one match into a diagnostic (and, where it is safe, a fix). Captures:
``@target`` is the flagged node; other names are the rule's own. A comment directive on the
flagged line suppresses a rule: ``// booster-ignore: BJS001`` (several codes comma-separated;
no codes: every rule).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from booster_lsp.config import BoosterConfig
from booster_lsp.config import CHECKOUT_ROOT, PACKAGE_ROOT
from booster_lsp.core.lint import ByteLines, LintDiagnostic, LintEdit, LintFix, LintOutput, SAFE, UNSAFE, fix_until_stable
from booster_lsp.core.syntax import GRAMMARS, query_path
from booster_lsp.wasm.abi.syntax_v1 import Capture

LINT_LANGUAGES = {"javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust"}
def _rules_doc() -> str:
    """A file: URI of docs/lint-rules.md (in the checkout, or bundled in the wheel): the
    codeDescription editors open from a diagnostic. There is no hosted copy to link to."""
    for candidate in (CHECKOUT_ROOT / "docs" / "lint-rules.md", PACKAGE_ROOT / "_data" / "lint-rules.md"):
        if candidate.is_file():
            return candidate.as_uri() + "#"
    return (CHECKOUT_ROOT / "docs" / "lint-rules.md").as_uri() + "#"


DOCS_URL = _rules_doc()
SUPPRESS = re.compile(r"booster-ignore(?::\s*([A-Z]{3}\d{3}(?:\s*,\s*[A-Z]{3}\d{3})*))?")

Match = dict[str, Capture]
Finding = tuple[str, tuple[LintEdit, ...] | None, str]  # message, fix edits, applicability


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    description: str
    fix: str | None  # "safe" | "unsafe" | None
    check: Callable[["_Doc", Match], Finding | None]

    @property
    def url(self) -> str:
        return DOCS_URL + self.code.lower()


class _Doc:
    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")

    def src(self, capture: Capture) -> str:
        return self.data[capture.start_byte:capture.end_byte].decode("utf-8")

    def line_of(self, offset: int) -> str:
        start = self.data.rfind(b"\n", 0, offset) + 1
        end = self.data.find(b"\n", offset)
        return self.data[start:end if end >= 0 else len(self.data)].decode("utf-8", "replace")


def _edit(capture: Capture, content: str) -> tuple[LintEdit, ...]:
    return (LintEdit(capture.start_byte, capture.end_byte, content),)


def _is_empty_block(doc: _Doc, capture: Capture) -> bool:
    inner = doc.src(capture).strip()
    return inner.startswith("{") and inner.endswith("}") and not inner[1:-1].strip()


def _wrap(text: str) -> str:
    """Parenthesize an operand unless it is a plain name, call or member access."""
    return text if re.fullmatch(r"[\w.$]+(\(.*\))?", text, re.S) else f"({text})"


_NEGATE = {"==": "!=", "!=": "==", "===": "!==", "!==": "==="}


# --------------------------------------------------------------------------- shared checks
def _delete_statement(doc: _Doc, m: Match) -> Finding:
    target = m["target"]
    if "nofix" in m:
        return "`debugger` statement", _edit(target, "{}"), SAFE
    start, end = target.start_byte, target.end_byte
    line_start = doc.data.rfind(b"\n", 0, start) + 1
    line_end = doc.data.find(b"\n", end)
    line_end = len(doc.data) if line_end < 0 else line_end
    if not doc.data[line_start:start].strip() and not doc.data[end:line_end].strip():
        start, end = line_start, min(line_end + 1, len(doc.data))  # the whole line
    return "`debugger` statement", (LintEdit(start, end, ""),), SAFE


def _self_compare(doc: _Doc, m: Match) -> Finding | None:
    left, right = doc.src(m["left"]), doc.src(m["right"])
    if left != right or re.fullmatch(r"[\d.]+", left):
        return None
    return f"comparing `{left}` with itself", None, SAFE


def _unreachable(doc: _Doc, m: Match) -> Finding | None:
    target = m["target"]
    if target.kind in ("comment", "line_comment", "block_comment", "function_declaration", "empty_statement",
                       "function_item", "}"):
        return None
    return f"unreachable code after `{doc.src(m['jump']).split()[0].rstrip(';')}`", None, SAFE


def _empty_block(kind: str) -> Callable[[_Doc, Match], Finding | None]:
    def check(doc: _Doc, m: Match) -> Finding | None:
        return (f"empty {kind}", None, SAFE) if _is_empty_block(doc, m["target"]) else None

    return check


def _bool_literal(strict_types: bool) -> Callable[[_Doc, Match], Finding | None]:
    """x == true -> x; x == false -> !x (safe where the type system guarantees a bool)."""

    def check(doc: _Doc, m: Match) -> Finding | None:
        left, op, literal = doc.src(m["left"]), doc.src(m["op"]), doc.src(m["literal"])
        positive = (literal == "true") == (op in ("==", "==="))
        replacement = left if positive else f"!{_wrap(left)}"
        return (f"comparison to `{literal}`: use `{replacement}`", _edit(m["target"], replacement),
                SAFE if strict_types else UNSAFE)

    return check


def _needless_bool(return_form: bool) -> Callable[[_Doc, Match], Finding | None]:
    def check(doc: _Doc, m: Match) -> Finding | None:
        then, other = doc.src(m["then"]), doc.src(m["else"])
        if then == other:
            return None
        cond = doc.src(m["cond"])
        value = cond if then == "true" else f"!{_wrap(cond)}"
        replacement = f"return {value}" if return_form else value
        return f"needless `if` around a boolean: use `{replacement}`", _edit(m["target"], replacement), SAFE

    return check


def _self_assign(doc: _Doc, m: Match) -> Finding | None:
    left, right = doc.src(m["left"]), doc.src(m["right"])
    return (f"`{left}` is assigned to itself", None, SAFE) if left == right else None


# --------------------------------------------------------------------------- JS / TS
def _duplicate_keys(doc: _Doc, matches: list[Match]) -> list[tuple[Capture, str]]:
    seen: dict[tuple[int, str], Capture] = {}
    found = []
    for m in matches:
        key = doc.src(m["key"]).strip("'\"`")
        ident = (m["object"].start_byte, key)
        if ident in seen:
            found.append((m["key"], f"duplicate key `{key}` (the earlier value is overwritten)"))
        else:
            seen[ident] = m["key"]
    return found


def _ternary(doc: _Doc, m: Match) -> Finding | None:
    then, other = doc.src(m["then"]), doc.src(m["else"])
    if then == other:
        return None
    cond = m["cond"]
    text = doc.src(cond)
    comparison = cond.kind == "binary_expression" and re.search(r"(===|!==|==|!=|<=|>=|<|>|\binstanceof\b|\bin\b)", text)
    if then == "true":
        replacement = text if comparison else f"Boolean({text})"
    else:
        replacement = f"!{_wrap(text)}"
    return f"needless ternary: use `{replacement}`", _edit(m["target"], replacement), SAFE


def _loose_equality(doc: _Doc, m: Match) -> Finding:
    op = doc.src(m["op"])
    strict = op + "="
    return (f"use `{strict}` instead of `{op}`", (LintEdit(m["op"].start_byte, m["op"].end_byte, strict),), UNSAFE)


JS_RULES = [
    Rule("BJS001", "no-debugger", "warning", "`debugger` statement left in the code.", SAFE, _delete_statement),
    Rule("BJS002", "duplicate-object-key", "error", "An object literal defines the same key twice.", None,
         lambda doc, m: None),  # grouped check: see _duplicate_keys
    Rule("BJS003", "unreachable-code", "warning", "Code after `return`, `throw`, `break` or `continue` never runs.",
         None, _unreachable),
    Rule("BJS004", "empty-block", "warning", "An empty block of an `if`, loop or `catch`.", None,
         _empty_block("block")),
    Rule("BJS005", "self-comparison", "warning", "An expression compared with itself.", None, _self_compare),
    Rule("BJS006", "needless-ternary", "warning", "`c ? true : false` is `c` (or `Boolean(c)`).", SAFE, _ternary),
    Rule("BJS007", "boolean-literal-comparison", "warning", "`x === true` is `x` when x is a boolean.", UNSAFE,
         _bool_literal(strict_types=False)),
    Rule("BJS008", "loose-equality", "warning", "`==` / `!=` against a literal or `undefined`: use `===` / `!==` (`== null` is allowed).", UNSAFE,
         _loose_equality),
]
GO_RULES = [
    Rule("BGO001", "boolean-literal-comparison", "warning", "`x == true` is `x`.", SAFE, _bool_literal(strict_types=True)),
    Rule("BGO002", "needless-bool-return", "warning", "`if c { return true } else { return false }` is `return c`.",
         SAFE, _needless_bool(return_form=True)),
    Rule("BGO003", "self-assignment", "warning", "A variable assigned to itself.", None, _self_assign),
    Rule("BGO004", "empty-branch", "warning", "An empty `if` or `else` branch.", None, _empty_block("branch")),
    Rule("BGO005", "unreachable-code", "warning", "Code after `return`, `goto`, `break` or `continue` never runs.",
         None, _unreachable),
    Rule("BGO006", "self-comparison", "warning", "An expression compared with itself.", None, _self_compare),
    Rule("BGO007", "redundant-break", "warning", "`break` at the end of a `switch` case: Go cases do not fall through.",
         SAFE, lambda doc, m: ("redundant `break`: Go cases do not fall through", _line_delete(doc, m["target"]), SAFE)),
    Rule("BGO008", "for-true", "warning", "`for true { }` is `for { }`.", SAFE,
         lambda doc, m: ("`for true` is `for`", (LintEdit(m["target"].start_byte - 1, m["target"].end_byte, ""),), SAFE)
         if doc.data[m["target"].start_byte - 1:m["target"].start_byte] == b" " else None),
]
RUST_RULES = [
    Rule("BRS001", "boolean-literal-comparison", "warning", "`x == true` is `x`.", SAFE, _bool_literal(strict_types=True)),
    Rule("BRS002", "needless-bool", "warning", "`if c { true } else { false }` is `c`.", SAFE,
         _needless_bool(return_form=False)),
    Rule("BRS003", "self-assignment", "warning", "A variable assigned to itself.", None, _self_assign),
    Rule("BRS004", "needless-return", "warning", "`return x;` as the last statement of a function is `x`.", SAFE,
         lambda doc, m: ("needless `return`", _needless_return(doc, m), SAFE)),
    Rule("BRS005", "empty-loop", "warning", "A loop with an empty body spins the CPU.", None, _empty_block("loop body")),
    Rule("BRS006", "self-comparison", "warning", "An expression compared with itself.", None, _self_compare),
    Rule("BRS007", "unreachable-code", "warning", "Code after `return`, `break` or `continue` never runs.", None,
         _unreachable),
    Rule("BRS008", "empty-branch", "warning", "An empty `if` branch.", None, _empty_block("branch")),
]


def _needless_return(doc: _Doc, m: Match) -> tuple[LintEdit, ...]:
    target = m["target"]
    end = target.end_byte
    if doc.data[end:end + 1] == b";":
        end += 1
    elif doc.data[end - 1:end] != b";" and target.kind == "return_expression":
        pass
    return (LintEdit(target.start_byte, end, doc.src(m["value"])),)


def _line_delete(doc: _Doc, capture: Capture) -> tuple[LintEdit, ...]:
    start, end = capture.start_byte, capture.end_byte
    line_start = doc.data.rfind(b"\n", 0, start) + 1
    line_end = doc.data.find(b"\n", end)
    line_end = len(doc.data) if line_end < 0 else line_end
    if not doc.data[line_start:start].strip() and not doc.data[end:line_end].strip():
        return (LintEdit(line_start, min(line_end + 1, len(doc.data)), ""),)
    return (LintEdit(start, end, ""),)


RULES_BY_LANGUAGE: dict[str, list[Rule]] = {
    "javascript": JS_RULES, "javascriptreact": JS_RULES, "typescript": JS_RULES, "typescriptreact": JS_RULES,
    "go": GO_RULES, "rust": RUST_RULES,
}
ALL_RULES: dict[str, Rule] = {r.code: r for rules in (JS_RULES, GO_RULES, RUST_RULES) for r in rules}


def query_source(language: str, code: str) -> str:
    return query_path(GRAMMARS[language], f"lint/{code}").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def combined_query(language: str) -> tuple[str, tuple[str, ...]]:
    """All rules of a language as one query (one pass over the tree), and the rule code that
    owns each pattern index."""
    sources, owners = [], []
    for rule in RULES_BY_LANGUAGE[language]:
        source = query_source(language, rule.code)
        sources.append(source)
        owners += [rule.code] * _pattern_count(source)
    return "\n".join(sources), tuple(owners)


def _pattern_count(source: str) -> int:
    """Top-level patterns of a query: each '(' or '[' opened at depth 0."""
    count = depth = 0
    in_string = False
    for line in source.splitlines():
        index = 0
        while index < len(line):
            char = line[index]
            if in_string:
                if char == "\\":
                    index += 1
                elif char == '"':
                    in_string = False
            elif char == ";":
                break
            elif char == '"':
                in_string = True
            elif char in "([":
                count += depth == 0
                depth += 1
            elif char in ")]":
                depth -= 1
            index += 1
    return count


def _selected(rule: Rule, config: BoosterConfig) -> bool:
    """`lint.select` is shared with Ruff: it narrows our rules only when it names some of them."""
    settings = config.lint
    ours = [p for p in settings.select or () if p == "ALL" or any(code.startswith(p) for code in ALL_RULES)]
    chosen = not ours or any(p == "ALL" or rule.code.startswith(p) for p in ours)
    chosen = chosen or any(rule.code.startswith(p) for p in settings.extend_select)
    return chosen and not any(rule.code.startswith(p) for p in settings.ignore)


class SyntaxLintProvider:
    """Runs the rules of a language on one parse of the document."""

    used_wasm = True
    provider = "wasm:booster-syntax"

    def __init__(self, syntax: Callable[[], Any]) -> None:
        self._syntax = syntax
        self._lock = threading.Lock()
        self.fingerprint = "syntax-lint-1:" + "".join(sorted(ALL_RULES))

    def options_key(self, config: BoosterConfig, path: str | None) -> str:
        return repr((config.lint.select, config.lint.extend_select, config.lint.ignore))

    def lint(self, text: str, config: BoosterConfig, path: str | None = None, language: str | None = None) -> LintOutput:
        language = language or _language_of(path) or "javascript"
        return LintOutput(self.check(text, language, config), self.provider)

    def check(self, text: str, language: str, config: BoosterConfig) -> list[LintDiagnostic]:
        syntax = self._syntax()
        doc = _Doc(text)
        lines = ByteLines(text)
        uri = f"booster-lint:{threading.get_ident()}"
        findings: list[tuple[Rule, Capture, Finding]] = []
        with self._lock:
            syntax.open(uri, language, doc.data)
            try:
                source, owners = combined_query(language)
                by_rule: dict[str, list[Match]] = {}
                for m in _group(syntax.query(uri, source)):
                    by_rule.setdefault(owners[next(iter(m.values())).pattern], []).append(m)
                for rule in RULES_BY_LANGUAGE[language]:
                    if not _selected(rule, config):
                        continue
                    matches = by_rule.get(rule.code, [])
                    if rule.code == "BJS002":
                        for capture, message in _duplicate_keys(doc, matches):
                            findings.append((rule, capture, (message, None, SAFE)))
                        continue
                    for m in matches:
                        if "target" not in m:
                            continue
                        try:
                            finding = rule.check(doc, m)
                        except KeyError:  # a partial match in error-recovered code (`<""` in Go)
                            continue
                        if finding is not None:
                            findings.append((rule, m["target"], finding))
            finally:
                syntax.close(uri)
        result = []
        seen = set()
        for rule, capture, (message, edits, applicability) in findings:
            key = (rule.code, capture.start_byte, capture.end_byte)
            if key in seen or _suppressed(doc, capture.start_byte, rule.code):
                continue
            seen.add(key)
            line, column = lines.position(capture.start_byte)
            end_line, end_column = lines.position(capture.end_byte)
            fix = LintFix(edits, applicability, message) if edits else None
            result.append(LintDiagnostic(
                code=rule.code, message=message, severity=rule.severity, start=capture.start_byte,
                end=capture.end_byte, line=line, column=column, end_line=end_line, end_column=end_column,
                url=rule.url, fix=fix, tags=("unnecessary",) if rule.code in _UNNECESSARY else (),
            ))
        result.sort(key=lambda d: (d.start, d.end, d.code or ""))
        return result

    def fix(self, text: str, config: BoosterConfig, path: str | None = None, *, unsafe: bool = False,
            language: str | None = None) -> tuple[str, list[LintDiagnostic], int]:
        language = language or _language_of(path) or "javascript"
        syntax = self._syntax()

        def syntax_ok(source: str, _diagnostics: list[LintDiagnostic]) -> bool:
            return not syntax.parse_errors(language, source)

        return fix_until_stable(text, lambda source: self.check(source, language, config), unsafe=unsafe,
                                syntax_ok=syntax_ok)


_UNNECESSARY = {"BJS003", "BGO005", "BRS007", "BGO007"}


def _language_of(path: str | None) -> str | None:
    from booster_lsp.core.operations import language_for_path

    return language_for_path(path) if path else None


def _group(captures: list[Capture]) -> list[Match]:
    matches: dict[int, Match] = {}
    for capture in captures:
        matches.setdefault(capture.match_id, {})[capture.name] = capture
    return list(matches.values())


def _suppressed(doc: _Doc, offset: int, code: str) -> bool:
    match = SUPPRESS.search(doc.line_of(offset))
    if match is None:
        return False
    codes = match.group(1)
    return codes is None or code in [c.strip() for c in codes.split(",")]


def suppression_comment(language: str, code: str) -> str:
    """The end-of-line directive that silences ``code`` on its line."""
    return f"// booster-ignore: {code}"
