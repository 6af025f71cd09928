"""booster-lsp: everyday code transformations in sandboxed WebAssembly, an LLM only for the rest.

The public names are imported on first use (PEP 562): ``import booster_lsp`` alone costs
nothing, so the language server's launcher (lsp/fork_server.py) can start in ~15 ms and
hand its stdio to an already-imported server process.
"""

from __future__ import annotations

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    "BoosterConfig": "booster_lsp.config",
    "WASMBooster": "booster_lsp.core.booster",
    "BoosterOperation": "booster_lsp.core.operations",
    "BoosterStats": "booster_lsp.core.operations",
    "TransformationResult": "booster_lsp.core.operations",
    "BoosterError": "booster_lsp.errors",
    "CacheError": "booster_lsp.errors",
    "ConfigError": "booster_lsp.errors",
    "TransformationError": "booster_lsp.errors",
    "WASMModuleNotFound": "booster_lsp.errors",
}

__all__ = sorted([*_EXPORTS, "__version__"])

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~13 ms)
if TYPE_CHECKING:  # for type checkers and IDEs; at run time __getattr__ imports them (F401: exported)
    from booster_lsp.config import BoosterConfig  # noqa: F401
    from booster_lsp.core.booster import WASMBooster  # noqa: F401
    from booster_lsp.core.operations import BoosterOperation, BoosterStats, TransformationResult  # noqa: F401
    from booster_lsp.errors import (  # noqa: F401
        BoosterError, CacheError, ConfigError, TransformationError, WASMModuleNotFound,
    )


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'booster_lsp' has no attribute {name!r}")
    import importlib

    from booster_lsp._importing import imports_without_gc

    with imports_without_gc():
        value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value
