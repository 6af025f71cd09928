"""`booster mcp`: the booster's operations as MCP tools (official `mcp` SDK, MCPServer).

Each tool is a thin adapter: arguments in, one call of the core, a structured result out.
A failed transformation is an MCP tool error carrying the booster's message (syntax error
location, unsupported pair, module failure), never a fake result.
"""

from __future__ import annotations

from booster_lsp._importing import imports_without_gc

# the command's imports without the cyclic collector (booster_lsp/_importing.py)
with imports_without_gc():
    import asyncio
    from pathlib import Path
    from typing import Any, Literal

    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from pydantic import BaseModel, Field

    from booster_lsp import __version__
    from booster_lsp.config import load_config
    from booster_lsp.core.batch import format_paths
    from booster_lsp.core.booster import WASMBooster
    from booster_lsp.core.operations import BoosterOperation, BoosterStats, TransformationResult
    from booster_lsp.errors import BoosterError
    from booster_lsp.files import iter_source_files


class TransformOutput(BaseModel):
    transformed_code: str
    changed: bool
    provider: str | None
    used_wasm: bool
    cache_hit: bool
    execution_time_ms: float
    diagnostics: list[dict[str, Any]] = Field(default_factory=list)


class FileResult(BaseModel):
    path: str
    status: Literal["changed", "unchanged", "failed", "skipped"]
    message: str = ""


class FormatFilesOutput(BaseModel):
    check: bool
    changed: int
    unchanged: int
    failed: int
    files: list[FileResult]


INSTRUCTIONS = (
    "booster runs code transformations in sandboxed WebAssembly modules in milliseconds: formatting "
    "(Python via Ruff, JS/TS via dprint, Go via gofmt, JSON/Markdown/TOML), lint, rename, extract function and "
    "simple refactors. Prefer these tools over rewriting code yourself for those jobs: they are exact and fast."
)


class BoosterTools:
    """The tool implementations, bound to one booster and one root directory."""

    def __init__(self, booster: WASMBooster, root: Path) -> None:
        self.booster = booster
        self.root = root.resolve()

    async def run(self, code: str, operation: BoosterOperation, language: str, **options: Any) -> TransformOutput:
        try:
            result: TransformationResult = await self.booster.transform(code, operation, language, **options)
        except BoosterError as exc:
            raise ToolError(str(exc)) from exc
        if not result.success:
            location = f" at line {result.error_location.line}, column {result.error_location.column}" if result.error_location else ""
            raise ToolError(f"{operation.value} failed ({result.error_kind}){location}: {result.error}")
        return TransformOutput(
            transformed_code=result.transformed_code, changed=result.transformed_code != code, provider=result.provider,
            used_wasm=result.used_wasm, cache_hit=result.cache_hit, execution_time_ms=result.execution_time_ms,
            diagnostics=result.diagnostics,
        )

    def inside_root(self, raw: str) -> Path:
        """Resolve a path (symlinks included) and refuse anything outside the root."""
        candidate = Path(raw)
        resolved = (candidate if candidate.is_absolute() else self.root / candidate).resolve()
        if not resolved.is_relative_to(self.root):
            raise ToolError(f"refusing {raw!r}: it resolves outside the server's working directory {self.root}")
        if not resolved.exists():
            raise ToolError(f"no such file or directory: {raw!r}")
        return resolved

    async def format_files(self, paths: list[str], check: bool) -> FormatFilesOutput:
        targets = [self.inside_root(p) for p in paths]
        files = [f for f in iter_source_files(targets) if f.resolve().is_relative_to(self.root)]
        outcomes = await asyncio.to_thread(format_paths, self.booster, files, write=not check)
        results = [
            FileResult(path=str(o.path.relative_to(self.root)), status=o.status,  # type: ignore[arg-type]
                       message=f"{o.location()}: {o.message}" if o.status == "failed" else "")
            for o in outcomes
        ]
        count = lambda status: sum(1 for r in results if r.status == status)  # noqa: E731
        return FormatFilesOutput(check=check, changed=count("changed"), unchanged=count("unchanged"),
                                 failed=count("failed"), files=results)


