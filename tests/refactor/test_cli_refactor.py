"""booster rename / extract-function / refactor: print, --diff, --write, refusals exit 2."""

from __future__ import annotations

from click.testing import CliRunner

from booster_lsp.cli import main


def test_cli_commands(tmp_path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = a + b\ny = x * 2\nz = x + y\n")
    runner = CliRunner()
    out = runner.invoke(main, ["rename", str(path), "x", "total"])
    assert out.exit_code == 0 and out.output == "total = a + b\ny = total * 2\nz = total + y\n"
    out = runner.invoke(main, ["rename", str(path), "x", "total", "--diff"])
    assert "-x = a + b" in out.output and "+total = a + b" in out.output
    out = runner.invoke(main, ["rename", str(path), "x", "class"])
    assert out.exit_code == 2 and "'class' is a Python keyword" in out.output
    out = runner.invoke(main, ["extract-function", str(path), "--start-line", "1", "--end-line", "2", "--name", "calc"])
    assert out.exit_code == 0 and "x, y = calc()" in out.output
    out = runner.invoke(main, ["refactor", "extract_constant", str(path), "--line", "2", "--column", "9", "--name", "K"])
    assert out.exit_code == 0 and "y = x * K" in out.output
    out = runner.invoke(main, ["refactor", "inline", str(path), "--line", "2", "--column", "1", "--write"])
    assert out.exit_code == 0 and path.read_text() == "x = a + b\nz = x + (x * 2)\n"
