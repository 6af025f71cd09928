"""The `booster` command: thin click handlers over the transport-free core.

Exit codes: 0 success; 1 `--check` found files that would change; 2 errors (syntax errors,
module failures, bad settings, missing modules).
"""

from __future__ import annotations

from booster_lsp._importing import imports_without_gc

# the command's imports without the cyclic collector (booster_lsp/_importing.py)
with imports_without_gc():
    import difflib
    import functools
    import json
    import sys
    import time
    from pathlib import Path
    from typing import TYPE_CHECKING, Any

    import click

    from booster_lsp import __version__
    from booster_lsp.config import BoosterConfig, load_config
    from booster_lsp.core.batch import FileOutcome, format_paths
    from booster_lsp.core.booster import WASMBooster, shared_runtime
    from booster_lsp.core.operations import BoosterOperation, language_for_path
    from booster_lsp.errors import BoosterError, ConfigError
    from booster_lsp.files import iter_source_files
    from booster_lsp.wasm.registry import ModuleRegistry

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

EXIT_CHANGES, EXIT_ERROR = 1, 2


@functools.cache
def stderr() -> Console:
    """rich's console on stderr, made (and rich imported: ~30 ms) only when something is shown."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _fail(message: str) -> None:
    stderr().print(f"[red]error:[/red] {message}", soft_wrap=True)
    sys.exit(EXIT_ERROR)


def _fixable_hint(diagnostics: list[dict[str, Any]], unsafe_fixes: bool | None) -> str | None:
    """Ruff's line after the summary: how many of the problems left ``--fix`` would fix, and,
    unless unsafe fixes are switched on or off (``unsafe_fixes`` None), how many more
    ``--unsafe-fixes`` would."""
    fixes = [d["fix"]["applicability"] for d in diagnostics if d.get("fix")]
    fixable = sum(1 for applicability in fixes if unsafe_fixes or applicability == "safe")
    hidden = len(fixes) - fixable if unsafe_fixes is None else 0
    hint = f" ({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the `--unsafe-fixes` option)" if hidden else ""
    if fixable:
        return f"[*] {fixable} fixable with the `--fix` option{hint}."
    return f"No fixes available{hint}." if hidden else None


def _config(start: Path | None, overrides: dict[str, Any]) -> BoosterConfig:
    try:
        return load_config(start, {k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="booster")
def main() -> None:
    """Everyday code transformations in sandboxed WebAssembly; an LLM only for the rest."""


# ----------------------------------------------------------------------------- format
@main.command("format")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--file", "files", multiple=True, type=click.Path(path_type=Path), help="A file to format (repeatable).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
@click.option("--stdin-filename", help="With PATH '-': the file name that decides the language.")
@click.option("--line-width", type=int, help="Override the preferred line width.")
@click.option("--indent-width", type=int, help="Override the indent width.")
@click.option("--use-tabs/--use-spaces", default=None, help="Indent with tabs or spaces.")
@click.option("--quote-style", type=click.Choice(["double", "single", "preserve"]), help="Python string quotes.")
@click.option("--jobs", "-j", type=int, help="Parallel workers (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Do not use the result cache.")
@click.option("--fast", is_flag=True,
              help="Skip verify (the re-parse and, for Python, the AST comparison of every changed file), as black's --fast.")
@click.option("--llm", "use_llm", is_flag=True, help="Send files no module can format to the LLM (asks first).")
@click.option("--yes", "-y", is_flag=True, help="With --llm: do not ask for confirmation.")
def format_command(
    paths: tuple[Path, ...], files: tuple[Path, ...], check: bool, diff: bool, stdin_filename: str | None,
    line_width: int | None, indent_width: int | None, use_tabs: bool | None, quote_style: str | None,
    jobs: int | None, no_cache: bool, fast: bool, use_llm: bool, yes: bool,
) -> None:
    """Format files and directories (recursively, honouring .gitignore), or stdin with '-'."""
    all_paths = list(paths) + list(files)
    if not all_paths:
        _fail("nothing to format: give files or directories, or '-' with --stdin-filename")
    overrides: dict[str, Any] = {"line_width": line_width, "indent_width": indent_width, "use_tabs": use_tabs}
    if quote_style:
        overrides["python"] = {"quote_style": quote_style}
    if no_cache:
        overrides["cache_enabled"] = False
    if fast:
        overrides["verify"] = False
    if all_paths == [Path("-")]:
        _format_stdin(stdin_filename, overrides, use_llm, yes)
        return
    if Path("-") in all_paths:
        _fail("'-' (stdin) cannot be combined with other paths")
    missing = [str(p) for p in all_paths if not p.exists()]
    if missing:
        _fail(f"no such file or directory: {', '.join(missing)}")
    workers = jobs or None
    config = _config(all_paths[0], {**overrides, "instances_per_module": max(2, workers or 2)})
    booster = WASMBooster(config)
    started = time.monotonic()
    targets = list(iter_source_files(all_paths))
    if not targets:
        click.echo("warning: no file booster formats under the given paths", err=True)
    booster.llm_by_default = _llm_consent(booster, targets, use_llm, yes)
    outcomes = _run_with_progress(booster, targets, write=not (check or diff), jobs=workers)
    if use_llm:
        for outcome in outcomes:
            if outcome.provider:
                click.echo(f"{outcome.path}: {outcome.status} by {outcome.provider}", err=True)
    _report(outcomes, check=check, diff=diff, wrote=not (check or diff), elapsed=time.monotonic() - started)


def _llm_consent(booster: WASMBooster, targets: list[Path], use_llm: bool, yes: bool) -> bool:
    """--llm: files no module formats go to the LLM, after the user said yes (or --yes)."""
    if not use_llm:
        return False
    pending = []
    for target in targets:
        language = language_for_path(target)
        try:
            if language and booster.handler(BoosterOperation.FORMAT, language) is None:
                pending.append(target)
        except BoosterError:
            pass  # reported when the file is formatted
    if not pending:
        return True  # a module that fails may still fall back
    config = booster.config
    blocked = booster.llm.unavailable(config, None)
    if blocked:
        _fail(f"--llm: the LLM is not available: {blocked}")
    names = ", ".join(str(p) for p in pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
    where = config.llm.base_url or "https://api.anthropic.com"
    click.echo(f"no module formats {names}: would send {len(pending)} file(s) to {config.llm.model} at {where}", err=True)
    if not yes:
        try:
            confirmed = click.confirm("Send to the LLM?", default=False, err=True)
        except click.Abort:
            confirmed = False
        if not confirmed:
            _fail("not confirmed: nothing was sent to the LLM (--yes skips the question)")
    return True


def _format_stdin(stdin_filename: str | None, overrides: dict[str, Any], use_llm: bool = False, yes: bool = False) -> None:
    if not stdin_filename:
        _fail("reading stdin needs --stdin-filename NAME to know the language")
    language = language_for_path(stdin_filename)
    if language is None:
        _fail(f"cannot tell the language of {stdin_filename!r} from its extension")
    code = sys.stdin.buffer.read().decode("utf-8")
    booster = WASMBooster(_config(Path(stdin_filename).parent if Path(stdin_filename).parent.exists() else None, overrides))
    if use_llm and not yes:
        _fail("--llm with stdin needs --yes: stdin carries the code, so there is no way to ask")
    booster.llm_by_default = use_llm
    try:
        result = booster.transform_sync(code, "format", language, path=stdin_filename)
    except BoosterError as exc:
        _fail(str(exc))
        return
    if not result.success:
        where = f"{stdin_filename}:{result.error_location.line}:{result.error_location.column}" if result.error_location else stdin_filename
        click.echo(f"{where}: {result.error}", err=True)
        sys.exit(EXIT_ERROR)
    if use_llm:
        click.echo(f"{stdin_filename}: formatted by {result.provider}", err=True)
    sys.stdout.buffer.write(result.transformed_code.encode("utf-8"))
    sys.stdout.flush()


def _run_with_progress(booster: WASMBooster, targets: list[Path], *, write: bool, jobs: int | None) -> list[FileOutcome]:
    """A progress bar appears only when the run lasts longer than a second."""
    started = time.monotonic()
    progress: Progress | None = None
    task = None
    done = 0

    def on_outcome(outcome: FileOutcome) -> None:
        nonlocal progress, task, done
        done += 1
        if progress is None and time.monotonic() - started > 1.0 and stderr().is_terminal:
            # imported here, as the table in `stats`: most runs need neither (~30 ms of start-up)
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            progress = Progress(TextColumn("formatting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=stderr(), transient=True)
            progress.start()
            task = progress.add_task("format", total=len(targets))
        if progress is not None and task is not None:
            progress.update(task, completed=done)

    try:
        outcomes = format_paths(booster, targets, write=write, jobs=jobs, on_outcome=on_outcome)
    except BoosterError as exc:
        _fail(str(exc))
        raise
    finally:
        if progress is not None:
            progress.stop()
    return outcomes


def _summary(outcomes: list[FileOutcome], *, wrote: bool, elapsed: float) -> None:
    counts = {status: sum(1 for o in outcomes if o.status == status)
              for status in ("changed", "unchanged", "failed", "skipped")}
    verb = "reformatted" if wrote else "would be reformatted"
    skipped = f", {counts['skipped']} skipped" if counts["skipped"] else ""
    click.echo(
        f"{counts['changed']} {verb}, {counts['unchanged']} unchanged, {counts['failed']} failed{skipped} "
        f"({len(outcomes)} files in {elapsed:.2f} s)",
        err=True,
    )


def _report(outcomes: list[FileOutcome], *, check: bool, diff: bool, wrote: bool, elapsed: float) -> None:
    failed = False
    changed = False
    for outcome in outcomes:
        if outcome.status == "failed":
            failed = True
            click.echo(f"{outcome.location()}: {outcome.message}", err=True)
        elif outcome.status == "skipped":  # a file named on the command line (directories yield known types only)
            click.echo(f"{outcome.path}: skipped: {outcome.message}", err=True)
        elif outcome.status == "changed":
            changed = True
            if diff:
                sys.stdout.writelines(difflib.unified_diff(
                    outcome.original.splitlines(keepends=True), outcome.formatted.splitlines(keepends=True),
                    fromfile=f"{outcome.path} (original)", tofile=f"{outcome.path} (formatted)",
                ))
            elif check:
                click.echo(f"would reformat {outcome.path}", err=True)
    _summary(outcomes, wrote=wrote, elapsed=elapsed)
    if failed:
        sys.exit(EXIT_ERROR)
    if changed and (check or diff):
        sys.exit(EXIT_CHANGES)


# ----------------------------------------------------------------------------- lint
@main.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
              help="With --fix, also apply unsafe fixes (default: the `unsafe-fixes` of the Ruff configuration "
                   "of the working directory, as Ruff reads it).")
@click.option("--select", help="Comma-separated rule codes or prefixes (replaces the configured selection).")
@click.option("--extend-select", help="Comma-separated rule codes or prefixes to add.")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to ignore.")
@click.option("--output-format", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Do not use the result cache.")
def lint_command(paths: tuple[Path, ...], fix: bool, unsafe_fixes: bool | None, select: str | None, extend_select: str | None,
                 ignore: str | None, output_format: str, no_cache: bool) -> None:
    """Lint files and directories: Ruff (in WASM) for Python, booster's rules for JS/TS/Go/Rust.
    Exit 1 when diagnostics remain, 2 on errors."""
    from booster_lsp.core.lint import lint_file
    from booster_lsp.core.ruff_config import find_unsafe_fixes

    lint: dict[str, Any] = {}
    if select:
        lint["select"] = [c.strip() for c in select.split(",") if c.strip()]
    if extend_select:
        lint["extend_select"] = [c.strip() for c in extend_select.split(",") if c.strip()]
    if ignore:
        lint["ignore"] = [c.strip() for c in ignore.split(",") if c.strip()]
    overrides: dict[str, Any] = {"lint": lint} if lint else {}
    config = _config(paths[0], {"cache_enabled": False} if no_cache else {})
    booster = WASMBooster(config)
    booster.llm_by_default = False
    if unsafe_fixes is None:
        try:  # Ruff's top-level setting: the configuration of the working directory, for every file
            unsafe_fixes = find_unsafe_fixes(Path.cwd())
        except BoosterError as exc:
            _fail(str(exc))
    mode = ("unsafe" if unsafe_fixes else "safe") if fix else None
    targets = [p for p in iter_source_files(list(paths), purpose="lint") if language_for_path(p) in _LINTED]
    if not targets:  # not "All checks passed!": nothing was checked
        click.echo("warning: no Python, JavaScript, TypeScript, Go or Rust file under the given paths", err=True)
        return
    try:
        outcomes = [lint_file(booster, target, fix=mode, overrides=overrides) for target in targets]
    except BoosterError as exc:
        _fail(str(exc))
        return
    remaining = sum(len(o.diagnostics) for o in outcomes)
    errors = [o for o in outcomes if o.error]
    if output_format == "json":
        click.echo(json.dumps([{"filename": str(o.path), **d} for o in outcomes for d in o.diagnostics], indent=2))
    else:
        for o in outcomes:
            for d in o.diagnostics:
                code = d["code"] or "syntax-error"
                if output_format == "github":
                    level = "error" if d["severity"] == "error" else "warning"
                    click.echo(f"::{level} title=booster ({code}),file={o.path},line={d['line']},col={d['column']},"
                               f"endLine={d['end_line']},endColumn={d['end_column']}::{o.path}:{d['line']}:{d['column']}: "
                               f"{code} {d['message']}")
                else:
                    marker = " [*]" if d["fix"] and (d["fix"]["applicability"] == "safe" or unsafe_fixes) else ""
                    click.echo(f"{o.path}:{d['line']}:{d['column']}: {code}{marker} {d['message']}")
    for o in errors:
        stderr().print(f"{o.path}: {o.error}", markup=False, soft_wrap=True)
    if output_format == "text":
        fixed = sum(o.fixed for o in outcomes)
        summary = f"Found {remaining + fixed} error{'s' if remaining + fixed != 1 else ''}"
        summary += f" ({fixed} fixed, {remaining} remaining)." if fix else "."
        if errors:  # never "All checks passed!" when some file was not checked
            unchecked = f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be linted (above)."
            summary = f"{summary} {unchecked}" if remaining + fixed else f"No errors found; {unchecked}"
        stderr().print(summary if remaining + fixed or errors else "All checks passed!", markup=False)
        if hint := _fixable_hint([d for o in outcomes for d in o.diagnostics], unsafe_fixes):
            stderr().print(hint, markup=False, soft_wrap=True)
    if errors:
        sys.exit(EXIT_ERROR)
    if remaining:
        sys.exit(EXIT_CHANGES)


_LINTED = {"python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust"}


# ----------------------------------------------------------------------------- stats & cache
@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats_command(as_json: bool) -> None:
    """Statistics of this user's transformations (persisted across processes)."""
    booster = WASMBooster(_config(None, {}))
    stats = booster.get_statistics()
    if as_json:
        click.echo(stats.model_dump_json(indent=2))
        return
    from rich.console import Console

    console = Console()
    console.print(f"Total transformations: {stats.total_transformations}")
    console.print(f"WASM hits: {stats.wasm_hits}   cache hits: {stats.cache_hits}   "
                  f"LLM fallbacks: {stats.llm_fallbacks}   failures: {stats.failures}")
    label = " (estimate against LLM baselines)" if stats.estimated else ""
    console.print(f"Total time saved: {stats.total_time_saved_ms / 1000:.1f} s{label}")
    console.print(f"Average speedup: {stats.avg_speedup}x{label}")
    if stats.operation_stats:
        from rich.table import Table

        table = Table("operation", "count", "mean ms", "p95 ms")
        for name, op in sorted(stats.operation_stats.items()):
            table.add_row(name, str(op.count), f"{op.mean_ms:.2f}", f"{op.p95_ms:.2f}")
        console.print(table)


