"""wasm-bindgen (externref flavour): the only module that knows this ABI variant.

Newer wasm-bindgen output passes JS values as ``externref`` instead of heap indices:
imports take and return references directly, wasmtime-py hands them to Python as the
Python objects we created (``None`` is JS ``null``, :data:`UNDEFINED` is JS ``undefined``),
and values the module keeps live in its own exported table ``__wbindgen_externrefs``
(slots handed out by ``__externref_table_alloc``, freed by ``__externref_table_dealloc``).
Exported functions return several values at once (multi-value): ``[value, error, is_error]``
for ``Result<JsValue, _>``, ``[ptr, len, error, is_error]`` for ``Result<String, _>``.

The JS-value model (typeof, loose equality, property access, errors, BigInt) is shared
with the heap flavour in :mod:`booster_lsp.wasm.abi.bindgen`. Imports are a table of small
Python functions whose meaning is spelled out in the package's own glue (``ruff_wasm.js``);
overloaded names (``get``, ``set``, ``new``, ``next``) are told apart by their glue bodies.

This module hosts @astral-sh/ruff-wasm-nodejs (Ruff's ``Workspace``: ``check``, ``format``).
"""

from __future__ import annotations

import logging
import math
import re
import struct
from pathlib import Path
from typing import Any, Callable

import wasmtime

from booster_lsp.errors import TransformationError
from booster_lsp.wasm.abi.bindgen import (
    SYMBOL_ITERATOR,
    UNDEFINED,
    BigInt,
    JSError,
    _base_name,
    _get_property,
    _glue_bodies,
    _is_safe_integer,
    _strict_eq,
    _to_number,
    js_loose_eq,
    js_string,
    js_typeof,
    ruff_format_error,
)
from booster_lsp.wasm.runtime import HostAbort, LoadedModule, Limits, Sandbox, decode_output, read_checked

log = logging.getLogger(__name__)


class JSMap(dict):
    """A JS ``Map`` (serde_wasm_bindgen serializes Rust maps as Maps, structs as objects)."""


def _glue_functions(source: str) -> dict[str, str]:
    """Bodies of the import object's entries: ``__wbg_x_hash: function(a, b) { ... },``."""
    bodies = _glue_bodies(source)
    starts = list(re.finditer(r"\n        (\w+): function", source))
    for match, following in zip(starts, starts[1:] + [None]):
        end = following.start() if following is not None else source.find("\n    };", match.end())
        bodies[match.group(1)] = source[match.end():end]
    return bodies


