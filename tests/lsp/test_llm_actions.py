"""LLM code actions end to end: booster-lsp as a subprocess, the LLM a local fake Anthropic API.

rustfmt is installed here, so the settings turn native tools off: the "machine without rustfmt".
"""

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

from tests.lsp.conftest import HERE, apply_text_edits, capabilities, format_document, open_document, session
from tests.llm.anthropic_fake import FakeAnthropic, Reply, answer

pytestmark = [pytest.mark.lsp, pytest.mark.llm]

SERVER = [sys.executable, str(HERE / "llm_server.py")]
KEY_ENV = "BOOSTER_TEST_ANTHROPIC_KEY"
MODEL = "claude-test-model"
UGLY = 'fn main(){let x=1;println!("{}",x);}\n'
PRETTY = 'fn main() {\n    let x = 1;\n    println!("{}", x);\n}\n'
URI = "file:///work/src/main.rs"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake(fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropic:
    monkeypatch.setenv(KEY_ENV, "sk-test-lsp")  # inherited by the server subprocess
    fake_anthropic.reset()
    return fake_anthropic


def settings(fake: FakeAnthropic) -> dict:
    return {"speculativeFormat": False, "nativeTools": False,
            "llm": {"baseUrl": fake.url, "apiKeyEnv": KEY_ENV, "model": MODEL, "maxRetries": 0}}


def caps() -> types.ClientCapabilities:
    result = capabilities()
    result.window = types.WindowClientCapabilities(work_done_progress=True, show_message=None)
    # the tests resolve actions; without resolveSupport they would carry booster.applyCodeAction
    result.text_document.code_action = types.CodeActionClientCapabilities(
        resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]))
    return result


async def actions_at(client, line: int, start: int, end_line: int | None = None, end: int | None = None):
    rng = types.Range(types.Position(line, start), types.Position(line if end_line is None else end_line,
                                                                    start if end is None else end))
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), range=rng, context=types.CodeActionContext(diagnostics=[])))


async def test_format_with_llm_on_rust_without_rustfmt(fake: FakeAnthropic):
    async with session(caps(), settings(fake), command=SERVER, root=ROOT) as client:
        open_document(client, URI, UGLY, language="rust")
        assert await format_document(client, URI) == []  # formatting never waits on the LLM
        assert fake.requests == []
        listed = await actions_at(client, 0, 0)
        by_kind = {action.kind: action for action in listed}
        assert "refactor.rewrite.llm.format" in by_kind
        action = by_kind["refactor.rewrite.llm.format"]
        assert action.title == "Format with LLM" and action.edit is None  # listed instantly, nothing computed
        assert fake.requests == []
        fake.reset(answer(PRETTY))
        resolved = await client.code_action_resolve_async(action)
        [change] = resolved.edit.document_changes
        assert change.text_document.uri == URI
        assert apply_text_edits(UGLY, change.edits) == PRETTY
        assert len(fake.requests) == 1
        [reports] = [r for token, r in client.progress_reports.items() if str(token).startswith("booster-llm-")]
        assert [type(r).__name__ for r in reports] == ["WorkDoneProgressBegin", "WorkDoneProgressEnd"]
        assert reports[0].title == "Format with LLM" and reports[-1].message == "done"


async def test_selection_actions_and_instruction_from_show_message_request(fake: FakeAnthropic):
    code = "fn f(x: bool) -> bool {\n    if x == true { return true; } else { return false; }\n}\n"
    async with session(caps(), settings(fake), command=SERVER, root=ROOT) as client:
        asked = []

        @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def choose(params: types.ShowMessageRequestParams):
            asked.append(params.message)
            return params.actions[0]

        open_document(client, URI, code, language="rust")
        listed = await actions_at(client, 1, 4, 1, len(code.splitlines()[1]))
        kinds = [a.kind for a in listed]
        assert [k for k in kinds if ".llm." in k][:1] == ["refactor.rewrite.llm.format"]  # after the refactorings
        assert set(kinds) >= {"refactor.rewrite.llm.extractFunction", "refactor.rewrite.llm.simplify",
                              "refactor.rewrite.llm.instructed"}
        instructed = next(a for a in listed if a.kind == "refactor.rewrite.llm.instructed")
        fake.reset(answer("x"))
        resolved = await client.code_action_resolve_async(instructed)
        assert asked == ["Refactor the selection with the LLM: how?"]
        assert "Rewrite the code as instructed: Simplify" in fake.requests[0].prompt
        [change] = resolved.edit.document_changes
        assert apply_text_edits(code, change.edits) == "fn f(x: bool) -> bool {\n    x\n}\n"


async def test_cancel_resolve_cancels_the_llm_request(fake: FakeAnthropic):
    async with session(caps(), settings(fake), command=SERVER, root=ROOT) as client:
        open_document(client, URI, UGLY, language="rust")
        [action] = [a for a in await actions_at(client, 0, 0) if a.kind.endswith(".format")]
        fake.reset(Reply(text="too late", delay_s=10))
        request = asyncio.ensure_future(
            client.protocol.send_request_async(types.CODE_ACTION_RESOLVE, action, msg_id="llm-resolve"))
        assert await asyncio.to_thread(fake.wait_for_request)
        started = asyncio.get_running_loop().time()
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="llm-resolve"))
        with pytest.raises(JsonRpcRequestCancelled):
            await asyncio.wait_for(request, 5)
        assert asyncio.get_running_loop().time() - started < 2  # not the 10 s the server would take
        for _ in range(100):
            ended = [r for token, reports in client.progress_reports.items() for r in reports
                     if str(token).startswith("booster-llm-") and isinstance(r, types.WorkDoneProgressEnd)]
            if ended:
                break
            await asyncio.sleep(0.05)
        assert [r.message for r in ended] == ["cancelled"]


async def test_without_key_no_llm_actions_and_one_notice(fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(KEY_ENV)
    async with session(caps(), settings(fake), command=SERVER, root=ROOT) as client:
        open_document(client, URI, UGLY, language="rust")
        assert list(await actions_at(client, 0, 0)) == []
        assert list(await actions_at(client, 0, 0)) == []
        notices = [m.message for m in client.messages if KEY_ENV in m.message]
        assert notices == [f"booster: LLM features are off: set {KEY_ENV} to enable them "
                           "(formatting and refactoring with WASM modules work without it)"]
    assert fake.requests == []


async def test_exit_does_not_wait_for_an_llm_request_in_flight(fake: FakeAnthropic):
    """An editor quitting while an LLM action is being resolved: shutdown and exit end the
    server at once (exit code 0), not when the LLM would have answered."""
    async with session(caps(), settings(fake), command=SERVER, root=ROOT) as client:
        open_document(client, URI, UGLY, language="rust")
        [action] = [a for a in await actions_at(client, 0, 0) if a.kind.endswith(".format")]
        fake.reset(Reply(text="too late", delay_s=20))
        asyncio.ensure_future(client.protocol.send_request_async(types.CODE_ACTION_RESOLVE, action, msg_id="pending"))
        assert await asyncio.to_thread(fake.wait_for_request)
        await client.shutdown_async(None)
        client.exit(None)
        assert await asyncio.wait_for(client._server.wait(), 10) == 0  # long before the LLM's 20 s
