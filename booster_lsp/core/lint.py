"""Lint: structured diagnostics and fixes, transport-free.

Python is linted by Ruff's own linter running in WASM (@astral-sh/ruff-wasm-nodejs, see
:mod:`booster_lsp.wasm.abi.bindgen_externref`); JavaScript, TypeScript, Go and Rust by our
rules on the syntax module (:mod:`booster_lsp.core.syntax_lint`). Both produce
:class:`LintDiagnostic` values with byte ranges; fixes are applied here, the way Ruff
applies them (:func:`apply_fixes`, :func:`fix_until_stable`).

Ruff's WASM build reports each fix's edits but not its applicability (safe / unsafe).
That is recovered from ``data/ruff_rules.json``: the applicability native Ruff 0.15.20
reported per rule on a large corpus, plus a few per-rule conditions Ruff itself uses
(see :func:`_ruff_applicability`). Rules never observed with a fix count as unsafe, so
``--fix`` never applies a fix that might be unsafe.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from booster_lsp.config import BoosterConfig
from booster_lsp.core.globs import anchored_regex, globset_regex
from booster_lsp.core.providers import WasmModuleProvider
from booster_lsp.core.ruff_config import PerFileIgnore, find_per_file_ignores, find_ruff_config, find_unsafe_fixes
from booster_lsp.errors import TransformationError
from booster_lsp.wasm.pool import InstancePool
from booster_lsp.wasm.registry import ModuleRegistry, ModuleSpec
from booster_lsp.wasm.runtime import Limits, WasmRuntime

SAFE, UNSAFE = "safe", "unsafe"
MAX_FIX_ITERATIONS = 100  # as Ruff's `lint_fix`


@dataclass(frozen=True)
class LintEdit:
    start: int  # UTF-8 byte offsets into the document
    end: int
    content: str


@dataclass(frozen=True)
class LintFix:
    edits: tuple[LintEdit, ...]
    applicability: str  # "safe" | "unsafe"
    message: str | None = None
    isolation: str | None = None  # fixes sharing an isolation group are applied one per pass

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "applicability": self.applicability,
            "edits": [{"start": e.start, "end": e.end, "content": e.content} for e in self.edits],
        }


@dataclass(frozen=True)
class LintDiagnostic:
    code: str | None  # Ruff reports syntax errors as "invalid-syntax"
    message: str
    severity: str  # "error" | "warning" | "information" | "hint"
    start: int  # UTF-8 byte offsets
    end: int
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    source: str = "booster"
    url: str | None = None
    fix: LintFix | None = None
    tags: tuple[str, ...] = ()  # "unnecessary" | "deprecated"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "message": self.message, "severity": self.severity,
            "start": self.start, "end": self.end, "line": self.line, "column": self.column,
            "end_line": self.end_line, "end_column": self.end_column, "source": self.source,
            "url": self.url, "fix": self.fix.to_dict() if self.fix else None, "tags": list(self.tags),
        }


@dataclass
class LintOutput:
    diagnostics: list[LintDiagnostic]
    provider: str


# --------------------------------------------------------------------------- positions
class ByteLines:
    """Line starts of a document in UTF-8 bytes (\\n, \\r\\n and \\r end lines, as in Ruff)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")
        starts = [0]
        data = self.data
        for match in re.finditer(rb"\r\n|\r|\n", data):
            starts.append(match.end())
        self.starts = starts

    def offset(self, row: int, column: int) -> int:
        """1-based row and UTF-8 column -> byte offset."""
        if row - 1 >= len(self.starts):
            return len(self.data)
        return min(self.starts[row - 1] + column - 1, len(self.data))

    def position(self, offset: int) -> tuple[int, int]:
        """byte offset -> (1-based line, 1-based column in characters)."""
        import bisect

        index = bisect.bisect_right(self.starts, offset) - 1
        prefix = self.data[self.starts[index]:offset]
        return index + 1, len(prefix.decode("utf-8", "replace")) + 1