class ExternrefBindgenInstance:
    """One instance of an externref-flavoured wasm-bindgen module."""

    def __init__(self, module: LoadedModule, limits: Limits, glue_source: str) -> None:
        self._glue = _glue_functions(glue_source)
        self._caller: wasmtime.Caller | None = None
        self.host_calls = 0  # imports called: each costs a few µs from Python (see benchmarks)
        self.sandbox = module.instantiate(limits, self._define_imports)
        self.name = module.name
        table = self.sandbox.exports.get("__wbindgen_externrefs")
        if not isinstance(table, wasmtime.Table):
            raise TransformationError(f"module {self.name} exports no externref table (wrong ABI?)", module=self.name)
        self.table = table
        self.sandbox.call("__wbindgen_start")

    @property
    def broken(self) -> bool:
        return self.sandbox.broken

    # ----- memory and table helpers, valid on the host side and inside imports
    def _store(self) -> Any:
        return self._caller if self._caller is not None else self.sandbox.store

    def _call(self, name: str, *args: Any) -> Any:
        if self._caller is not None:  # re-entrant call from inside an import
            return self.sandbox.func(name)(self._caller, *args)
        return self.sandbox.call(name, *args)

    def read(self, ptr: int, length: int) -> bytes:
        assert self.sandbox.memory is not None
        try:
            return read_checked(self.sandbox.memory, self._store(), ptr, length, self.name)
        except TransformationError as error:  # may be inside an import: abort the WASM call
            raise HostAbort(error) from None

    def write(self, ptr: int, data: bytes) -> None:
        assert self.sandbox.memory is not None
        self.sandbox.memory.write(self._store(), data, ptr)

    def read_str(self, ptr: int, length: int) -> str:
        try:
            return decode_output(self.read(ptr, length), self.name)
        except TransformationError as error:
            raise HostAbort(error) from None

    def pass_string(self, text: str) -> tuple[int, int]:
        data = text.encode("utf-8")
        ptr = self._call("__wbindgen_malloc", len(data), 1)
        self.write(ptr, data)
        return ptr, len(data)

    def take_string(self, ptr: int, length: int) -> str:
        try:
            return self.read_str(ptr, length)
        finally:
            self._call("__wbindgen_free", ptr, length, 1)

    def table_get(self, index: int) -> Any:
        value = self.table.get(self._store(), index)
        # wasmtime-py returns the Val itself for falsy payloads (False, 0.0, "", {}).
        return value.value if isinstance(value, wasmtime.Val) else value

    def take_from_table(self, index: int) -> Any:
        value = self.table_get(index)
        self._call("__externref_table_dealloc", index)
        return value

    def add_to_table(self, value: Any) -> int:
        index = self._call("__externref_table_alloc")
        self.table.set(self._store(), index, value)
        return index

    # ----- imports
    def _define_imports(self, linker: wasmtime.Linker, sandbox: Sandbox) -> None:
        table = self._table()
        for imported in sandbox.module.module.imports:
            if not isinstance(imported.type, wasmtime.FuncType):
                continue
            impl = self._implementation(imported.name, table) or self._missing(imported.name)
            linker.define_func(imported.module, imported.name, imported.type, self._with_caller(impl), access_caller=True)

    def _with_caller(self, impl: Callable[..., Any]) -> Callable[..., Any]:
        def call(caller: wasmtime.Caller, *args: Any) -> Any:
            outer = self._caller
            self._caller = caller
            self.host_calls += 1
            try:
                return impl(*args)
            finally:
                self._caller = outer

        return call

    def _missing(self, name: str) -> Callable[..., Any]:
        def fail(*_args: Any) -> Any:
            raise HostAbort(TransformationError(f"module {self.name} called unsupported JS import {name}", module=self.name))

        return fail

    def _guarded(self, impl: Callable[..., Any]) -> Callable[..., Any]:
        """JS `handleError`: a thrown exception goes to the module's exception slot."""

        def call(*args: Any) -> Any:
            try:
                return impl(*args)
            except HostAbort:
                raise
            except Exception as exc:  # noqa: BLE001 - this is JS `catch (e)`
                self._call("__wbindgen_exn_store", self.add_to_table(JSError(str(exc))))
                return None

        return call

    def _implementation(self, import_name: str, table: dict[str, Callable[..., Any]]) -> Callable[..., Any] | None:
        body = self._glue.get(import_name, "")
        if import_name.startswith("__wbindgen_cast_"):
            if "Ref(String)" in body:
                return lambda ptr, length: self.read_str(ptr, length)
            if "U64" in body:
                return lambda v: BigInt(v & 0xFFFFFFFFFFFFFFFF)
            if "I64" in body:
                return lambda v: BigInt(v)
            return lambda v: float(v)
        base = _base_name(import_name)
        # Overloads: the glue body says which JS operation a hashed name stands for.
        if base == "get":
            if "Reflect.get" in body:
                return self._guarded(lambda obj, key: _get_property(obj, key))
            return lambda obj, index: _get_property(obj, index & 0xFFFFFFFF)
        if base == "set":
            if ".set(" in body:  # Map.prototype.set, returns the map
                return lambda target, key, value: (target.__setitem__(key, value), target)[1]
            if ">>> 0" in body:
                return _set_index
            return _set_key
        if base == "new":
            if "new Uint8Array" in body:
                return lambda source: bytearray(source)
            if "new Map" in body:
                return JSMap
            if "new Array" in body:
                return list
            if "new Object" in body:
                return dict
            if "getStringFromWasm0" in body:
                return lambda ptr, length: JSError(self.read_str(ptr, length))
            if "new Error" in body:
                return lambda: JSError("")
        if base == "next":
            if "handleError" in body:
                return self._guarded(lambda iterator: iterator.next())
            return lambda iterator: _get_property(iterator, "next")
        if base == "error" and "getStringFromWasm0" in body:
            return self._console_error_owned
        return table.get(base)

    def _console_error_owned(self, ptr: int, length: int) -> None:
        log.error("%s: %s", self.name, self.take_string(ptr, length))

    def _table(self) -> dict[str, Callable[..., Any]]:
        def string_out(retptr: int, value: Any) -> None:
            ptr, length = self.pass_string(value) if isinstance(value, str) else (0, 0)
            self.write(retptr, struct.pack("<ii", ptr, length))

        def number_get(retptr: int, value: Any) -> None:
            is_number = js_typeof(value) == "number"
            self.write(retptr, struct.pack("<i4xd", int(is_number), float(value) if is_number else 0.0))

        def bigint_get(retptr: int, value: Any) -> None:
            ok = isinstance(value, BigInt)
            self.write(retptr, struct.pack("<i4xq", int(ok), int(value) if ok else 0))

        def throw(ptr: int, length: int) -> None:
            raise HostAbort(TransformationError(self.read_str(ptr, length), module=self.name))

        def init_externref_table() -> None:
            store = self._store()
            offset = self.table.grow(store, 4, None)
            self.table.set(store, 0, UNDEFINED)
            for i, value in enumerate((UNDEFINED, None, True, False)):
                self.table.set(store, offset + i, value)

        def copy_into_wasm(ptr: int, length: int, source: Any) -> None:
            self.write(ptr, bytes(source)[:length])

        def code_point_at(text: Any, index: int) -> Any:
            index &= 0xFFFFFFFF
            if not isinstance(text, str):
                return UNDEFINED
            # JS strings index UTF-16 code units.
            units = text.encode("utf-16-le")
            if 2 * index + 2 > len(units):
                return UNDEFINED
            return float(ord(units[2 * index:2 * index + 4].decode("utf-16-le", "surrogatepass")[0]))

        def from_code_point(code: int) -> str:
            return chr(code & 0xFFFFFFFF)

        def entries(value: Any) -> list[list[Any]]:
            if isinstance(value, dict) and not isinstance(value, JSMap):
                return [[str(k), v] for k, v in value.items()]
            if isinstance(value, list):
                return [[str(i), v] for i, v in enumerate(value)]
            return []

        def console(level: int) -> Callable[[Any], None]:
            return lambda value: log.log(level, "%s: %s", self.name, js_string(value))

        return {
            "Error": lambda ptr, length: JSError(self.read_str(ptr, length)),
            "Number": lambda value: float(_to_number(value)),
            "String": lambda retptr, value: string_out(retptr, js_string(value)),
            "__wbindgen_string_get": string_out,
            "__wbindgen_debug_string": lambda retptr, value: string_out(retptr, repr(value)),
            "__wbindgen_number_get": number_get,
            "__wbindgen_bigint_get_as_i64": bigint_get,
            "__wbindgen_boolean_get": lambda v: (1 if v else 0) if isinstance(v, bool) else 0xFFFFFF,
            "__wbindgen_in": lambda key, obj: int(isinstance(obj, dict) and key in obj),
            "__wbindgen_is_bigint": lambda v: int(isinstance(v, BigInt)),
            "__wbindgen_is_function": lambda v: int(callable(v)),
            "__wbindgen_is_object": lambda v: int(v is not None and js_typeof(v) == "object"),
            "__wbindgen_is_undefined": lambda v: int(v is UNDEFINED),
            "__wbindgen_is_string": lambda v: int(isinstance(v, str)),
            "__wbindgen_is_null": lambda v: int(v is None),
            "__wbindgen_jsval_eq": lambda a, b: int(_strict_eq(a, b)),
            "__wbindgen_jsval_loose_eq": lambda a, b: int(js_loose_eq(a, b)),
            "__wbindgen_throw": throw,
            "__wbindgen_init_externref_table": init_externref_table,
            "call": self._guarded(lambda func, this: func()),
            "done": lambda v: int(bool(v["done"])),
            "value": lambda v: v["value"],
            "entries": entries,
            "get_with_ref_key": lambda obj, key: _get_property(obj, key),
            "get_unchecked": lambda obj, index: _get_property(obj, index & 0xFFFFFFFF),
            "length": lambda v: len(v),
            "prototypesetcall": copy_into_wasm,
            "instanceof_ArrayBuffer": lambda v: int(isinstance(v, (bytes, bytearray))),
            "instanceof_Uint8Array": lambda v: int(isinstance(v, bytearray)),
            "instanceof_Map": lambda v: int(isinstance(v, JSMap)),
            "isArray": lambda v: int(isinstance(v, list)),
            "isSafeInteger": lambda v: int(_is_safe_integer(v)),
            "iterator": lambda: SYMBOL_ITERATOR,
            "codePointAt": code_point_at,
            "fromCodePoint": self._guarded(from_code_point),
            "stack": lambda retptr, _value: string_out(retptr, ""),
            "log": console(logging.INFO),
            "info": console(logging.INFO),
            "debug": console(logging.DEBUG),
            "warn": console(logging.WARNING),
            "error": console(logging.ERROR),
        }


