"""Syntax service: parse, reparse incrementally, list syntax errors, run queries.

Transport-free (no LSP types): byte offsets and (line, byte column) points, 0-based. Used by
the LSP (diagnostics), validators (did a transformation introduce syntax errors?) and the
rename / extract refactorings (scope queries from wasm/queries/<language>/locals.scm).

One module instance behind one lock. The service keeps each document's text, so after a trap
(the instance is discarded) it makes a fresh instance, re-opens every document and retries the
call once; a second failure is raised as TransformationError.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from booster_lsp.errors import TransformationError
from booster_lsp.wasm.abi.syntax_v1 import LANGUAGE_IDS, Capture, SyntaxModuleV1
from booster_lsp.wasm.runtime import Limits, LoadedModule

#: LSP language ids -> grammar names of the module.
GRAMMARS: dict[str, str] = {
    "python": "python",
    "javascript": "javascript",
    "javascriptreact": "javascript",
    "typescript": "typescript",
    "typescriptreact": "tsx",
    "go": "go",
    "rust": "rust",
}

def _query_dir() -> Path:
    checkout = Path(__file__).resolve().parents[2] / "wasm" / "queries"
    bundled = Path(__file__).resolve().parents[1] / "_data" / "queries"  # in an installed wheel
    return checkout if checkout.is_dir() or not bundled.is_dir() else bundled


#: Where the query files live (wasm/queries/<grammar>/<name>.scm).
QUERY_DIR = _query_dir()
#: A grammar without its own copy of a query file uses its base grammar's: the TSX grammar
#: is TypeScript's plus JSX, and TypeScript's is JavaScript's plus types, so their node
#: types are supersets. Only files that differ are kept per grammar.
QUERY_BASE = {"tsx": "typescript", "typescript": "javascript"}


def query_path(grammar: str, name: str) -> Path:
    """wasm/queries/<grammar>/<name>.scm, or the nearest base grammar's copy."""
    current: str | None = grammar
    while current is not None:
        path = QUERY_DIR / current / f"{name}.scm"
        if path.is_file():
            return path
        current = QUERY_BASE.get(current)
    return QUERY_DIR / grammar / f"{name}.scm"

T = TypeVar("T")

__all__ = ["Capture", "GRAMMARS", "QUERY_DIR", "SyntaxIssue", "SyntaxService", "query_path"]


@dataclass(frozen=True, slots=True)
class SyntaxIssue:
    start_byte: int
    end_byte: int
    start: tuple[int, int]  # (line, column in bytes), 0-based
    end: tuple[int, int]
    message: str
    kind: str  # "error" (unexpected text) | "missing" (a token the parser inserted)


@dataclass
class _Document:
    grammar: str
    text: bytes
    handle: int


