"""A client that goes away without waiting for the answers (an editor quitting): the server
logs it once, sends nothing more, and exits when its input ends; no traceback per message."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.lsp.conftest import ROOT

MESSY = "import os\nx  =  1\n"


def framed(*messages: dict) -> bytes:
    data = b""
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        data += b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    return data


def read_response(stdout, msg_id: int) -> dict:
    while True:
        length = 0
        while (line := stdout.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message = json.loads(stdout.read(length))
        if message.get("id") == msg_id and "method" not in message:
            return message


@pytest.mark.parametrize("flags", [(), ("--no-prelude",)], ids=["prelude", "no-prelude"])
def test_a_client_that_closed_its_end_is_logged_once_and_the_server_exits_at_the_end_of_input(tmp_path, flags):
    stderr = (tmp_path / "stderr.txt").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "booster_lsp.lsp", "--log-level", "info", *flags],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=ROOT)
    uri = (tmp_path / "mod.py").as_uri()
    process.stdin.write(framed({"id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {"textDocument": {"diagnostic": {}}}}}))
    process.stdin.flush()
    assert "capabilities" in read_response(process.stdout, 1)["result"]
    process.stdout.close()  # the client goes away: every answer from now on meets a broken pipe
    requests = [{"id": n, "method": "textDocument/formatting",
                 "params": {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}}} for n in (2, 3)]
    process.stdin.write(framed(
        {"method": "initialized", "params": {}},
        {"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": MESSY}}},
        *requests,
        {"id": 4, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}},
        {"id": 5, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}},
    ))
    process.stdin.close()
    assert process.wait(timeout=60) == 0
    stderr.close()
    log = (tmp_path / "stderr.txt").read_text()
    assert "Traceback" not in log, log
    assert log.count("the client closed the connection") == 1, log
