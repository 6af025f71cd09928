"""Refactoring code actions end to end: offered only where they apply, edits computed in
codeAction/resolve (exact edits), refusals as a message, stale resolves without an edit."""

import asyncio

from lsprotocol import types

from tests.lsp.conftest import GATED_SERVER, QUIET, apply_text_edits, capabilities, change_document, open_document, session

URI = "file:///work/refactor_me.py"
REFACTOR_KINDS = {"refactor.extract.function", "refactor.extract.constant", "refactor.inline", "refactor.rewrite"}


def caps():
    result = capabilities(pull=True)
    result.text_document.code_action = types.CodeActionClientCapabilities(
        resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]))
    return result


async def refactorings(client, uri, start, end=None, only=None):
    end = end or start
    listed = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=types.Range(types.Position(*start), types.Position(*end)),
        context=types.CodeActionContext(diagnostics=[], only=only)))
    return {action.kind: action for action in listed if action.kind in REFACTOR_KINDS}


def edits(action, uri=URI):
    return list(action.edit.changes[uri])


async def resolved_extract_function(client, uri, text, start, end, language="python"):
    """Open the document, list the code actions of the selection and resolve Extract function."""
    open_document(client, uri, text, language)
    action = (await refactorings(client, uri, start, end))["refactor.extract.function"]
    return await client.code_action_resolve_async(action)


async def test_offered_only_where_applicable():
    text = "def f(flag):\n    limit = 42\n    if not not flag:\n        return limit\n    return 0\n"
    async with session(caps(), QUIET) as client:
        open_document(client, URI, text)
        assert set(await refactorings(client, URI, (1, 13))) == {"refactor.extract.constant"}  # on 42
        assert set(await refactorings(client, URI, (1, 5))) == {"refactor.inline"}  # on `limit`
        assert set(await refactorings(client, URI, (2, 6))) == {"refactor.rewrite"}  # inside the `if`
        assert set(await refactorings(client, URI, (1, 0), (3, 0))) == {"refactor.extract.function", "refactor.rewrite"}
        assert await refactorings(client, URI, (4, 0)) == {}  # blank start of `return 0`: nothing
        # context.only narrows the list
        assert set(await refactorings(client, URI, (1, 0), (3, 0), only=["refactor.extract"])) == {"refactor.extract.function"}
        # nothing is computed while listing
        assert all(action.edit is None for action in (await refactorings(client, URI, (1, 0), (3, 0))).values())


async def test_inline_is_offered_only_on_a_variable_bound_once():
    text = "def f(flag):\n    total = 1\n    total = total + 1\n    limit = 42\n    return total + limit\n"
    async with session(caps(), QUIET) as client:
        open_document(client, URI, text)
        assert "refactor.inline" not in await refactorings(client, URI, (1, 5))  # `total`: bound twice
        assert "refactor.inline" not in await refactorings(client, URI, (0, 6))  # `flag`: a parameter
        assert "refactor.inline" in await refactorings(client, URI, (3, 5))  # `limit`


async def test_extract_constant_inline_and_simplify_resolve_to_exact_edits():
    text = "def f(flag):\n    limit = 42\n    if not not flag:\n        return limit\n    return 0\n"
    async with session(caps(), QUIET) as client:
        open_document(client, URI, text)
        constant = await client.code_action_resolve_async((await refactorings(client, URI, (1, 13)))["refactor.extract.constant"])
        assert apply_text_edits(text, edits(constant)) == (
            "VALUE_42 = 42\n\ndef f(flag):\n    limit = VALUE_42\n    if not not flag:\n        return limit\n    return 0\n"
        )
        inline = (await refactorings(client, URI, (1, 5)))["refactor.inline"]
        assert inline.title == "Inline variable `limit`"
        inline = await client.code_action_resolve_async(inline)
        assert apply_text_edits(text, edits(inline)) == "def f(flag):\n    if not not flag:\n        return 42\n    return 0\n"
        simplify = await client.code_action_resolve_async((await refactorings(client, URI, (2, 6)))["refactor.rewrite"])
        assert edits(simplify) == [  # `not not flag` -> `bool(flag)`, word by word
            types.TextEdit(types.Range(types.Position(2, 7), types.Position(2, 15)), "bool("),
            types.TextEdit(types.Range(types.Position(2, 19), types.Position(2, 19)), ")"),
        ]


async def test_extract_function_in_typescript():
    text = "function total(items: number[]): number {\n  let sum = 0;\n  for (const x of items) {\n    sum += x;\n  }\n  return sum;\n}\n"
    uri = "file:///work/total.ts"
    async with session(caps(), QUIET) as client:
        resolved = await resolved_extract_function(client, uri, text, (1, 0), (5, 0), "typescript")
        assert apply_text_edits(text, edits(resolved, uri)) == (
            "function extracted(items: number[]): number {\n  let sum = 0;\n  for (const x of items) {\n    sum += x;\n  }\n"
            "  return sum;\n}\n\nfunction total(items: number[]): number {\n  let sum = extracted(items);\n  return sum;\n}\n"
        )


async def test_extract_function_picks_a_name_the_file_does_not_use():
    text = "def extracted():\n    return 1\n\n\ndef f(a):\n    b = a + extracted()\n    return b\n"
    async with session(caps(), QUIET) as client:
        resolved = await resolved_extract_function(client, URI, text, (5, 0), (6, 0))
        assert apply_text_edits(text, edits(resolved)) == (
            "def extracted():\n    return 1\n\n\ndef extracted_2(a):\n    b = a + extracted()\n    return b\n\n\n"
            "def f(a):\n    b = extracted_2(a)\n    return b\n"
        )


async def test_a_refusal_comes_back_without_an_edit_and_with_the_reason():
    text = "def f(values):\n    for v in values:\n        if v:\n            break\n    return 1\n"
    async with session(caps(), QUIET) as client:
        resolved = await resolved_extract_function(client, URI, text, (2, 0), (4, 0))
        assert resolved.edit is None
        [message] = [m for m in client.messages if m.message.startswith("Extract function")]
        assert message.type == types.MessageType.Warning and "break" in message.message


async def test_stale_resolve_gives_no_edit():
    text = "x = 1\ny = 'hello'\n"
    async with session(caps(), QUIET) as client:
        open_document(client, URI, text)
        action = (await refactorings(client, URI, (1, 6)))["refactor.extract.constant"]
        change_document(client, URI, 2, "x = 2\ny = 'hello'\n")
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is None
        assert client.messages[-1].message == "Extract constant: the document changed; ask for the action again"


async def test_cancelled_resolve_is_answered_as_cancelled():
    text = "# gate\nx = 1\ny = 'hello'\n"
    async with session(caps(), QUIET, command=GATED_SERVER) as client:
        open_document(client, URI, text)
        # only=…: listing lint actions would lint the gated text
        action = (await refactorings(client, URI, (2, 6), only=["refactor.extract"]))["refactor.extract.constant"]
        future = asyncio.wrap_future(client.protocol.send_request(types.CODE_ACTION_RESOLVE, action, msg_id="resolve-1"))
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="resolve-1"))
        await client.workspace_execute_command_async(types.ExecuteCommandParams(command="test.release"))
        try:
            await asyncio.wait_for(future, 30)
        except Exception as error:  # noqa: BLE001
            assert "is canceled" in str(error)
        else:
            raise AssertionError("the cancelled resolve was answered")
