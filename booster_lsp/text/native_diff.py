"""The native line diff (native/line_diff.c, built by native/build.py), loaded with ctypes.

``line_hunks(old, new, max_lines)`` gives the changed lines of ``old`` and what replaces them
in ``new`` as ``text/edits.line_edits`` computes them in Python, in one call into C (line_edits
gives it only the lines between those both texts share: a one-line edit of a big file is two
lines to encode and scan). On the language server's formatting path, right after a formatter
module has run, the edits of a reformatted 350-line file then take ~0.13 ms instead of
~0.26 ms (the Python path splits both texts and hashes every line, one object each, on cold
caches). ``None`` when the library is not built (an install from a wheel, a platform without
it), is switched off (``BOOSTER_NATIVE_DIFF=off``, to compare), or fails: callers then take
the Python path.
"""

from __future__ import annotations

import ctypes
import logging
import os
import struct
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

ABI_VERSION = 1
_LIBRARY_NAMES = {"linux": "libbooster_line_diff.so", "darwin": "libbooster_line_diff.dylib"}
_HUNK = struct.Struct("=4I")  # old start line, old end line, new start, new end (code points)
_MAX_BYTES = 1 << 31  # the C side counts in u32


def library_paths() -> list[Path]:
    """Where the library may be: the checkout's native/lib (a wheel carries no native code:
    it stays ``py3-none-any``, and a server installed from one diffs in Python)."""
    name = _LIBRARY_NAMES.get(sys.platform)
    if name is None:
        return []
    return [Path(__file__).resolve().parents[2] / "native" / "lib" / name]


class NativeLineDiff:
    def __init__(self, path: Path) -> None:
        # PyDLL: called with the GIL held. A call takes microseconds; releasing the GIL around
        # it (CDLL) would let any thread waiting for it in first, on the request's path.
        library = ctypes.PyDLL(str(path))
        if library.booster_line_diff_abi() != ABI_VERSION:
            raise OSError(f"{path} speaks ABI {library.booster_line_diff_abi()}, expected {ABI_VERSION}")
        self.path = path
        self._diff = library.booster_line_diff
        self._diff.argtypes = [ctypes.c_char_p, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint32,
                               ctypes.c_uint32, ctypes.POINTER(ctypes.POINTER(ctypes.c_uint32))]
        self._diff.restype = ctypes.c_int32
        self._local = threading.local()  # the hunks' pointer: each thread's (the C side keeps them per thread)

    def hunks(self, old: str, new: str, max_lines: int) -> list[tuple[int, int, int, int]] | None:
        """``(old start line, old end line, new start, new end)`` for each changed block: the
        old text's lines ``[start, end)`` become ``new[start:end]`` (code point offsets)."""
        # surrogatepass: a lone surrogate (JSON allows one) is three bytes and one code point
        # for the C side, as any other character of the Basic Multilingual Plane
        old_bytes, new_bytes = old.encode("utf-8", "surrogatepass"), new.encode("utf-8", "surrogatepass")
        if len(old_bytes) >= _MAX_BYTES or len(new_bytes) >= _MAX_BYTES:
            return None
        pointer = getattr(self._local, "pointer", None)
        if pointer is None:
            pointer = self._local.pointer = ctypes.POINTER(ctypes.c_uint32)()
        count = self._diff(old_bytes, len(old_bytes), new_bytes, len(new_bytes), new.isascii(), max_lines,
                           ctypes.byref(pointer))
        if count < 0:
            log.warning("the native line diff ran out of memory; diffing in Python")
            return None
        if count == 0:
            return []
        return list(_HUNK.iter_unpack(ctypes.string_at(pointer, count * _HUNK.size)))


_native: NativeLineDiff | None = None
_loaded = False
_load_lock = threading.Lock()


def native_line_diff() -> NativeLineDiff | None:
    """The library, loaded on first use; ``None`` without it."""
    global _native, _loaded
    if _loaded:
        return _native
    with _load_lock:
        if not _loaded:
            if os.environ.get("BOOSTER_NATIVE_DIFF", "").lower() not in ("off", "0", "false", "no"):
                _native = _load()
            _loaded = True
    return _native


def _load() -> NativeLineDiff | None:
    for path in library_paths():
        if path.is_file():
            try:
                return NativeLineDiff(path)
            except (OSError, AttributeError) as error:  # a broken, foreign or outdated build
                log.warning("native line diff %s not used (%s); diffing in Python", path, error)
                return None
    log.debug("no native line diff (python native/build.py builds it); diffing in Python")
    return None


def line_hunks(old: str, new: str, max_lines: int) -> list[tuple[int, int, int, int]] | None:
    """The native diff's hunks, or ``None``: take the Python path."""
    native = native_line_diff()
    return None if native is None else native.hunks(old, new, max_lines)