def build_server(root: Path | None = None, booster: WASMBooster | None = None) -> MCPServer:
    root = (root or Path.cwd()).resolve()
    booster = booster or WASMBooster(load_config(root))
    # The caller of an MCP tool is itself a model: the tools answer from modules only.
    booster.llm_by_default = False
    tools = BoosterTools(booster, root)
    server = MCPServer("booster", version=__version__, instructions=INSTRUCTIONS)

    @server.tool()
    async def booster_format(code: str, language: str, options: dict[str, Any] | None = None) -> TransformOutput:
        """Format source code exactly as the language's standard formatter does (Ruff for Python, dprint for
        JS/TS/JSON/Markdown/TOML, gofmt for Go). Use it after editing code instead of reformatting by hand.
        `language` is an LSP language id (python, javascript, typescript, typescriptreact, go, rust, json,
        markdown, toml); `options` may set lineWidth, indentWidth, useTabs, python.quoteStyle, ..."""
        return await tools.run(code, BoosterOperation.FORMAT, language, **(options or {}))

    @server.tool()
    async def booster_lint(code: str, language: str) -> TransformOutput:
        """Lint source code (Ruff's rules for Python; booster rules for JS/TS/Go/Rust). Returns the code with
        each diagnostic as an end-of-line comment, and the diagnostics with rule code, range and fixes."""
        return await tools.run(code, BoosterOperation.LINT, language)

    @server.tool()
    async def booster_rename(code: str, language: str, old_name: str, new_name: str,
                             line: int | None = None, column: int | None = None) -> TransformOutput:
        """Rename a symbol scope-aware (not a text replace: strings, comments and other scopes' names are left
        alone). Give line/column (1-based) of an occurrence to pick one binding among several of that name."""
        position = {k: v for k, v in {"line": line, "column": column}.items() if v is not None}
        return await tools.run(code, BoosterOperation.RENAME, language, old_name=old_name, new_name=new_name,
                               **position)

    @server.tool()
    async def booster_extract_function(code: str, language: str, start_line: int, end_line: int,
                                       function_name: str) -> TransformOutput:
        """Extract lines start_line..end_line (1-based, inclusive) into a new function with the right
        parameters and return values, and replace them with a call. Refuses when semantics would change."""
        return await tools.run(code, BoosterOperation.EXTRACT_FUNCTION, language, start_line=start_line,
                               end_line=end_line, function_name=function_name)

    @server.tool()
    async def booster_simplify(code: str, language: str,
                               refactor_type: Literal["simplify", "inline", "extract_constant"] = "simplify",
                               ) -> TransformOutput:
        """Simple refactors: `simplify` (boolean returns, `x == True`, redundant else, ...), `inline` (a variable
        assigned once), `extract_constant` (lift a literal to an UPPER_CASE constant)."""
        return await tools.run(code, BoosterOperation.REFACTOR_SIMPLE, language, refactor_type=refactor_type)

    @server.tool()
    async def booster_stats() -> BoosterStats:
        """Statistics of this server's transformations: counts, cache hits, per-operation latency, and the
        estimated time saved against an LLM doing the same work."""
        return tools.booster.get_statistics()

    @server.tool()
    async def booster_clear_cache() -> dict[str, bool]:
        """Clear the result cache (results are otherwise reused for identical input and options)."""
        tools.booster.clear_cache()
        return {"cleared": True}

    @server.tool()
    async def booster_format_files(paths: list[str], check: bool = False) -> FormatFilesOutput:
        """Format files or directories on disk (recursively, honouring .gitignore) inside the server's
        working directory; paths outside it are refused. With check=true nothing is written and the result
        says which files would change. Files with syntax errors are reported and left untouched."""
        return await tools.format_files(paths, check)

    return server


def run(http: bool = False, host: str = "127.0.0.1", port: int = 8765) -> None:
    server = build_server()
    if http:
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")
