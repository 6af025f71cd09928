"""Operations, results and statistics of the public API (names from the original spec)."""

from __future__ import annotations

import os.path
from enum import Enum
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, Field


class BoosterOperation(str, Enum):
    FORMAT = "format"
    LINT = "lint"
    REFACTOR_SIMPLE = "refactor_simple"
    EXTRACT_FUNCTION = "extract_function"
    RENAME = "rename"


#: LSP language ids by file extension.
LANGUAGE_BY_EXTENSION: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascriptreact",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "typescriptreact",
    ".go": "go",
    ".rs": "rust",
    ".json": "json",
    ".jsonc": "jsonc",
    ".md": "markdown",
    ".markdown": "markdown",
    ".toml": "toml",
}

LANGUAGE_ALIASES = {"py": "python", "js": "javascript", "ts": "typescript", "jsx": "javascriptreact",
                    "tsx": "typescriptreact", "golang": "go", "rs": "rust", "md": "markdown"}


def language_for_path(path: str | PurePath) -> str | None:
    # os.path, not PurePath(path).suffix: every formatting request asks, and building the
    # PurePath was most of the time (the two agree on every name with an extension we know)
    return LANGUAGE_BY_EXTENSION.get(os.path.splitext(os.fspath(path))[1].lower())


def normalize_language(language: str) -> str:
    lowered = language.strip().lower()
    return LANGUAGE_ALIASES.get(lowered, lowered)


class SourceLocation(BaseModel):
    line: int  # 1-based
    column: int  # 1-based, in characters


class TransformationResult(BaseModel):
    operation: BoosterOperation
    code: str
    transformed_code: str
    success: bool
    used_wasm: bool
    execution_time_ms: float
    time_saved_ms: float = 0.0
    error: str | None = None
    cache_hit: bool = False
    # additions beyond the spec
    language: str | None = None
    provider: str | None = None
    error_kind: str | None = None  # syntax | module | input | quarantined | unsupported | config | llm
    error_location: SourceLocation | None = None
    diagnostics: list[dict[str, Any]] = Field(default_factory=list)
    tokens_in: int = 0  # LLM tokens of this result (0 for modules and cache hits)
    tokens_out: int = 0

    @property
    def changed(self) -> bool:
        return self.success and self.transformed_code != self.code


class OperationStats(BaseModel):
    count: int = 0
    mean_ms: float = 0.0
    p95_ms: float = 0.0


class BoosterStats(BaseModel):
    total_transformations: int = 0
    wasm_hits: int = 0
    llm_fallbacks: int = 0
    cache_hits: int = 0
    failures: int = 0
    total_time_saved_ms: float = 0.0
    avg_speedup: float = 0.0
    operation_stats: dict[str, OperationStats] = Field(default_factory=dict)
    llm_latency: dict[str, OperationStats] = Field(default_factory=dict)  # measured LLM calls per operation
    llm_tokens_in: int = 0
    llm_tokens_out: int = 0
    estimated: bool = True  # time saved and speedup are estimates against LLM baselines
