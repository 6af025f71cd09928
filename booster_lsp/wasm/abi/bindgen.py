"""wasm-bindgen (heap-object flavour): the only module that knows this ABI.

A wasm-bindgen module talks to "JavaScript" through imports named ``__wbg_<name>_<hash>``
and ``__wbindgen_<name>``; JS values live in a host-side heap addressed by i32 indices
(indices below 1028 are reserved: 1024 undefined, 1025 null, 1026 true, 1027 false).
Strings go in through the exported malloc/realloc and come out as (ptr, len); results of
exported functions are written at a return pointer taken from the shadow stack.

This file implements, in Python, the small part of JavaScript such glue needs (objects,
arrays, strings, numbers, errors), and the call sequences of @wasm-fmt/ruff_fmt.
Overloaded imports (two ``get``s with different hashes) are told apart by their bodies in
the package's own glue file, installed next to the module.
"""

from __future__ import annotations

import math
import re
import struct
from pathlib import Path
from typing import Any, Callable

import wasmtime

from booster_lsp.errors import TransformationError
from booster_lsp.wasm.runtime import HostAbort, LoadedModule, Limits, Sandbox, decode_output, read_checked


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()
SYMBOL_ITERATOR = object()


class JSError(Exception):
    """A JS ``Error`` object created by the module (``Error(message)``)."""


class BigInt(int):
    """A JS BigInt (distinct from a Number)."""


_RESERVED = 1024
_FIRST_FREE = 1028


class JSHeap:
    """The table of JS values the module refers to by index."""

    def __init__(self) -> None:
        self.values: list[Any] = [UNDEFINED] * _RESERVED + [UNDEFINED, None, True, False]
        self.free: list[int] = []

    def add(self, value: Any) -> int:
        if self.free:
            index = self.free.pop()
            self.values[index] = value
            return index
        self.values.append(value)
        return len(self.values) - 1

    def get(self, index: int) -> Any:
        return self.values[index]

    def take(self, index: int) -> Any:
        value = self.values[index]
        if index >= _FIRST_FREE:
            self.values[index] = UNDEFINED
            self.free.append(index)
        return value

    def live_objects(self) -> int:
        return len(self.values) - _FIRST_FREE - len(self.free)


def js_typeof(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "object"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, BigInt):
        return "bigint"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if callable(value):
        return "function"
    return "object"


def js_string(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, JSError):
        return f"Error: {value}"
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None or v is UNDEFINED else js_string(v) for v in value)
    return str(value)


def js_loose_eq(a: Any, b: Any) -> bool:
    nullish = (None, UNDEFINED)
    if a in nullish or b in nullish:
        return (a in nullish) and (b in nullish)
    if isinstance(a, (int, float)) and isinstance(b, str) or isinstance(a, str) and isinstance(b, (int, float)):
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    return a == b if type(a) is type(b) or isinstance(a, (int, float)) and isinstance(b, (int, float)) else a is b


def _strict_eq(a: Any, b: Any) -> bool:
    if js_typeof(a) != js_typeof(b):
        return False
    if js_typeof(a) in ("number", "string", "boolean", "bigint", "undefined"):
        return a == b
    return a is b


class _Iterator:
    def __init__(self, values: list[Any]) -> None:
        self._it = iter(values)

    def next(self) -> dict[str, Any]:
        try:
            return {"done": False, "value": next(self._it)}
        except StopIteration:
            return {"done": True, "value": UNDEFINED}


def _get_property(target: Any, key: Any) -> Any:
    if key is SYMBOL_ITERATOR:
        if isinstance(target, (list, str)):
            return lambda: _Iterator(list(target))
        return UNDEFINED
    if isinstance(target, dict):
        return target.get(key, UNDEFINED)
    if isinstance(target, (list, str, bytearray, bytes)):
        if key == "length":
            return len(target)
        if isinstance(key, (int, float)) and 0 <= int(key) < len(target):
            return target[int(key)]
        return UNDEFINED
    if isinstance(target, JSError) and key == "message":
        return str(target)
    if isinstance(target, _Iterator) and key == "next":
        return target.next
    return UNDEFINED


