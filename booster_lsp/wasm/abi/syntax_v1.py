"""ABI v1 of our own syntax module (booster-syntax.wasm, built by wasm/build.py).

The only Python module that knows the export names, the pointer/length conventions and the
record layouts of wasm/src/booster_syntax.h:

* input text is written into a buffer from ``bs_alloc``; ``bs_open`` and ``bs_edit`` take
  ownership of it (the host never frees it);
* results land in one buffer (``bs_result_ptr`` / ``bs_result_len``) valid until the next
  call: arrays of little-endian u32 records, followed by string bytes where needed;
* documents and queries are small positive handles, 0 means failure.

The module is a WASI reactor that imports only ``fd_write``, ``fd_seek``, ``fd_close`` (stdio,
unreachable in practice) and ``clock_time_get``; it gets an empty WASI context.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import NamedTuple

from booster_lsp.errors import TransformationError
from booster_lsp.wasm.runtime import Limits, LoadedModule, Sandbox

MODULE_NAME = "booster-syntax"
ABI_VERSION = 1

#: Language ids of the module (the LSP's javascriptreact uses the javascript grammar).
LANGUAGE_IDS: dict[str, int] = {
    "python": 1,
    "javascript": 2,
    "typescript": 3,
    "tsx": 4,
    "go": 5,
    "rust": 6,
}

ERROR = 1
MISSING = 2
_KIND_NAMES = {ERROR: "error", MISSING: "missing"}

_ERROR_RECORD = struct.Struct("<9I")  # kind, start, end, srow, scol, erow, ecol, msg_off, msg_len
_CAPTURE_RECORD = struct.Struct("<10I")  # match, pattern, capture, symbol, start, end, srow, scol, erow, ecol

#: tree-sitter's TSQueryError, plus ours for predicates the module does not evaluate.
QUERY_ERRORS = {
    1: "syntax error",
    2: "unknown node type",
    3: "unknown field",
    4: "unknown capture",
    5: "impossible pattern",
    6: "language mismatch",
    100: "unsupported predicate (supported: eq?, not-eq?, any-of?, not-any-of?)",
}

_EDIT_STATUS = {0: "unknown document", -1: "edit range outside the document", -2: "reparse failed"}


@dataclass(frozen=True, slots=True)
class RawError:
    kind: str  # "error" | "missing"
    start_byte: int
    end_byte: int
    start: tuple[int, int]  # (row, byte column), 0-based
    end: tuple[int, int]
    message: str


class Capture(NamedTuple):
    """One capture of a query (a NamedTuple: thousands are built per query, cheaply)."""

    name: str  # capture name without '@', e.g. "local.definition"
    kind: str  # node kind, e.g. "identifier"
    start_byte: int
    end_byte: int
    start: tuple[int, int]  # (row, byte column), 0-based
    end: tuple[int, int]
    pattern: int  # index of the pattern in the query source
    match_id: int  # captures of one match share it


class QueryCompileError(TransformationError):
    """A query that does not compile against the grammar: carries the byte offset and type."""

    def __init__(self, message: str, offset: int, error_type: str) -> None:
        super().__init__(message, kind="query", module=MODULE_NAME)
        self.offset = offset
        self.error_type = error_type


class SyntaxModuleV1:
    """One sandboxed instance of booster-syntax; not thread-safe (callers hold a lock)."""

    def __init__(self, loaded: LoadedModule, limits: Limits) -> None:
        self.sandbox: Sandbox = loaded.instantiate(limits, wasi=True, init="_initialize")
        version = self.sandbox.call("bs_abi_version")
        if version != ABI_VERSION:
            raise TransformationError(
                f"module {loaded.name} speaks syntax ABI {version}, expected {ABI_VERSION}", module=loaded.name
            )
        self._symbols: dict[int, list[str]] = {}
        self._capture_names: dict[int, list[str]] = {}

    @property
    def broken(self) -> bool:
        return self.sandbox.broken

    def memory_bytes(self) -> int:
        return self.sandbox.memory_bytes()

    # ------------------------------------------------------------------ plumbing
    def _result(self) -> bytes:
        ptr = self.sandbox.call("bs_result_ptr")
        length = self.sandbox.call("bs_result_len")
        return self.sandbox.read(ptr, length)

    def _give(self, data: bytes) -> int:
        """Copy data into a fresh module buffer (whose ownership the next call takes)."""
        if not data:
            return 0
        ptr = self.sandbox.call("bs_alloc", len(data))
        if ptr == 0:
            raise TransformationError(f"module {MODULE_NAME} could not allocate {len(data)} bytes", module=MODULE_NAME)
        self.sandbox.write(ptr, data)
        return ptr

    def _names(self, count: int) -> list[str]:
        data = self._result()
        names = data.split(b"\0")[:count]
        if len(names) != count:
            raise TransformationError(f"module {MODULE_NAME} returned a short name table", module=MODULE_NAME)
        return [n.decode("utf-8", "replace") for n in names]

    # ------------------------------------------------------------------ languages
    def language_abi(self, language_id: int) -> int:
        """The grammar's tree-sitter ABI version; 0 if the runtime refuses it."""
        return self.sandbox.call("bs_language_abi", language_id)

    def symbols(self, language_id: int) -> list[str]:
        names = self._symbols.get(language_id)
        if names is None:
            names = self._names(self.sandbox.call("bs_symbols", language_id))
            self._symbols[language_id] = names
        return names

    # ------------------------------------------------------------------ documents
    def open(self, language_id: int, text: bytes) -> int:
        ptr = self._give(text)
        handle = self.sandbox.call("bs_open", language_id, ptr, len(text))
        if handle == 0:
            raise TransformationError(f"module {MODULE_NAME} could not parse a document (language {language_id})")
        return handle

    def edit(self, doc: int, start_byte: int, old_end_byte: int, inserted: bytes) -> None:
        ptr = self._give(inserted)
        status = self.sandbox.call("bs_edit", doc, start_byte, old_end_byte, ptr, len(inserted))
        if status != 1:
            raise TransformationError(
                f"module {MODULE_NAME}: edit failed ({_EDIT_STATUS.get(status, status)})", module=MODULE_NAME
            )

    def copy(self, doc: int) -> int:
        """A new document with the same text and tree (the tree is shared copy-on-write)."""
        handle = self.sandbox.call("bs_copy", doc)
        if handle == 0:
            raise TransformationError(f"module {MODULE_NAME}: unknown document {doc}", module=MODULE_NAME)
        return handle

    def close(self, doc: int) -> None:
        self.sandbox.call("bs_close", doc)

    def has_errors(self, doc: int) -> bool:
        return self.sandbox.call("bs_has_errors", doc) == 1

    def errors(self, doc: int) -> list[RawError]:
        count = self.sandbox.call("bs_errors", doc)
        if count < 0:
            raise TransformationError(f"module {MODULE_NAME}: unknown document {doc}", module=MODULE_NAME)
        if count == 0:
            return []
        data = self._result()
        base = count * _ERROR_RECORD.size
        out = []
        for kind, start, end, srow, scol, erow, ecol, off, length in _ERROR_RECORD.iter_unpack(data[:base]):
            message = data[base + off : base + off + length].decode("utf-8", "replace")
            out.append(RawError(_KIND_NAMES.get(kind, "error"), start, end, (srow, scol), (erow, ecol), message))
        return out

    # ------------------------------------------------------------------ queries
    def query_new(self, language_id: int, source: bytes) -> int:
        ptr = self._give(source)
        try:
            handle = self.sandbox.call("bs_query_new", language_id, ptr, len(source))
        finally:
            if ptr and not self.sandbox.broken:
                self.sandbox.call("bs_free", ptr)  # the query source stays the caller's
        if handle == 0:
            error_type, offset = struct.unpack("<2I", self._result()[:8])
            what = QUERY_ERRORS.get(error_type, f"error {error_type}")
            line = source[:offset].count(b"\n") + 1
            col = offset - (source.rfind(b"\n", 0, offset) + 1) + 1
            raise QueryCompileError(f"query {what} at offset {offset} (line {line}, column {col})", offset, what)
        self._capture_names[handle] = self._names(self.sandbox.call("bs_query_captures", handle))
        return handle

    def query_free(self, query: int) -> None:
        self._capture_names.pop(query, None)
        self.sandbox.call("bs_query_free", query)

    def query_run(self, doc: int, query: int, language_id: int, start_byte: int = 0, end_byte: int = 0) -> list[Capture]:
        count = self.sandbox.call("bs_query_run", doc, query, start_byte, end_byte)
        if count < 0:
            raise TransformationError(f"module {MODULE_NAME}: query run failed ({count})", module=MODULE_NAME)
        if count == 0:
            return []
        data = self._result()
        if len(data) != count * _CAPTURE_RECORD.size:
            raise TransformationError(f"module {MODULE_NAME} returned a malformed capture list", module=MODULE_NAME)
        names = self._capture_names[query]
        symbols = self.symbols(language_id)
        new = tuple.__new__  # a named tuple without its Python-level __new__: ~25 % faster here
        return [
            new(Capture, (names[cap], symbols[sym], start, end, (srow, scol), (erow, ecol), pattern, mid))
            for mid, pattern, cap, sym, start, end, srow, scol, erow, ecol in _CAPTURE_RECORD.iter_unpack(data)
        ]

    # ------------------------------------------------------------------ debugging
    def tree_string(self, doc: int) -> str:
        """The syntax tree as tree-sitter's S-expression (for tests and debugging)."""
        if self.sandbox.call("bs_tree_string", doc) < 0:
            raise TransformationError(f"module {MODULE_NAME}: unknown document {doc}", module=MODULE_NAME)
        return self._result().decode("utf-8", "replace")