@main.command("cache-clear")
@click.option("--stats", "reset_stats", is_flag=True, help="Also reset the persisted statistics.")
def cache_clear_command(reset_stats: bool) -> None:
    """Clear the result cache (and, with --stats, the statistics)."""
    booster = WASMBooster(_config(None, {}))
    booster.clear_cache()
    if reset_stats:
        booster.stats.reset()
    click.echo("cache cleared" + (" and statistics reset" if reset_stats else ""))


# ----------------------------------------------------------------------------- modules
@main.group("modules")
def modules_group() -> None:
    """Install, list and verify the WASM modules."""


def _registry() -> ModuleRegistry:
    config = _config(None, {})
    return ModuleRegistry(config.resolved_wasm_dir())


@modules_group.command("install")
@click.option("--force", is_flag=True, help="Fetch again even when installed and verified.")
def modules_install(force: bool) -> None:
    """Fetch missing modules with the npm client, verify their sha256, install them, and
    compile each for this machine (once; kept in the user cache)."""
    registry = _registry()
    failed = False
    runtime = shared_runtime()
    for spec in registry.specs.values():
        try:
            outcome = registry.install(spec, force=force)
            if not runtime.artifacts.is_compiled(spec.sha256):
                # now, once, rather than in the first format (Ruff's own build: ~6 s)
                started = time.perf_counter()
                runtime.module(spec.name, registry.load_bytes(spec), spec.sha256)
                outcome += f"; compiled for this machine in {time.perf_counter() - started:.1f} s"
            click.echo(f"{spec.name:<20} {spec.package}@{spec.version}: {outcome}")
        except BoosterError as exc:
            failed = True
            stderr().print(f"[red]{spec.name}[/red]: {exc}", soft_wrap=True)
    syntax_state, _ = registry.syntax_status()
    if syntax_state == "ok" and not runtime.artifacts.is_compiled(registry.syntax_sha256()):
        started = time.perf_counter()
        runtime.module("booster-syntax", registry.load_syntax_bytes(), registry.syntax_sha256())
        click.echo(f"{'booster-syntax':<20} built from source: compiled for this machine in "
                   f"{time.perf_counter() - started:.1f} s")
    elif syntax_state != "ok":
        click.echo(f"{'booster-syntax':<20} {syntax_state}: build it with python wasm/build.py")
    click.echo(f"modules in {registry.wasm_dir}")
    if failed:
        sys.exit(EXIT_ERROR)