# --------------------------------------------------------------------------- fixes
def apply_fixes(text: str, diagnostics: Iterable[LintDiagnostic], *, unsafe: bool = False) -> tuple[str, int]:
    """One pass of Ruff's ``apply_fixes``: fixes in order of their first edit; a fix that
    overlaps (or touches) one already applied waits for the next pass, as does a second fix
    of the same isolation group; an edit identical to one already applied is skipped.
    Returns the new text and how many fixes were applied."""
    candidates = [
        d for d in diagnostics
        if d.fix is not None and d.fix.edits and (unsafe or d.fix.applicability == SAFE)
    ]
    if not candidates:
        return text, 0
    data = text.encode("utf-8")

    def order(d: LintDiagnostic) -> tuple[int, int]:
        assert d.fix is not None
        # Ruff applies F811 (redefined-while-unused) before anything else.
        return (0 if d.code == "F811" else 1, min(e.start for e in d.fix.edits))

    out: list[bytes] = []
    last: int | None = None
    applied_edits: set[LintEdit] = set()
    groups: set[str] = set()
    count = 0
    for diagnostic in sorted(candidates, key=order):
        assert diagnostic.fix is not None
        edits = [e for e in sorted(diagnostic.fix.edits, key=lambda e: (e.start, e.end)) if e not in applied_edits]
        if edits:
            if diagnostic.fix.isolation is not None:
                if diagnostic.fix.isolation in groups:
                    continue
                groups.add(diagnostic.fix.isolation)
            if last is not None and last >= edits[0].start:
                continue
        for edit in edits:
            out.append(data[last or 0:edit.start])
            out.append(edit.content.encode("utf-8"))
            last = edit.end
            applied_edits.add(edit)
        count += 1
    out.append(data[last or 0:])
    return b"".join(out).decode("utf-8"), count


def project_fix_mode(path: str | None, language: str | None) -> str:
    """The fixes "fix all" applies to a document (the editor's ``source.fixAll``, fix on
    format): the safe ones, and the unsafe ones too where the project's Ruff configuration,
    the nearest to the document as ruff server reads it, sets ``unsafe-fixes = true``. A
    configuration that cannot be read says nothing here; linting reports it."""
    if language != "python" or path is None:
        return SAFE
    try:
        return UNSAFE if find_unsafe_fixes(path) else SAFE
    except TransformationError:
        return SAFE


def fix_until_stable(
    text: str,
    lint: Callable[[str], list[LintDiagnostic]],
    *,
    unsafe: bool = False,
    syntax_ok: Callable[[str, list[LintDiagnostic]], bool] | None = None,
) -> tuple[str, list[LintDiagnostic], int]:
    """Ruff's ``--fix`` loop: lint, apply a pass of fixes, lint again, until nothing is left
    to fix (at most 100 passes). A pass whose result has a syntax error the input did not
    have is retried applying only its first fix. Returns (text, remaining diagnostics, fixes)."""
    diagnostics = lint(text)
    ok_before = _no_syntax_errors(diagnostics) if syntax_ok is None else syntax_ok(text, diagnostics)
    total = 0
    for _ in range(MAX_FIX_ITERATIONS):
        fixed, count = apply_fixes(text, diagnostics, unsafe=unsafe)
        if count == 0:
            break
        new_diagnostics = lint(fixed)
        ok_after = _no_syntax_errors(new_diagnostics) if syntax_ok is None else syntax_ok(fixed, new_diagnostics)
        if ok_before and not ok_after:
            first = _first_fixable(diagnostics, unsafe)
            fixed, count = apply_fixes(text, first, unsafe=unsafe)
            new_diagnostics = lint(fixed)
            ok_after = _no_syntax_errors(new_diagnostics) if syntax_ok is None else syntax_ok(fixed, new_diagnostics)
            if not ok_after:
                raise TransformationError(
                    f"fix for {first[0].code} at line {first[0].line} would introduce a syntax error", kind="module"
                )
        text, diagnostics, total = fixed, new_diagnostics, total + count
    return text, diagnostics, total


SYNTAX_ERROR_CODES = (None, "invalid-syntax")


def _no_syntax_errors(diagnostics: list[LintDiagnostic]) -> bool:
    return not any(d.code in SYNTAX_ERROR_CODES for d in diagnostics)


def _first_fixable(diagnostics: list[LintDiagnostic], unsafe: bool) -> list[LintDiagnostic]:
    fixable = [d for d in diagnostics if d.fix and d.fix.edits and (unsafe or d.fix.applicability == SAFE)]
    fixable.sort(key=lambda d: (0 if d.code == "F811" else 1, min(e.start for e in d.fix.edits)))  # type: ignore[union-attr]
    return fixable[:1]


