"""The prelude (lsp/prelude.py): a start whose initialize result is kept answers initialize
and the first formatting requests before pygls is imported, and the session then goes on as
if the server had read every message itself.

JSON-RPC is written by hand here, not by pytest-lsp: what the prelude reads depends on what
arrives together, so the messages a client sends at once after initialize are written in
one piece. The server logs what its prelude did (``--log-level debug``); every answer is
compared with the same conversation's answers on a start without a kept result."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lsp.conftest import ROOT

MESSY = "import os\nx  =  {'emoji': '😀', 'cjk': '漢字'}\ndef f( a ):\n  return a\n"
BROKEN = "def f(:\n    pass\n"
FORMATTING = {"tabSize": 4, "insertSpaces": True}


class RawSession:
    """booster-lsp over stdio; ``send`` writes its messages in one write."""

    def __init__(self, *flags: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "booster_lsp.lsp", "--log-level", "debug", *flags],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        )
        self.incoming: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.log.extend(line.decode() for line in self.process.stderr), daemon=True).start()

    def send(self, *messages: dict[str, Any]) -> None:
        data = b""
        for message in messages:
            body = json.dumps({"jsonrpc": "2.0", **message}).encode()
            data += b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def response(self, msg_id: int) -> dict[str, Any]:
        while True:
            message = self.incoming.get(timeout=120)
            assert message is not None, "the server closed its output"
            if "method" not in message:
                assert message["id"] == msg_id, message
                return message
            if "id" in message:  # a request of the server's: answered with null
                self.send({"id": message["id"], "result": None})
            else:
                self.notifications.append(message)

    def _read(self) -> None:
        stdout = self.process.stdout
        while True:
            length = None
            while (line := stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line or length is None:
                self.incoming.put(None)
                return
            self.incoming.put(json.loads(stdout.read(length)))

    def close(self) -> None:
        self.send({"id": 999, "method": "shutdown"})
        self.response(999)
        self.send({"method": "exit"})
        assert self.process.wait(timeout=60) == 0

    def prelude_lines(self) -> list[str]:
        return [line.split("DEBUG booster_lsp.lsp.prelude: ", 1)[1].strip() for line in self.log if "prelude:" in line]


def started(capabilities: dict[str, Any], root: Path, *flags: str, options: Any = None) -> tuple[RawSession, Any]:
    """A server, initialized: the session and initialize's result."""
    session = RawSession(*flags)
    session.send({"id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": root.as_uri(), "capabilities": capabilities, "initializationOptions": options}})
    return session, session.response(1)["result"]


def opened(uri: str, text: str) -> tuple[dict[str, Any], ...]:
    """What a client sends after initialize to open a document."""
    return ({"method": "initialized", "params": {}},
            {"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                           "text": text}}})


def formatting(msg_id: int, uri: str) -> dict[str, Any]:
    return {"id": msg_id, "method": "textDocument/formatting", "params": {"textDocument": {"uri": uri}, "options": FORMATTING}}


def conversation(capabilities: dict[str, Any], root: Path, text: str, *flags: str,
                 options: Any = None) -> tuple[RawSession, list[Any]]:
    """initialize; then, in one write, what an editor sends next (initialized, didOpen, a
    formatting request); an edit and another formatting request; then a pull of diagnostics,
    which the prelude leaves to the server. Returns the session and every answer."""
    uri = (root / "mod.py").as_uri()
    session, result = started(capabilities, root, *flags, options=options)
    answers = [result]
    session.send(*opened(uri, text), formatting(2, uri))
    answers.append(session.response(2)["result"])
    session.send(  # once the answer is in: a change sent with a request pending would make it stale
        {"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": "y  =  2\n"}]}},
        formatting(3, uri),
    )
    answers.append(session.response(3)["result"])
    session.send({"id": 4, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}})
    answers.append([(item["code"], item["range"]) for item in session.response(4)["result"]["items"]])
    session.close()
    answers.append([note["params"]["message"] for note in session.notifications if note["method"] == "window/showMessage"])
    return session, answers


def unique_capabilities() -> dict[str, Any]:
    """Capabilities no earlier start has sent: nothing is kept for them yet."""
    return {"general": {"positionEncodings": ["utf-16"]}, "textDocument": {"diagnostic": {}},
            "workspace": {"configuration": False}, "experimental": {"booster-test": str(uuid.uuid4())}}


