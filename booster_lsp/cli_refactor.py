"""`booster rename`, `booster extract-function`, `booster refactor`: thin click commands over the
core's RENAME / EXTRACT_FUNCTION / REFACTOR_SIMPLE. They print the new code (or a diff with
--diff); --write applies it to the file. Refusals exit 2 with the reason on stderr."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

import click

from booster_lsp.cli import EXIT_ERROR, _config, _fail, main
from booster_lsp.core.batch import write_atomically
from booster_lsp.core.booster import WASMBooster
from booster_lsp.core.operations import BoosterOperation, language_for_path
from booster_lsp.files import UnreadableSource, read_source


def _run(path: Path, operation: BoosterOperation, language: str | None, write: bool, diff: bool, **args: Any) -> None:
    try:
        code = read_source(path)
    except UnreadableSource as exc:
        _fail(f"{path}: {exc}")
    lang = language or language_for_path(path)
    if lang is None:
        _fail(f"{path}: unknown language; pass --language")
    booster = WASMBooster(_config(path.parent, {}), stats_path=None)
    result = booster.transform_sync(code, operation, lang, _cache=False, **{k: v for k, v in args.items() if v is not None})
    if not result.success:
        where = f":{result.error_location.line}:{result.error_location.column}" if result.error_location else ""
        click.echo(f"error: {path}{where}: {result.error}", err=True)
        sys.exit(EXIT_ERROR)
    new = result.transformed_code
    if write:
        if new != code:
            write_atomically(path, new)
        click.echo(f"{'changed' if new != code else 'unchanged'}: {path}", err=True)
    elif diff:
        sys.stdout.writelines(difflib.unified_diff(code.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}"))
    else:
        sys.stdout.write(new)


_common = [
    click.option("--language", help="Language id (default: from the file extension)."),
    click.option("--write", is_flag=True, help="Apply the change to the file."),
    click.option("--diff", is_flag=True, help="Print a unified diff instead of the new code."),
]


def _with_common(f):
    for option in reversed(_common):
        f = option(f)
    return f


@main.command("rename")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("old_name")
@click.argument("new_name")
@click.option("--line", type=int, help="1-based line of an occurrence (picks the binding).")
@click.option("--column", type=int, help="1-based column of that occurrence.")
@_with_common
def rename_command(path: Path, old_name: str, new_name: str, line: int | None, column: int | None,
                   language: str | None, write: bool, diff: bool) -> None:
    """Rename OLD_NAME to NEW_NAME (scope-aware) in PATH."""
    _run(path, BoosterOperation.RENAME, language, write, diff, old_name=old_name, new_name=new_name, line=line,
         column=column)


@main.command("extract-function")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--start-line", type=int, required=True)
@click.option("--end-line", type=int, required=True)
@click.option("--name", "function_name", required=True, help="Name of the new function.")
@_with_common
def extract_function_command(path: Path, start_line: int, end_line: int, function_name: str, language: str | None,
                             write: bool, diff: bool) -> None:
    """Extract lines START..END of PATH into a new function."""
    _run(path, BoosterOperation.EXTRACT_FUNCTION, language, write, diff, start_line=start_line, end_line=end_line,
         function_name=function_name)


@main.command("refactor")
@click.argument("refactor_type", type=click.Choice(["simplify", "inline", "extract_constant"]))
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--line", type=int, help="inline / extract_constant: 1-based line of the variable or literal.")
@click.option("--column", type=int)
@click.option("--start-line", type=int, help="simplify: first line of the range (default: whole file).")
@click.option("--end-line", type=int)
@click.option("--name", help="extract_constant: the constant's name (default: from the literal).")
@_with_common
def refactor_command(refactor_type: str, path: Path, line: int | None, column: int | None, start_line: int | None,
                     end_line: int | None, name: str | None, language: str | None, write: bool, diff: bool) -> None:
    """Simple refactorings: simplify, inline (a variable), extract_constant (a literal)."""
    _run(path, BoosterOperation.REFACTOR_SIMPLE, language, write, diff, refactor_type=refactor_type, line=line,
         column=column, start_line=start_line, end_line=end_line, name=name)
