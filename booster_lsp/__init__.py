"""booster-lsp: everyday code transformations in sandboxed WebAssembly, an LLM only for the rest."""

from booster_lsp._importing import imports_without_gc

with imports_without_gc():
    from booster_lsp.config import BoosterConfig
    from booster_lsp.core.booster import WASMBooster
    from booster_lsp.core.operations import BoosterOperation, BoosterStats, TransformationResult
    from booster_lsp.errors import BoosterError, CacheError, ConfigError, TransformationError, WASMModuleNotFound

__version__ = "0.1.0"

__all__ = [
    "BoosterConfig",
    "BoosterError",
    "BoosterOperation",
    "BoosterStats",
    "CacheError",
    "ConfigError",
    "TransformationError",
    "TransformationResult",
    "WASMBooster",
    "WASMModuleNotFound",
    "__version__",
]