# --------------------------------------------------------------------------- annotations
COMMENT_PREFIX = {
    "python": "#", "javascript": "//", "javascriptreact": "//", "typescript": "//", "typescriptreact": "//",
    "go": "//", "rust": "//",
}


def annotate(text: str, diagnostics: list[LintDiagnostic], language: str) -> str:
    """The document with each diagnostic as an end-of-line comment on its first line
    (the LINT operation's ``transformed_code``)."""
    prefix = COMMENT_PREFIX.get(language, "#")
    by_line: dict[int, list[str]] = {}
    for d in diagnostics:
        by_line.setdefault(d.line, []).append(f"{d.code or 'syntax-error'}: {d.message}")
    if not by_line:
        return text
    lines = text.splitlines(keepends=True)
    if not lines:
        lines = [""]
    for line_no, notes in by_line.items():
        index = min(line_no, len(lines)) - 1
        line = lines[index]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if index == len(lines) - 1 and not ending and line_no > len(lines):
            ending = ""
        lines[index] = f"{body}  {prefix} booster: {'; '.join(notes)}{ending}"
    return "".join(lines)


# --------------------------------------------------------------------------- Ruff settings
#: Keys of a Ruff configuration that name files or directories: meaningless for one
#: in-memory document (per-file-ignores is applied by us, against the document's path).
_PATH_KEYS = {"extend", "exclude", "extend-exclude", "include", "extend-include", "force-exclude", "src",
              "cache-dir", "respect-gitignore", "namespace-packages", "per-file-target-version", "required-version",
              "output-format", "fix", "unsafe-fixes", "fix-only", "show-fixes", "show-source", "format"}


def ruff_options(config: BoosterConfig, path: str | None) -> dict[str, Any]:
    """Ruff options for one document: the project's Ruff configuration, then booster's
    lint settings on top (select replaces, extend-select and ignore add)."""
    found = find_ruff_config(path)
    options: dict[str, Any] = {}
    base_dir: Path | None = None
    if found is not None:
        config_path, raw = found
        base_dir = config_path.parent
        options = {k: v for k, v in raw.items() if k not in _PATH_KEYS}
        lint = dict(options.get("lint", {}))
        lint.pop("per-file-ignores", None)  # applied here, against the document's path
        lint.pop("extend-per-file-ignores", None)
        options.pop("per-file-ignores", None)
        options.pop("extend-per-file-ignores", None)
        for key in ("exclude",):
            lint.pop(key, None)
        if lint:
            options["lint"] = lint
        else:
            options.pop("lint", None)
    settings = config.lint
    lint = dict(options.get("lint", {}))
    if settings.select is not None:
        lint["select"] = list(settings.select)
        options.pop("select", None)
    if settings.extend_select:
        lint["extend-select"] = [*lint.get("extend-select", []), *settings.extend_select]
    ignores = list(settings.ignore)
    if path is not None and found is not None:
        ignores += _per_file_ignores(Path(path), find_per_file_ignores(path))
    if ignores:
        lint["extend-ignore"] = [*lint.get("extend-ignore", []), *ignores]
    if lint:
        options["lint"] = lint
    if base_dir is not None and found is not None:
        _add_first_party(options, base_dir, found[1].get("src"))
    line_length = getattr(settings, "line_length", None)
    if line_length is not None:
        options["line-length"] = line_length
    if settings.target_version is not None:
        options["target-version"] = settings.target_version
    return options


def _add_first_party(options: dict[str, Any], base_dir: Path, src: Any) -> None:
    """Tell Ruff's linter which modules are the project's own. Ruff finds them on disk (a
    directory or a ``.py`` / ``.pyi`` file of that name in one of the ``src`` roots, ``.`` and
    ``src`` by default, isort/categorize.rs ``match_sources``); in WASM it sees no disk, took
    every such import for a third-party one, and reported import order (I001) and
    type-checking imports (TC001 / TC002) unlike ``ruff check``. Here they are found as Ruff
    finds them and given as ``known-first-party``."""
    roots = [item for item in src if isinstance(item, str)] if isinstance(src, list) else [".", "src"]
    names = _modules_in(tuple(str((base_dir / root).resolve()) for root in roots if not set(root) & set("*?[{")))
    if not names:
        return
    table_owner = options if "isort" in options else options.setdefault("lint", {})  # beside what the project has
    isort = dict(table_owner.get("isort") or {})
    known = isort.get("known-first-party")
    isort["known-first-party"] = sorted({*(known if isinstance(known, list) else ()), *names})
    table_owner["isort"] = isort


