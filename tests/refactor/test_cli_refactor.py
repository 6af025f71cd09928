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


def test_write_keeps_the_files_line_endings_and_byte_order_mark(tmp_path) -> None:
    """The file was read with universal newlines: a CRLF file came back LF."""
    path = tmp_path / "crlf.py"
    path.write_bytes(b"\xef\xbb\xbfdef total(items):\r\n    s = 0\r\n    for it in items:\r\n        s += it\r\n    return s\r\n")
    runner = CliRunner()
    out = runner.invoke(main, ["rename", str(path), "s", "acc", "--line", "2", "--column", "5", "--write"])
    assert out.exit_code == 0, out.output
    assert path.read_bytes() == (b"\xef\xbb\xbfdef total(items):\r\n    acc = 0\r\n    for it in items:\r\n"
                                 b"        acc += it\r\n    return acc\r\n")
    out = runner.invoke(main, ["extract-function", str(path), "--start-line", "3", "--end-line", "4", "--name", "add",
                               "--write"])
    assert out.exit_code == 0, out.output
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"acc = add(items, acc)\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_a_file_that_is_not_utf8_is_refused_with_the_place(tmp_path) -> None:
    path = tmp_path / "latin1.py"
    path.write_bytes(b'x = "\xe9"\n')
    out = CliRunner().invoke(main, ["rename", str(path), "x", "y"])
    assert out.exit_code == 2
    assert f"{path}: not UTF-8: invalid continuation byte at byte 5" in out.output
