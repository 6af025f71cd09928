"""Start-up imports without the cyclic garbage collector.

Importing pydantic, wasmtime, lsprotocol (~570 attrs classes) and the core allocates a few
hundred thousand objects and almost no garbage cycles, yet each allocation burst triggers a
collection that walks everything allocated so far: ~15 % of the language server's start-up
(~50 ms of ~350 ms of imports, measured with ``python -X importtime`` on the 2-core benchmark
machine). The collector is switched off for the duration of those imports; after them, what they
created (modules, classes, functions: alive for the whole process) is moved to the permanent
generation (``gc.freeze``), so the first collections after start-up do not walk it either, and
the collector is switched on again if it was on.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def imports_without_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