def _modules_in(roots: tuple[str, ...]) -> tuple[str, ...]:
    """The top-level module names in these directories (kept while their mtimes are unchanged:
    a new package is seen at the next lint)."""
    stamps = []
    for root in roots:
        try:
            stamps.append(os.stat(root).st_mtime_ns)
        except OSError:
            stamps.append(None)
    return _listed_modules(roots, tuple(stamps))


@lru_cache(maxsize=64)
def _listed_modules(roots: tuple[str, ...], _stamps: tuple[int | None, ...]) -> tuple[str, ...]:
    names: set[str] = set()
    for root in roots:
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir():
                if name.isidentifier():
                    names.add(name)
            elif name.endswith((".py", ".pyi")) and name.rsplit(".", 1)[0].isidentifier():
                names.add(name.rsplit(".", 1)[0])
    return tuple(sorted(names))


def _per_file_ignores(path: Path, entries: tuple[PerFileIgnore, ...]) -> list[str]:
    """The codes ``per-file-ignores`` ignores for ``path``, as Ruff matches its patterns
    (``CompiledPerFileList``): the pattern against the file's name, or joined to the directory
    of the configuration that set it against the whole path, with Ruff's globs
    (``tests/**/*.py`` takes ``tests/a.py`` too, ``{a,b}``); ``!pattern`` where neither matches."""
    resolved = path.resolve()
    codes: list[str] = []
    for pattern, root, rules in entries:
        negated = pattern.startswith("!")
        by_name, by_path = _per_file_pattern(pattern.removeprefix("!"), root)
        matched = bool(by_name.fullmatch(resolved.name) or by_path.fullmatch(resolved.as_posix()))
        if matched != negated:
            codes += rules
    return codes


@lru_cache(maxsize=256)
def _per_file_pattern(pattern: str, root: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the pattern as it is, for a file name; joined to ``root``, ``.`` and ``..`` resolved, for a path)"""
    return re.compile(globset_regex(pattern, literal_separator=False)), re.compile(anchored_regex(pattern, root))


# --------------------------------------------------------------------------- Ruff provider
@lru_cache(maxsize=1)
def ruff_rules() -> dict[str, list[Any]]:
    data = json.loads((Path(__file__).parent / "data" / "ruff_rules.json").read_text(encoding="utf-8"))
    return data["rules"]


@lru_cache(maxsize=1)
def _ruff_rule_summaries() -> dict[str, str]:
    """Each rule's one-line summary (``ruff rule --all``: scripts/ruff_rule_summaries.py)."""
    data = json.loads((Path(__file__).parent / "data" / "ruff_rule_summaries.json").read_text(encoding="utf-8"))
    return data["summaries"]


def ruff_rule_summary(code: str) -> str:
    return _ruff_rule_summaries().get(code, "")


def ruff_rule_url(code: str | None) -> str | None:
    entry = ruff_rules().get(code or "")
    return f"https://docs.astral.sh/ruff/rules/{entry[0]}/" if entry else None


#: Rules whose fixes Ruff isolates per parent statement (they delete whole statements, and
#: two deletions in one body could leave it empty).
_ISOLATED_RULES = {"F401", "F811", "F841", "UP010", "UP029", "PIE790", "PIE794", "TC001", "TC002", "TC003",
                   "TC004", "TC005", "PYI013", "PYI021"}


