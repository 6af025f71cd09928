"""The language server stays up through faulty modules: every failure is an answer of
``[]`` with a message, a module that keeps failing is quarantined with exactly one
``window/showMessage``, and other languages keep formatting."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.faults.modules import BAD, make_wasm_dir
from tests.lsp.conftest import QUIET, capabilities, edit, format_document, open_document, session

pytestmark = pytest.mark.lsp

GO = "file:///work/bad.go"
PY = "file:///work/ok.py"


async def test_faulty_modules_do_not_take_the_server_down(tmp_path: Path):
    # the trapping module claims Go; the looping one claims TypeScript (lock entries of wasm_dir win)
    wasm_dir = make_wasm_dir(tmp_path, {"bad_trap": (BAD["trap"], ["go"]), "bad_loop": (BAD["loop"], ["typescript"])})
    options = {**QUIET, "wasmDir": str(wasm_dir), "deadlineMs": 100, "quarantineAfter": 3, "quarantineS": 600,
               "cacheEnabled": False}
    async with session(capabilities(pull=True), options) as client:
        open_document(client, GO, "package main\n", "go")
        open_document(client, "file:///work/bad.ts", "let  x = 1\n", "typescript")
        open_document(client, PY, "x  =  1\n")
        for _ in range(3):
            assert await format_document(client, GO) == []
        failures = [m.message for m in client.messages]
        assert len(failures) == 4, failures  # three failures, then the quarantine notice
        assert all("bad.go: cannot format: module bad_trap failed twice" in m for m in failures[:3])
        assert failures[3].startswith("booster: module bad_trap failed 3 times in a row and is quarantined for 600 s")
        for _ in range(5):  # resting: answered at once, and not repeated to the user
            assert await format_document(client, GO) == []
        assert len(client.messages) == 4
        assert await format_document(client, "file:///work/bad.ts") == []
        assert "exceeded its deadline of 100 ms" in client.messages[-1].message
        assert await format_document(client, PY) == [edit((0, 0), (1, 0), "x = 1\n")]
        stats = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        assert stats is not None