class SyntaxService:
    def __init__(self, loaded_module: LoadedModule, limits: Limits | None = None) -> None:
        self._loaded = loaded_module
        self._limits = limits or Limits()
        self._lock = threading.RLock()
        self._docs: dict[str, _Document] = {}
        self._queries: dict[tuple[str, str], int] = {}
        self._module = SyntaxModuleV1(self._loaded, self._limits)
        self.restarts = 0  # how many times a broken instance was replaced

    # ------------------------------------------------------------------ languages
    @staticmethod
    def supports(language: str) -> bool:
        return language in GRAMMARS

    @staticmethod
    def grammar(language: str) -> str:
        try:
            return GRAMMARS[language]
        except KeyError:
            raise TransformationError(f"no grammar for language {language!r}", kind="unsupported") from None

    @staticmethod
    def query_file(language: str, name: str) -> str:
        """Source of wasm/queries/<grammar>/<name>.scm, e.g. query_file("python", "locals")."""
        return query_path(SyntaxService.grammar(language), name).read_text(encoding="utf-8")

    # ------------------------------------------------------------------ documents
    def open(self, uri: str, language: str, text: str | bytes) -> None:
        grammar = self.grammar(language)
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        with self._lock:
            self._close_handle(uri)
            handle = self._call(lambda m: m.open(LANGUAGE_IDS[grammar], data))
            self._docs[uri] = _Document(grammar, data, handle)

    def edit(self, uri: str, start_byte: int, old_end_byte: int, new_text: str | bytes) -> None:
        """Replace bytes [start_byte, old_end_byte) with new_text and reparse incrementally."""
        inserted = new_text.encode("utf-8") if isinstance(new_text, str) else bytes(new_text)
        with self._lock:
            doc = self._doc(uri)
            if not 0 <= start_byte <= old_end_byte <= len(doc.text):
                raise ValueError(f"edit range {start_byte}..{old_end_byte} outside the document ({len(doc.text)} bytes)")
            new = doc.text[:start_byte] + inserted + doc.text[old_end_byte:]
            # A restart inside _call re-opens the old text, then the edit is retried on it.
            self._call(lambda m: m.edit(self._doc(uri).handle, start_byte, old_end_byte, inserted))
            doc.text = new

    def copy(self, uri: str, new_uri: str) -> None:
        """Open `new_uri` with the text and tree of `uri` (no parse: the module shares the
        tree until one of them is edited)."""
        with self._lock:
            doc = self._doc(uri)
            self._close_handle(new_uri)
            handle = self._call(lambda m: m.copy(self._doc(uri).handle))
            self._docs[new_uri] = _Document(doc.grammar, doc.text, handle)

    def replace_text(self, uri: str, new_text: bytes) -> None:
        """Make the document's text `new_text`, reparsing incrementally: one edit spanning
        what lies between the common prefix and the common suffix of the old and new text."""
        with self._lock:
            old = self._doc(uri).text
            start = _common_prefix(old, new_text)
            suffix = _common_suffix(old, new_text, min(len(old), len(new_text)) - start)
            self.edit(uri, start, len(old) - suffix, new_text[start : len(new_text) - suffix])

    def text(self, uri: str) -> bytes:
        with self._lock:
            return self._doc(uri).text

    def close(self, uri: str) -> None:
        with self._lock:
            self._close_handle(uri)

    def errors(self, uri: str) -> list[SyntaxIssue]:
        with self._lock:
            doc = self._doc(uri)
            raw = self._call(lambda m: m.errors(doc.handle))
            if not raw and self._call(lambda m: m.has_errors(doc.handle)):
                # A MISSING node of a hidden token (Go's statement terminator after `0000`) is not
                # visited by the module's cursor walk: report it at the end, never "no errors".
                end = len(doc.text)
                line = doc.text.count(b"\n")
                column = end - (doc.text.rfind(b"\n") + 1)
                return [SyntaxIssue(end, end, (line, column), (line, column), "incomplete code: a token is missing",
                                    "missing")]
        return [SyntaxIssue(e.start_byte, e.end_byte, e.start, e.end, e.message, e.kind) for e in raw]

    def has_errors(self, uri: str) -> bool:
        with self._lock:
            return self._call(lambda m: m.has_errors(self._doc(uri).handle))

    @contextmanager
    def document_holding(self, language: str, text: bytes) -> Iterator[str | None]:
        """The uri of an open document whose tree is of exactly `text` (such as the language
        server's incrementally updated tree of the document being refactored), or None. No
        other thread can edit or close documents until the block ends."""
        grammar = self.grammar(language)
        with self._lock:
            yield next((uri for uri, doc in self._docs.items()
                        if doc.grammar == grammar and len(doc.text) == len(text) and doc.text == text), None)

    def query(self, uri: str, query_source: str, start_byte: int = 0, end_byte: int = 0) -> list[Capture]:
        """Captures of the query in document order (optionally within [start_byte, end_byte))."""
        with self._lock:
            doc = self._doc(uri)

            def run(m: SyntaxModuleV1) -> list:
                handle = self._query_handle(m, doc.grammar, query_source)
                return m.query_run(self._doc(uri).handle, handle, LANGUAGE_IDS[doc.grammar], start_byte, end_byte)

            return self._call(run)

    def tree_string(self, uri: str) -> str:
        with self._lock:
            return self._call(lambda m: m.tree_string(self._doc(uri).handle))

    # ------------------------------------------------------------------ one-shot
    def parse_errors(self, language: str, text: str | bytes) -> list[SyntaxIssue]:
        uri = f"booster-syntax-oneshot:{id(text)}:{threading.get_ident()}"
        with self._lock:
            self.open(uri, language, text)
            try:
                return self.errors(uri)
            finally:
                self.close(uri)

    def new_errors(self, language: str, before: str | bytes, after: str | bytes) -> list[SyntaxIssue]:
        """Errors of `after` that `before` did not have (validation of a transformation).

        Errors are compared by (kind, message) counts, not positions, since a transformation
        moves text: if `before` had two "unexpected ')'" and `after` has three, the extra one
        (the last in `after`) is new.
        """
        old = self.parse_errors(language, before)
        new = self.parse_errors(language, after)
        budget: dict[tuple[str, str], int] = {}
        for issue in old:
            key = (issue.kind, issue.message)
            budget[key] = budget.get(key, 0) + 1
        introduced = []
        for issue in new:
            key = (issue.kind, issue.message)
            if budget.get(key, 0) > 0:
                budget[key] -= 1
            else:
                introduced.append(issue)
        return introduced

    # ------------------------------------------------------------------ memory
    def memory_bytes(self) -> int:
        with self._lock:
            return self._module.memory_bytes()

    # ------------------------------------------------------------------ internals
    def _doc(self, uri: str) -> _Document:
        doc = self._docs.get(uri)
        if doc is None:
            raise KeyError(f"document {uri!r} is not open")
        return doc

    def _close_handle(self, uri: str) -> None:
        doc = self._docs.pop(uri, None)
        if doc is not None and not self._module.broken:
            try:
                self._module.close(doc.handle)
            except TransformationError:
                pass  # the instance broke; the next call replaces it

    def _query_handle(self, module: SyntaxModuleV1, grammar: str, source: str) -> int:
        key = (grammar, source)
        handle = self._queries.get(key)
        if handle is None:
            handle = module.query_new(LANGUAGE_IDS[grammar], source.encode("utf-8"))
            self._queries[key] = handle
        return handle

    def _call(self, action: Callable[[SyntaxModuleV1], T]) -> T:
        """Run action on the instance; on a trap, restart (re-open documents) and retry once."""
        if self._module.broken:
            self._restart()
        try:
            return action(self._module)
        except TransformationError:
            if not self._module.broken:
                raise  # an answer (bad query, bad edit), not a failure of the instance
            self._restart()
            return action(self._module)

    def _restart(self) -> None:
        self.restarts += 1
        self._module = SyntaxModuleV1(self._loaded, self._limits)
        self._queries.clear()
        for doc in self._docs.values():
            doc.handle = self._module.open(LANGUAGE_IDS[doc.grammar], doc.text)


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix, by bisection on slice comparisons (memcmp speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low