class RuffLintProvider(WasmModuleProvider):
    """Python lint with Ruff's linter in WASM."""

    def __init__(self, spec: ModuleSpec, registry: ModuleRegistry, runtime: WasmRuntime, config: BoosterConfig) -> None:
        from booster_lsp.wasm.abi.bindgen_externref import RuffWorkspace

        super().__init__(spec, registry, runtime, config)
        glue = registry.required_glue(spec)
        limits = Limits(deadline_ms=max(config.deadline_ms, 5000), memory_bytes=config.memory_limit_mb * 1024 * 1024)
        self.pool = InstancePool(spec.name, lambda: RuffWorkspace(self.module, limits, glue), config.instances_per_module)

    def options(self, config: BoosterConfig, path: str | None) -> tuple[dict[str, Any], str]:
        options = ruff_options(config, path)
        return options, json.dumps(options, sort_keys=True)

    def options_key(self, config: BoosterConfig, path: str | None) -> str:
        return self.options(config, path)[1]

    def lint(self, text: str, config: BoosterConfig, path: str | None = None, language: str | None = None) -> LintOutput:
        options, key = self.options(config, path)
        raw = self.pool.run(lambda ruff: ruff.check(text, options, key))
        return LintOutput(_path_rules(convert_ruff_diagnostics(text, raw), path), self.provider)

    def fix(self, text: str, config: BoosterConfig, path: str | None = None, *, unsafe: bool = False,
            language: str | None = None) -> tuple[str, list[LintDiagnostic], int]:
        options, key = self.options(config, path)

        def lint(source: str) -> list[LintDiagnostic]:
            raw = self.pool.run(lambda ruff: ruff.check(source, options, key))
            return _path_rules(convert_ruff_diagnostics(source, raw), path)

        return fix_until_stable(text, lint, unsafe=unsafe)


def _path_rules(diagnostics: list[LintDiagnostic], path: str | None) -> list[LintDiagnostic]:
    """Ruff's WASM API lints an anonymous document; restore what depends on the file name
    and can be told from it: undefined names in ``__all__`` (F822) are not reported in a
    package's ``__init__.py``, where unused imports (F401) have no fix (they may be
    re-exports)."""
    if path is not None and Path(path).name == "__init__.py":
        import dataclasses

        kept = []
        for d in diagnostics:
            if d.code == "F822":
                continue
            if d.code == "F401" and d.fix is not None:
                d = dataclasses.replace(d, fix=None)
            kept.append(d)
        return kept
    return diagnostics


def convert_ruff_diagnostics(text: str, raw: list[dict[str, Any]]) -> list[LintDiagnostic]:
    lines = ByteLines(text)
    context = _FixContext(text, lines)
    result = []
    for item in raw:
        code = item.get("code")
        start = lines.offset(int(item["start_location"]["row"]), int(item["start_location"]["column"]))
        end = lines.offset(int(item["end_location"]["row"]), int(item["end_location"]["column"]))
        fix = None
        raw_fix = item.get("fix")
        if raw_fix and code not in SYNTAX_ERROR_CODES:
            edits = tuple(
                LintEdit(
                    lines.offset(int(e["location"]["row"]), int(e["location"]["column"])),
                    lines.offset(int(e["end_location"]["row"]), int(e["end_location"]["column"])),
                    e.get("content") or "",
                )
                for e in raw_fix.get("edits", [])
            )
            applicability = _ruff_applicability(code, edits, start, end, context)
            isolation = context.isolation_group(edits) if code in _ISOLATED_RULES else None
            fix = LintFix(edits, applicability, raw_fix.get("message"), isolation)
        line, column = lines.position(start)
        end_line, end_column = lines.position(end)
        result.append(LintDiagnostic(
            code=code, message=item["message"], severity="error" if code in SYNTAX_ERROR_CODES else "warning",
            start=start, end=end, line=line, column=column, end_line=end_line, end_column=end_column,
            source="booster", url=ruff_rule_url(code), fix=fix, tags=tuple(item.get("tags") or ()),
        ))
    result.sort(key=lambda d: (d.start, d.end, d.code or ""))
    return result