@pytest.mark.parametrize("text", [MESSY, BROKEN], ids=["formattable", "syntax-error"])
def test_a_second_start_answers_before_the_server_is_imported_as_the_server_would(tmp_path, text):
    capabilities = unique_capabilities()
    first, server_answers = conversation(capabilities, tmp_path, text)
    assert first.prelude_lines() == ["prelude: initialize left to the server "
                                     "(no result kept for this client's capabilities and this installation)"]
    second, prelude_answers = conversation(capabilities, tmp_path, text)
    [summary] = second.prelude_lines()
    # the first formatting request came with initialized and didOpen: the prelude answered it;
    # the second too unless the test's answer to the first took longer than its idle pause
    assert re.match(r"prelude: initialize answered from the kept result, [12] formatting requests? answered, "
                    r"handed over at textDocument/diagnostic after \d+ ms", summary)
    assert prelude_answers == server_answers
    formatted, edited = server_answers[1:3]
    if text is MESSY:
        assert formatted and edited and server_answers[3][0][0] == "F401"
    else:  # no edits, and the user is told why, once per request
        assert formatted == edited == [] and len(server_answers[4]) == 2 and "syntax error" in server_answers[4][0]
    _, no_prelude_answers = conversation(capabilities, tmp_path, text, "--no-prelude")
    assert no_prelude_answers == server_answers


def test_settings_the_server_reports_leave_initialize_to_it(tmp_path):
    capabilities = unique_capabilities()
    options = {"lineWidth": "wide"}
    conversation(capabilities, tmp_path, MESSY, options=options)
    second, answers = conversation(capabilities, tmp_path, MESSY, options=options)
    assert second.prelude_lines() == ["prelude: initialize left to the server "
                                      "(the server reports settings, or a root that is not a file URI)"]
    assert any("lineWidth" in message for message in answers[4])