def _set_index(target: Any, index: int, value: Any) -> None:
    index &= 0xFFFFFFFF
    if isinstance(target, list):
        target.extend([UNDEFINED] * (index + 1 - len(target)))
        target[index] = value
    else:
        target[index] = value


def _set_key(target: Any, key: Any, value: Any) -> None:
    if isinstance(target, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        _set_index(target, int(key), value)
    else:
        target[key] = value


# --------------------------------------------------------------------------- ruff workspace
class RuffWorkspace:
    """@astral-sh/ruff-wasm-nodejs: ``new Workspace(options, PositionEncoding)`` then ``check``
    or ``format``.

    ``options`` are Ruff's own configuration keys, as in ``ruff.toml`` (kebab-case), e.g.
    ``{"line-length": 100, "target-version": "py311", "lint": {"select": ["E", "F"]}}``.
    One Ruff workspace is kept per distinct options: creating one deserializes the options
    through the JS glue (hundreds of host calls), checking and formatting do not.
    """

    UTF8 = 0

    def __init__(self, module: LoadedModule, limits: Limits, glue_path: Path) -> None:
        self.js = ExternrefBindgenInstance(module, limits, glue_path.read_text(encoding="utf-8"))
        self.name = module.name
        self._workspaces: dict[str, int] = {}

    @property
    def broken(self) -> bool:
        return self.js.broken

    def version(self) -> str:
        ptr, length = self.js.sandbox.call("workspace_version")
        return self.js.take_string(ptr, length)

    def default_settings(self) -> Any:
        return self._value_result(self.js.sandbox.call("workspace_defaultSettings"))

    def workspace(self, options: dict[str, Any], key: str) -> int:
        handle = self._workspaces.get(key)
        if handle is None:
            if len(self._workspaces) >= 16:  # settings churn: drop the oldest workspace
                oldest = next(iter(self._workspaces))
                self.js.sandbox.call("__wbg_workspace_free", self._workspaces.pop(oldest), 0)
            result = self.js.sandbox.call("workspace_new", _to_js(options), self.UTF8)
            handle = self._value_result(result, settings=True)
            self._workspaces[key] = handle
        return handle

    def check(self, text: str, options: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """Ruff's diagnostics, with rows and columns (1-based, UTF-8 byte columns)."""
        handle = self.workspace(options, key)
        ptr, length = self.js.pass_string(text)
        return self._value_result(self.js.sandbox.call("workspace_check", handle, ptr, length))

    def format(self, text: str, options: dict[str, Any], key: str) -> str:
        handle = self.workspace(options, key)
        ptr, length = self.js.pass_string(text)
        out_ptr, out_len, error, is_error = self.js.sandbox.call("workspace_format", handle, ptr, length)
        if is_error:
            raise ruff_format_error(self.js.take_from_table(error), text, self.name)
        return self.js.take_string(out_ptr, out_len)

    def _value_result(self, result: list[Any], *, settings: bool = False) -> Any:
        value, error, is_error = result
        if is_error:
            raise self._error(self.js.take_from_table(error), settings=settings)
        if settings:
            return value  # a pointer to the Rust Workspace, not a table slot
        return self.js.take_from_table(value)

    def _error(self, value: Any, *, settings: bool = False) -> TransformationError:
        message = str(value) if not isinstance(value, str) else value
        if settings:
            return TransformationError(f"invalid Ruff settings: {message}", kind="config", module=self.name)
        return TransformationError(message, module=self.name)


def _to_js(value: Any) -> Any:
    """Python settings -> JS values (numbers as floats, like JSON.parse would give)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value) if not math.isnan(value) else value
    if isinstance(value, dict):
        return {str(k): _to_js(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_js(v) for v in value]
    return value