class BindgenInstance:
    """One instance of a heap-flavoured wasm-bindgen module, with its JS heap."""

    def __init__(self, module: LoadedModule, limits: Limits, glue_source: str | None) -> None:
        self.heap = JSHeap()
        self._glue_bodies = _glue_bodies(glue_source) if glue_source else {}
        self._caller: wasmtime.Caller | None = None
        self.sandbox = module.instantiate(limits, self._define_imports)
        exports = self.sandbox.exports
        # wasm-bindgen numbers its allocator exports; their order is fixed by the generator.
        self._malloc_name = "__wbindgen_export" if "__wbindgen_export" in exports else "__wbindgen_malloc"
        self._realloc_name = "__wbindgen_export2" if "__wbindgen_export2" in exports else "__wbindgen_realloc"
        self._free_name = "__wbindgen_export4" if "__wbindgen_export4" in exports else "__wbindgen_free"
        self._exn_store_name = "__wbindgen_export3" if "__wbindgen_export3" in exports else "__wbindgen_exn_store"

    @property
    def broken(self) -> bool:
        return self.sandbox.broken

    # ----- memory helpers usable from the host side and from inside imports
    def _store(self) -> Any:
        return self._caller if self._caller is not None else self.sandbox.store

    def _export(self, name: str) -> wasmtime.Func:
        return self.sandbox.func(name)

    def _mem(self) -> wasmtime.Memory:
        assert self.sandbox.memory is not None
        return self.sandbox.memory

    def read(self, ptr: int, length: int) -> bytes:
        try:
            return read_checked(self._mem(), self._store(), ptr, length, self.sandbox.name)
        except TransformationError as error:  # may be inside an import: abort the WASM call
            raise HostAbort(error) from None

    def write(self, ptr: int, data: bytes) -> None:
        self._mem().write(self._store(), data, ptr)

    def read_str(self, ptr: int, length: int) -> str:
        try:
            return decode_output(self.read(ptr, length), self.sandbox.name)
        except TransformationError as error:
            raise HostAbort(error) from None

    def pass_string(self, text: str) -> tuple[int, int]:
        data = text.encode("utf-8")
        ptr = self._export(self._malloc_name)(self._store(), len(data), 1)
        self.write(ptr, data)
        return ptr, len(data)

    def write_i32s(self, ptr: int, *values: int) -> None:
        self.write(ptr, struct.pack(f"<{len(values)}i", *values))

    # ----- imports
    def _define_imports(self, linker: wasmtime.Linker, sandbox: Sandbox) -> None:
        for imported in sandbox.module.module.imports:
            if not isinstance(imported.type, wasmtime.FuncType):
                continue
            impl = self._implementation(imported.name)
            if impl is None:
                impl = self._missing(imported.name)
            returns = bool(imported.type.results)
            linker.define_func(
                imported.module, imported.name, imported.type, self._with_caller(impl, returns), access_caller=True
            )

    def _with_caller(self, impl: Callable[..., Any], returns: bool) -> Callable[..., Any]:
        def call(caller: wasmtime.Caller, *args: Any) -> Any:
            outer = self._caller
            self._caller = caller
            try:
                result = impl(*args)
                return result if returns else None
            finally:
                self._caller = outer

        return call

    def _missing(self, name: str) -> Callable[..., Any]:
        def fail(*_args: Any) -> Any:
            raise HostAbort(
                TransformationError(f"module {self.sandbox.name} called unsupported JS import {name}", module=self.sandbox.name)
            )

        return fail

    def _implementation(self, import_name: str) -> Callable[..., Any] | None:
        if import_name.startswith("__wbindgen_cast_"):
            return self._cast(import_name)
        base = _base_name(import_name)
        body = self._glue_bodies.get(import_name, "")
        if base == "get":
            if "Reflect.get" in body:
                return self._guarded(lambda o, k: self.heap.add(_get_property(self.heap.get(o), self.heap.get(k))))
            return lambda o, i: self.heap.add(_get_property(self.heap.get(o), i & 0xFFFFFFFF))
        table = self._table()
        return table.get(base)

    def _guarded(self, impl: Callable[..., int]) -> Callable[..., int]:
        """JS `handleError`: a thrown exception is stored in the module, the call returns 0."""

        def call(*args: Any) -> int:
            try:
                return impl(*args)
            except HostAbort:
                raise
            except Exception as exc:  # noqa: BLE001 - this is JS `catch (e)`
                self._export(self._exn_store_name)(self._store(), self.heap.add(JSError(str(exc))))
                return 0

        return call

    def _cast(self, import_name: str) -> Callable[..., Any] | None:
        body = self._glue_bodies.get(import_name, "")
        if "Ref(String)" in body or "getStringFromWasm0" in body:
            return lambda ptr, length: self.heap.add(self.read_str(ptr, length))
        if "U64" in body:
            return lambda v: self.heap.add(BigInt(v & 0xFFFFFFFFFFFFFFFF))
        if "I64" in body:
            return lambda v: self.heap.add(BigInt(v))
        return lambda v: self.heap.add(float(v))

    def _table(self) -> dict[str, Callable[..., Any]]:
        heap = self.heap
        get, add = heap.get, heap.add

        def string_out(retptr: int, value: Any) -> None:
            if isinstance(value, str):
                ptr, length = self.pass_string(value)
            else:
                ptr, length = 0, 0
            self.write_i32s(retptr, ptr, length)

        def number_get(retptr: int, idx: int) -> None:
            value = get(idx)
            is_number = js_typeof(value) == "number"
            self.write(retptr, struct.pack("<i4xd", int(is_number), float(value) if is_number else 0.0))

        def bigint_get(retptr: int, idx: int) -> None:
            value = get(idx)
            ok = isinstance(value, BigInt)
            self.write(retptr, struct.pack("<i4xq", int(ok), int(value) if ok else 0))

        def boolean_get(idx: int) -> int:
            value = get(idx)
            return (1 if value else 0) if isinstance(value, bool) else 0xFFFFFF

        def throw(ptr: int, length: int) -> None:
            raise HostAbort(TransformationError(self.read_str(ptr, length), module=self.sandbox.name))

        def set_property(obj: int, key: int, value: int) -> None:
            target = get(obj)
            k, v = heap.take(key), heap.take(value)
            if isinstance(target, list) and isinstance(k, (int, float)):
                index = int(k)
                target.extend([UNDEFINED] * (index + 1 - len(target)))
                target[index] = v
            else:
                target[k] = v

        def entries(idx: int) -> int:
            value = get(idx)
            items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
            return add([[str(k), v] for k, v in items])

        def copy_into_wasm(ptr: int, length: int, idx: int) -> None:
            self.write(ptr, bytes(get(idx))[:length])

        def call0(func: int, this: int) -> int:
            return add(get(func)())

        return {
            "__wbindgen_object_drop_ref": heap.take,
            "__wbindgen_object_clone_ref": lambda idx: add(get(idx)),
            "Error": lambda ptr, length: add(JSError(self.read_str(ptr, length))),
            "Number": lambda idx: float(_to_number(get(idx))),
            "String": lambda retptr, idx: string_out(retptr, js_string(get(idx))),
            "__wbindgen_string_get": lambda retptr, idx: string_out(retptr, get(idx)),
            "__wbindgen_debug_string": lambda retptr, idx: string_out(retptr, repr(get(idx))),
            "__wbindgen_number_get": number_get,
            "__wbindgen_bigint_get_as_i64": bigint_get,
            "__wbindgen_boolean_get": boolean_get,
            "__wbindgen_in": lambda key, obj: int(isinstance(get(obj), dict) and get(key) in get(obj)),
            "__wbindgen_is_bigint": lambda idx: int(isinstance(get(idx), BigInt)),
            "__wbindgen_is_function": lambda idx: int(callable(get(idx))),
            "__wbindgen_is_object": lambda idx: int(js_typeof(get(idx)) == "object" and get(idx) is not None),
            "__wbindgen_is_undefined": lambda idx: int(get(idx) is UNDEFINED),
            "__wbindgen_is_string": lambda idx: int(isinstance(get(idx), str)),
            "__wbindgen_is_null": lambda idx: int(get(idx) is None),
            "__wbindgen_jsval_eq": lambda a, b: int(_strict_eq(get(a), get(b))),
            "__wbindgen_jsval_loose_eq": lambda a, b: int(js_loose_eq(get(a), get(b))),
            "__wbindgen_throw": throw,
            "call": self._guarded(call0),
            "done": lambda idx: int(bool(get(idx)["done"])),
            "value": lambda idx: add(get(idx)["value"]),
            "next": lambda idx: add(_get_property(get(idx), "next")),
            "entries": entries,
            "get_with_ref_key": lambda obj, key: add(_get_property(get(obj), get(key))),
            "get_unchecked": lambda obj, i: add(_get_property(get(obj), i & 0xFFFFFFFF)),
            "set": set_property,
            "new": lambda *args: add({}) if not args else add(bytearray(get(args[0]))),
            "length": lambda idx: len(get(idx)),
            "prototypesetcall": copy_into_wasm,
            "instanceof_ArrayBuffer": lambda idx: int(isinstance(get(idx), (bytes, bytearray))),
            "instanceof_Uint8Array": lambda idx: int(isinstance(get(idx), bytearray)),
            "instanceof_Map": lambda idx: 0,
            "isArray": lambda idx: int(isinstance(get(idx), list)),
            "isSafeInteger": lambda idx: int(_is_safe_integer(get(idx))),
            "iterator": lambda: add(SYMBOL_ITERATOR),
        }