class _FixContext:
    """Lazily computed facts about the document that decide some rules' fix safety."""

    def __init__(self, text: str, lines: ByteLines) -> None:
        self.text = text
        self.lines = lines
        self._tokens: list[tuple[int, int, int]] | None = None  # (type, start byte, end byte)

    def tokens(self) -> list[tuple[int, int, int]]:
        if self._tokens is None:
            tokens: list[tuple[int, int, int]] = []
            try:
                for token in tokenize.generate_tokens(io.StringIO(self.text).readline):
                    if token.type in (tokenize.COMMENT, tokenize.STRING):
                        tokens.append((token.type, self._offset(token.start), self._offset(token.end)))
            except (tokenize.TokenError, SyntaxError, IndentationError):
                pass
            self._tokens = tokens
        return self._tokens

    def _offset(self, position: tuple[int, int]) -> int:
        row, col = position  # col counts characters
        start = self.lines.starts[row - 1] if row - 1 < len(self.lines.starts) else len(self.lines.data)
        line_end = self.lines.starts[row] if row < len(self.lines.starts) else len(self.lines.data)
        line = self.lines.data[start:line_end].decode("utf-8", "replace")
        return start + len(line[:col].encode("utf-8"))

    def has_comment(self, start: int, end: int) -> bool:
        return any(kind == tokenize.COMMENT and s < end and e > start for kind, s, e in self.tokens())

    def in_string(self, offset: int) -> bool:
        return any(kind == tokenize.STRING and s < offset < e for kind, s, e in self.tokens())

    def line_text(self, offset: int) -> str:
        import bisect

        index = bisect.bisect_right(self.lines.starts, offset) - 1
        start = self.lines.starts[index]
        end = self.lines.starts[index + 1] if index + 1 < len(self.lines.starts) else len(self.lines.data)
        return self.lines.data[start:end].decode("utf-8", "replace")

    def isolation_group(self, edits: tuple[LintEdit, ...]) -> str | None:
        """The parent statement of a deleted statement: the nearest line above with less
        indentation. Top-level statements are not isolated (Ruff: no parent)."""
        if not edits:
            return None
        import bisect

        index = bisect.bisect_right(self.lines.starts, edits[0].start) - 1
        line = self.line_text(edits[0].start)
        indent = len(line) - len(line.lstrip(" \t"))
        if indent == 0:
            return None
        for row in range(index - 1, -1, -1):
            other = self.line_text(self.lines.starts[row])
            stripped = other.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if len(other) - len(other.lstrip(" \t")) < indent:
                return f"parent@{row}"
        return None

    def class_names(self) -> frozenset[str]:
        return frozenset(re.findall(r"^\s*class\s+(\w+)", self.text, re.M))

    def is_dict_name(self, name: str) -> bool:
        """Approximates Ruff's ``typing::is_dict`` on the name's binding: every binding of
        the name in the file is a dict display, a ``dict(...)`` call, a ``dict`` annotation
        or a ``**kwargs`` parameter."""
        n = re.escape(name)
        kinds: list[bool] = []
        for match in re.finditer(rf"(?m)(?:^\s*|=\s*){n}\s*=(?!=)\s*(?=\S)", self.text):
            value = self.text[match.end():match.end() + 300]
            kinds.append(bool(re.match(r"\{\s*\}|\{\s*\*\*|dict\(", value)) or bool(
                re.match(r"\{[^{}:,*]*:", value)))
        for annotation in re.findall(rf"(?m)(?:^\s*|[(,]\s*){n}\s*:\s*([\w.]+)", self.text):
            kinds.append(annotation in ("dict", "Dict", "typing.Dict"))
        if re.search(rf"[(,]\s*\*\*{n}\b", self.text):
            kinds.append(True)
        return bool(kinds) and all(kinds)


def _ruff_applicability(code: str, edits: tuple[LintEdit, ...], start: int, end: int, ctx: _FixContext) -> str:
    entry = ruff_rules().get(code)
    kind = entry[1] if entry else None
    if kind in (SAFE, UNSAFE):
        return kind
    if kind == "except-safe":  # F841: removing `as e` of an except handler is safe
        return SAFE if ctx.line_text(start).lstrip().startswith("except") else UNSAFE
    if kind == "string-unsafe":  # W291/W293: whitespace inside a multi-line string
        return UNSAFE if ctx.in_string(start) else SAFE
    if kind == "dict-safe":  # SIM118: safe only when the receiver is known to be a dict
        receiver = re.search(r"\bin\s+([A-Za-z_]\w*)\.keys\(\)", ctx.text.encode("utf-8")[start:end].decode("utf-8", "replace"))
        return SAFE if receiver and ctx.is_dict_name(receiver.group(1)) else UNSAFE
    if kind == "class-safe":  # RSE102: safe when the raised name is a known exception class
        raised = re.search(r"raise\s+([A-Za-z_][\w.]*)\s*\(", ctx.line_text(start))
        name = raised.group(1) if raised else ""
        builtin = getattr(builtins, name, None)
        known = isinstance(builtin, type) and issubclass(builtin, BaseException)
        return SAFE if known or name in ctx.class_names() else UNSAFE
    if kind == "comment-unsafe":
        lo = min([start] + [e.start for e in edits])
        hi = max([end] + [e.end for e in edits])
        return UNSAFE if ctx.has_comment(lo, hi) else SAFE
    return UNSAFE