def test_a_request_it_does_not_answer_hands_over_and_the_end_of_input_ends_the_server(tmp_path):
    capabilities = unique_capabilities()
    conversation(capabilities, tmp_path, MESSY)
    uri = (tmp_path / "mod.py").as_uri()
    session, _ = started(capabilities, tmp_path)
    session.send(
        *opened(uri, MESSY),
        {"id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 8}}},
        formatting(3, uri),
    )
    assert session.response(2)["result"] is None  # no hover there: the server answered
    assert session.response(3)["result"]
    session.process.stdin.close()
    assert session.process.wait(timeout=60) == 0
    assert session.prelude_lines()[0].startswith("prelude: initialize answered from the kept result, 0 formatting "
                                                 "requests answered, handed over at textDocument/hover")


@pytest.mark.parametrize("junk", [
    b"Content-Length: 5\r\n\r\n{bad}",  # not JSON
    b"Content-Length: 2\r\n\r\n[]",  # JSON, not a message
    b"X-Header: 1\r\n\r\n",  # no Content-Length
    b"Content-Length: many\r\n\r\n",  # not a number
    b"content-length: 15\n\n" + json.dumps({"jsonrpc": "2.0", "method": "x"})[:15].encode(),  # lower case, bare LF
])
@pytest.mark.parametrize("flags", [(), ("--no-prelude",)], ids=["prelude", "no-prelude"])
def test_malformed_input_after_initialize_is_skipped_and_the_session_goes_on(tmp_path, junk, flags):
    """Before and after the hand-over alike: what cannot be a message is reported and skipped;
    the next request is answered (a header without a valid Content-Length used to stop the
    server: pygls took the empty body it was handed for the end of the input)."""
    capabilities = unique_capabilities()
    conversation(capabilities, tmp_path, MESSY)  # keeps the initialize result
    uri = (tmp_path / "mod.py").as_uri()
    session, _ = started(capabilities, tmp_path, *flags)
    session.process.stdin.write(junk)
    session.send(*opened(uri, MESSY), formatting(2, uri))
    assert session.response(2)["result"]
    session.close()


def start_and_format(capabilities: dict, root: Path, *then: dict) -> RawSession:
    """A start the prelude answers: initialize, then initialized, didOpen, formatting (and
    ``then``) in one write; the formatting's answer is checked."""
    uri = (root / "mod.py").as_uri()
    session, _ = started(capabilities, root)
    session.send(*opened(uri, MESSY), formatting(2, uri), *then)
    assert session.response(2)["result"]
    return session


def test_a_session_that_only_formats_ends_without_importing_the_server(tmp_path):
    capabilities = unique_capabilities()
    conversation(capabilities, tmp_path, MESSY)
    session = start_and_format(capabilities, tmp_path, {"id": 3, "method": "shutdown"})
    assert session.response(3) == {"jsonrpc": "2.0", "id": 3, "result": None}
    session.send({"method": "exit"})
    assert session.process.wait(timeout=60) == 0
    assert not any("pygls" in line for line in session.log), "the server was imported"
    [summary] = session.prelude_lines()
    assert summary.startswith("prelude: initialize answered from the kept result, 1 formatting request answered, "
                              "the session ended after")


def test_after_shutdown_requests_are_refused_as_the_server_refuses_them_and_exit_codes_follow_lsp(tmp_path):
    capabilities = unique_capabilities()
    conversation(capabilities, tmp_path, MESSY)
    hover = {"id": 4, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": (tmp_path / "mod.py").as_uri()}, "position": {"line": 0, "character": 0}}}
    refusals = []
    for flags in ((), ("--no-prelude",)):
        session, _ = started(capabilities, tmp_path, *flags)
        session.send({"method": "initialized", "params": {}}, {"id": 3, "method": "shutdown"}, hover,
                     {"id": 5, "method": "shutdown"})  # a second shutdown, as Neovim sends when it quits
        assert session.response(3)["result"] is None
        refusals.append((session.response(4)["error"], session.response(5)["error"]))
        session.send({"method": "exit"})
        assert session.process.wait(timeout=60) == 0
        assert any("pygls" in line for line in session.log) == bool(flags)  # the prelude's session ended in it
    assert refusals[0] == refusals[1]
    assert refusals[0][0] == {"code": -32600, "message": "textDocument/hover: the server is shutting down (shutdown was requested)"}
    # exit without shutdown: 1, with the prelude as without it
    session = start_and_format(capabilities, tmp_path, {"method": "exit"})
    assert session.process.wait(timeout=60) == 1
    session, _ = started({}, tmp_path, "--no-prelude")
    session.send({"method": "exit"})
    assert session.process.wait(timeout=60) == 1


TEXTS = [MESSY, BROKEN, "x = 1\n", "def f( a ):\n  return a\n", ""]
STEP = st.one_of(
    st.tuples(st.just("open"), st.integers(0, 1), st.sampled_from(TEXTS)),
    st.tuples(st.just("change"), st.integers(0, 1), st.sampled_from(TEXTS)),  # the whole text
    st.tuples(st.just("insert"), st.integers(0, 1), st.just("y  =  2\n")),  # at the first line
    st.tuples(st.just("format"), st.integers(0, 1), st.just("")),
    st.tuples(st.just("close"), st.integers(0, 1), st.just("")),
)


def play(capabilities: dict[str, Any], root: Path, steps: list[tuple[str, int, str]], *flags: str) -> list[Any]:
    """The steps as one client would send them (each formatting request's answer awaited),
    then shutdown and exit; every answer, every window/showMessage and the exit code."""
    session, _ = started(capabilities, root, *flags)
    session.send({"method": "initialized", "params": {}})
    versions = [0, 0]
    answers: list[Any] = []
    for number, (kind, doc, text) in enumerate(steps, start=2):
        uri = (root / f"doc{doc}.py").as_uri()
        versions[doc] += 1
        document = {"uri": uri, "version": versions[doc]}
        if kind == "open":
            session.send({"method": "textDocument/didOpen", "params": {"textDocument": {**document, "languageId": "python", "text": text}}})
        elif kind in ("change", "insert"):
            at = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
            change = {"text": text} if kind == "change" else {"range": at, "text": text}
            session.send({"method": "textDocument/didChange", "params": {"textDocument": document, "contentChanges": [change]}})
        elif kind == "close":
            session.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
        else:
            session.send(formatting(number, uri))
            answers.append(session.response(number).get("result"))
    session.send({"id": 999, "method": "shutdown"})
    answers.append(session.response(999))
    session.send({"method": "exit"})
    answers.append(session.process.wait(timeout=60))
    answers.append([note["params"]["message"] for note in session.notifications if note["method"] == "window/showMessage"])
    return answers


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.sampled_from(TEXTS), second=st.sampled_from(TEXTS), middle=st.lists(STEP, min_size=1, max_size=8))
def test_any_session_is_answered_with_the_prelude_as_without_it(tmp_path_factory, first, second, middle):
    """Two documents opened, then changed (whole, or a line inserted), formatted, closed and
    reopened in any order (a document formatted after it is closed, broken texts), then both
    formatted: every answer, message and the exit code are the same with the prelude as
    without it."""
    steps = [("open", 0, first), ("open", 1, second), *middle, ("format", 0, ""), ("format", 1, "")]
    root = tmp_path_factory.mktemp("session")
    capabilities = unique_capabilities()
    conversation(capabilities, root, MESSY)  # keeps the initialize result: the prelude answers
    assert play(capabilities, root, steps) == play(capabilities, root, steps, "--no-prelude")