def _to_number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if value is None:
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _is_safe_integer(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, BigInt):
        return False
    return float(value).is_integer() and abs(value) <= 2**53 - 1


def _base_name(import_name: str) -> str:
    """``__wbg_get_652f...`` -> ``get``; ``__wbg___wbindgen_in_2617...`` -> ``__wbindgen_in``."""
    name = import_name
    if name.startswith("__wbg_"):
        name = name[len("__wbg_"):]
        name = re.sub(r"_[0-9a-f]{8,16}$", "", name)
    return name


def _glue_bodies(source: str) -> dict[str, str]:
    bodies: dict[str, str] = {}
    for match in re.finditer(r"export function (\w+)\(.*?\)\s*\{(.*?)\n\}", source, re.S):
        bodies[match.group(1)] = match.group(2)
    return bodies


# --------------------------------------------------------------------------- ruff_fmt
RUFF_ERROR_LOCATION = re.compile(r"at byte range (\d+)\.\.(\d+)|at (\d+):(\d+)")


class RuffFmt:
    """@wasm-fmt/ruff_fmt: ``format(input, path, config)`` and ``format_range``."""

    def __init__(self, module: LoadedModule, limits: Limits, glue_path: Path | None) -> None:
        glue = glue_path.read_text(encoding="utf-8") if glue_path and glue_path.exists() else None
        self.js = BindgenInstance(module, limits, glue)
        self.name = module.name

    @property
    def broken(self) -> bool:
        return self.js.broken

    def format(self, text: str, path: str | None, config: dict[str, Any]) -> str:
        js, sandbox = self.js, self.js.sandbox
        retptr = sandbox.call("__wbindgen_add_to_stack_pointer", -16)
        try:
            ptr0, len0 = js.pass_string(text)
            ptr1, len1 = js.pass_string(path) if path else (0, 0)
            sandbox.call("format", retptr, ptr0, len0, ptr1, len1, js.heap.add(dict(config)))
            r0, r1, r2, r3 = struct.unpack("<4i", sandbox.read(retptr, 16))
            if r3:
                raise self._error(js.heap.take(r2), text)
            try:
                return sandbox.read_text(r0, r1)
            finally:
                if not sandbox.broken:
                    sandbox.call(js._free_name, r0, r1, 1)
        finally:
            if not sandbox.broken:
                sandbox.call("__wbindgen_add_to_stack_pointer", 16)

    def format_range(self, text: str, start: int, end: int, path: str | None, config: dict[str, Any]) -> tuple[str, int, int]:
        """Returns (formatted code of the range, source start byte, source end byte)."""
        js, sandbox = self.js, self.js.sandbox
        retptr = sandbox.call("__wbindgen_add_to_stack_pointer", -16)
        try:
            ptr0, len0 = js.pass_string(text)
            ptr1, len1 = js.pass_string(path) if path else (0, 0)
            range_idx = js.heap.add({"start": float(start), "end": float(end)})
            sandbox.call("format_range", retptr, ptr0, len0, range_idx, ptr1, len1, js.heap.add(dict(config)))
            r0, r1, r2 = struct.unpack("<3i", sandbox.read(retptr, 12))
            if r2:
                raise self._error(js.heap.take(r1), text)
            printed = js.heap.take(r0)
            source_range = printed["source_range"]
            return printed["code"], int(source_range["start"]), int(source_range["end"])
        finally:
            if not sandbox.broken:
                sandbox.call("__wbindgen_add_to_stack_pointer", 16)

    def _error(self, value: Any, text: str) -> TransformationError:
        return ruff_format_error(value, text, self.name)


def ruff_format_error(value: Any, text: str, module: str) -> TransformationError:
    """A formatting error of Ruff (either build): the location it names ("at byte range
    12..13" or "at 2:7") becomes line and column; a located error is a syntax error."""
    message = str(value) if not isinstance(value, str) else value
    line = column = None
    match = RUFF_ERROR_LOCATION.search(message)
    if match and match.group(1):
        offset = int(match.group(1))
        prefix = text.encode("utf-8")[:offset]
        line = prefix.count(b"\n") + 1
        column = len(prefix.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
    elif match:
        line, column = int(match.group(3)), int(match.group(4))
    message = RUFF_ERROR_LOCATION.sub("", message).rstrip()
    kind = "syntax" if line is not None or "parse" in message.lower() or "syntax" in message.lower() else "module"
    return TransformationError(message, line=line, column=column, kind=kind, module=module)