# --------------------------------------------------------------------------- LINT operation
class LintHandler:
    """The LINT operation (core/router.py): ``transformed_code`` is the document with each
    diagnostic as an end-of-line comment, ``diagnostics`` the structured diagnostics.
    With the argument ``fix="safe"`` (or ``"unsafe"``) the code comes back fixed instead,
    and the diagnostics are those that remain."""

    arguments = frozenset({"fix"})

    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self.fingerprint = provider.fingerprint

    @classmethod
    def create(cls, booster: Any, language: str) -> "LintHandler | None":
        spec = booster.registry.for_language(language, "lint")
        if spec is not None and spec.abi == "bindgen-ruff_workspace":
            return cls(RuffLintProvider(spec, booster.registry, booster.runtime, booster.config))
        try:
            from booster_lsp.core import syntax_lint
        except ImportError:  # pragma: no cover - syntax rules not installed
            return None
        if language in syntax_lint.LINT_LANGUAGES:
            return cls(syntax_lint.SyntaxLintProvider(lambda: booster.syntax))
        return None

    def cache_options(self, request: Any) -> str:
        return self.provider.options_key(request.config, request.path) + f"|{request.language}"

    def run(self, request: Any) -> Any:
        from booster_lsp.core.router import OperationOutput

        mode = request.args.get("fix")
        if mode:
            if mode not in (SAFE, UNSAFE, True):
                raise TransformationError("fix must be 'safe' or 'unsafe'", kind="config")
            text, remaining, _count = self.provider.fix(request.code, request.config, request.path,
                                                        unsafe=mode == UNSAFE, language=request.language)
            return OperationOutput(text, self.provider.provider, diagnostics=[d.to_dict() for d in remaining])
        output = self.provider.lint(request.code, request.config, request.path, language=request.language)
        return OperationOutput(annotate(request.code, output.diagnostics, request.language), output.provider,
                               diagnostics=[d.to_dict() for d in output.diagnostics])


# --------------------------------------------------------------------------- files on disk (CLI, MCP)
@dataclass
class LintFileOutcome:
    path: Path
    diagnostics: list[dict[str, Any]]
    fixed: int = 0  # diagnostics that went away by fixing
    error: str | None = None
    changed: bool = False


def lint_file(booster: Any, path: Path, *, fix: str | None = None, overrides: dict[str, Any] | None = None,
              write: bool = True) -> LintFileOutcome:
    """Lint one file through ``WASMBooster.transform_sync`` (operation LINT); with ``fix``
    ("safe" or "unsafe") the fixed text is written back atomically when it changed."""
    from booster_lsp.core.batch import write_atomically
    from booster_lsp.core.operations import language_for_path
    from booster_lsp.files import UnreadableSource, read_source

    language = language_for_path(path)
    try:
        original = read_source(path)
    except UnreadableSource as exc:
        return LintFileOutcome(path, [], error=str(exc))
    options: dict[str, Any] = dict(overrides or {})
    if fix:
        options["fix"] = fix
        before = booster.transform_sync(original, "lint", language, path=str(path), _llm=False, **(overrides or {}))
    result = booster.transform_sync(original, "lint", language, path=str(path), _llm=False, **options)
    if not result.success:
        return LintFileOutcome(path, [], error=result.error)
    outcome = LintFileOutcome(path, result.diagnostics)
    if fix:
        outcome.fixed = max(0, len(before.diagnostics) - len(result.diagnostics)) if before.success else 0
        if result.transformed_code != original:
            outcome.changed = True
            if write:
                write_atomically(path, result.transformed_code)
    return outcome