@modules_group.command("list")
def modules_list() -> None:
    """Show every module of the lock, its languages and whether it is installed."""
    registry = _registry()
    rows = [("module", "package", "abi", "state", "languages")]
    for spec in registry.specs.values():
        rows.append((spec.name, f"{spec.package}@{spec.version}", spec.abi, registry.status(spec).state,
                     ", ".join(spec.languages)))
    syntax_state, _ = registry.syntax_status()
    rows.append(("booster-syntax", "built from source (wasm/build.py)", "booster-syntax-v1", syntax_state,
                 "python, javascript(react), typescript(react), go, rust"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    click.echo(f"modules in {registry.wasm_dir}")


@modules_group.command("verify")
def modules_verify() -> None:
    """Check every installed module against its pinned sha256; exit 2 on any problem."""
    registry = _registry()
    bad = False
    for spec in registry.specs.values():
        status = registry.status(spec)
        click.echo(f"{spec.name:<20} {status.state}{': ' + status.detail if status.detail else ''}")
        bad = bad or status.state != "ok"
    syntax_state, detail = registry.syntax_status()
    click.echo(f"{'booster-syntax':<20} {syntax_state}{': ' + detail if detail else ''}")
    bad = bad or syntax_state != "ok"
    if bad:
        stderr().print("run `booster modules install` (add --force to replace mismatching files); "
                     "booster-syntax is built by `python wasm/build.py`")
        sys.exit(EXIT_ERROR)


# ----------------------------------------------------------------------------- mcp
@main.command("mcp")
@click.option("--http", is_flag=True, help="Serve streamable HTTP on 127.0.0.1 instead of stdio.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port of the HTTP transport.")
def mcp_command(http: bool, port: int) -> None:
    """Run the MCP server (tools: booster_format, booster_lint, booster_rename, ...)."""
    from booster_lsp.mcp_server import run

    run(http=http, port=port)

from booster_lsp import cli_refactor as _cli_refactor  # noqa: E402,F401  (registers rename, extract-function, refactor)


if __name__ == "__main__":  # pragma: no cover
    main()
