"""The real `booster mcp` process, driven by the MCP SDK's own client over stdio."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

pytestmark = pytest.mark.mcp

BOOSTER = str(Path(sys.executable).parent / "booster")
TOOLS = {"booster_format", "booster_lint", "booster_rename", "booster_extract_function", "booster_simplify",
         "booster_stats", "booster_clear_cache", "booster_format_files"}


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    (root / "src").mkdir(parents=True)
    (root / "src" / "a.py").write_text("x  =  1\n")
    (root / "src" / "broken.py").write_text("def f(:\n")
    (tmp_path / "outside.py").write_text("y  =  2\n")
    (root / "link.py").symlink_to(tmp_path / "outside.py")
    return root


def client_for(root: Path) -> Client:
    params = StdioServerParameters(command=BOOSTER, args=["mcp"], cwd=str(root), env={"PATH": os.environ["PATH"]})
    return Client(params, read_timeout_seconds=60)


async def test_lists_every_tool_with_schema_and_description(workdir: Path):
    async with client_for(workdir) as client:
        listed = await client.list_tools()
    tools = {tool.name: tool for tool in listed.tools}
    assert TOOLS <= set(tools)
    for name in TOOLS:
        assert tools[name].description and len(tools[name].description) > 40
        assert tools[name].input_schema["type"] == "object"
    assert set(tools["booster_rename"].input_schema["required"]) == {"code", "language", "old_name", "new_name"}
    assert tools["booster_format"].output_schema is not None


async def test_format_returns_structured_output(workdir: Path):
    async with client_for(workdir) as client:
        result = await client.call_tool("booster_format", {"code": "def foo():pass", "language": "python"})
        wide = await client.call_tool("booster_format", {"code": "def f(a,b):\n    return 'x'\n", "language": "python",
                                                         "options": {"indentWidth": 2, "python": {"quoteStyle": "single"}}})
    assert not result.is_error
    out = result.structured_content
    assert out["transformed_code"] == "def foo():\n    pass\n"
    assert out["provider"] == "wasm:ruff_workspace@0.15.20" and out["used_wasm"] is True and out["changed"] is True
    assert wide.structured_content["transformed_code"] == "def f(a, b):\n  return 'x'\n"


async def test_errors_are_tool_errors_with_the_booster_message(workdir: Path):
    async with client_for(workdir) as client:
        syntax = await client.call_tool("booster_format", {"code": "def f(:\n", "language": "python"})
        unsupported = await client.call_tool("booster_format", {"code": "x", "language": "cobol"})
    assert syntax.is_error
    assert "at line 1, column 7" in syntax.content[0].text and "Expected a parameter" in syntax.content[0].text
    assert unsupported.is_error and "no module formats cobol" in unsupported.content[0].text


async def test_stats_and_clear_cache(workdir: Path):
    async with client_for(workdir) as client:
        await client.call_tool("booster_format", {"code": "a=1", "language": "python"})
        await client.call_tool("booster_format", {"code": "a=1", "language": "python"})
        stats = (await client.call_tool("booster_stats", {})).structured_content
        cleared = await client.call_tool("booster_clear_cache", {})
        again = (await client.call_tool("booster_format", {"code": "a=1", "language": "python"})).structured_content
    assert stats["cache_hits"] >= 1 and stats["operation_stats"]["format"]["count"] >= 2
    assert not cleared.is_error and again["cache_hit"] is False


async def test_format_files_inside_root_and_refusals(workdir: Path, tmp_path: Path):
    async with client_for(workdir) as client:
        check = (await client.call_tool("booster_format_files", {"paths": ["src"], "check": True})).structured_content
        assert (workdir / "src" / "a.py").read_text() == "x  =  1\n"
        done = (await client.call_tool("booster_format_files", {"paths": ["src"]})).structured_content
        escapes = [await client.call_tool("booster_format_files", {"paths": [path]})
                   for path in ("../outside.py", str(tmp_path / "outside.py"), "link.py")]
    assert (check["changed"], check["failed"]) == (1, 1)
    assert (done["changed"], done["failed"]) == (1, 1)
    assert (workdir / "src" / "a.py").read_text() == "x = 1\n"
    failed = [f for f in done["files"] if f["status"] == "failed"][0]
    assert failed["path"] == "src/broken.py" and ":1:7:" in failed["message"]
    for escape in escapes:
        assert escape.is_error and "outside the server's working directory" in escape.content[0].text
    assert (tmp_path / "outside.py").read_text() == "y  =  2\n"


async def test_lint_rename_extract_and_simplify_tools(workdir: Path):
    async with client_for(workdir) as client:
        lint = await client.call_tool("booster_lint", {"code": "import os\nx = 1\n", "language": "python"})
        rename = await client.call_tool("booster_rename", {"code": "def old(): pass\nold()\n", "language": "python",
                                                           "old_name": "old", "new_name": "new"})
        extract = await client.call_tool("booster_extract_function", {
            "code": "x = a + b\ny = x * 2\nz = x + y\n", "language": "python", "start_line": 1, "end_line": 2,
            "function_name": "calculate_intermediate"})
        simplify = await client.call_tool("booster_simplify", {
            "code": "def f(a, b):\n    if a < b:\n        return True\n    else:\n        return False\n",
            "language": "python", "refactor_type": "simplify"})
    assert not lint.is_error
    assert [d["code"] for d in lint.structured_content["diagnostics"]] == ["F401"]
    assert lint.structured_content["transformed_code"].startswith("import os  # ")
    assert rename.structured_content["transformed_code"] == "def new(): pass\nnew()\n"
    extracted = extract.structured_content["transformed_code"]
    assert "def calculate_intermediate(" in extracted and "calculate_intermediate()" in extracted
    namespace: dict = {}
    exec(extracted.replace("def calculate_intermediate(", "a, b = 2, 3\ndef calculate_intermediate(", 1), namespace)
    assert (namespace["x"], namespace["y"], namespace["z"]) == (5, 10, 15)
    assert simplify.structured_content["transformed_code"] == "def f(a, b):\n    return a < b\n"


async def test_refusals_and_unsupported_pairs_are_tool_errors(workdir: Path):
    async with client_for(workdir) as client:
        keyword = await client.call_tool("booster_rename", {"code": "x = 1\n", "language": "python",
                                                            "old_name": "x", "new_name": "class"})
        unsupported = await client.call_tool("booster_lint", {"code": "x", "language": "cobol"})
    assert keyword.is_error and "keyword" in keyword.content[0].text
    assert unsupported.is_error and "cobol" in unsupported.content[0].text


async def test_streamable_http_transport_on_loopback(workdir: Path):
    import asyncio
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([BOOSTER, "mcp", "--http", "--port", str(port)], cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):  # wait until it listens
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                await asyncio.sleep(0.1)
        async with Client(f"http://127.0.0.1:{port}/mcp", read_timeout_seconds=60) as client:
            result = await client.call_tool("booster_format", {"code": "a=[1,2]", "language": "python"})
        assert result.structured_content["transformed_code"] == "a = [1, 2]\n"
    finally:
        process.terminate()
        process.wait(timeout=10)
