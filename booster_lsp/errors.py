"""Typed errors of the booster. Front ends translate them; the core only raises them."""

from __future__ import annotations


class BoosterError(Exception):
    """Base class of every error the booster raises on purpose."""


class WASMModuleNotFound(BoosterError):
    """A module is missing from ``wasm_dir`` or does not match its pinned sha256."""

    def __init__(self, module: str, reason: str, fix: str = "booster modules install") -> None:
        self.module = module
        self.reason = reason
        self.fix = fix
        super().__init__(f"WASM module {module!r} {reason}; run `{fix}` to fix it")


class TransformationError(BoosterError):
    """A transformation failed: syntax error in the input, module trap/timeout/OOM, bad answer.

    ``line`` and ``column`` are 1-based when known (as printed by ``path:line:col``).
    ``kind`` is ``syntax`` for errors in the user's code (never sent to an LLM to fix),
    ``module`` for failures of the module itself, ``input`` for an input beyond what the
    module can take (nested deeper than its stack; not held against the module),
    ``unsupported`` for pairs nothing serves. ``limit``: a ``module`` failure that is the sandbox's
    deadline or memory cap running out on this input (a file too big for the limits).
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        kind: str = "module",
        module: str | None = None,
        limit: bool = False,
    ) -> None:
        self.message = message
        self.limit = limit
        self.line = line
        self.column = column
        self.kind = kind
        self.module = module
        super().__init__(message)

    @property
    def is_syntax_error(self) -> bool:
        return self.kind == "syntax"

    def location(self) -> str:
        if self.line is None:
            return ""
        return f"{self.line}:{self.column or 1}"


class CacheError(BoosterError):
    """The result cache or the persisted statistics could not be used."""


class ConfigError(BoosterError):
    """An invalid setting. Names the key and where it came from."""

    def __init__(self, key: str, message: str, source: str = "arguments") -> None:
        self.key = key
        self.source = source
        super().__init__(f"invalid setting {key!r} in {source}: {message}")
