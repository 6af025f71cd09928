"""Settings from initializationOptions, didChangeConfiguration and workspace/configuration."""

import pytest
from lsprotocol import types

from tests.lsp.conftest import QUIET, wait_for_log, capabilities, edit, format_document, open_document, session

URI = "file:///work/settings.py"
LONG = "result = some_function(argument_one, argument_two)\n"
WRAPPED_30 = "result = some_function(\n    argument_one, argument_two\n)\n"


def did_change_configuration(client, settings):
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))


@pytest.mark.parametrize(
    "options",
    [
        {"lineWidth": 30, **QUIET},
        {"booster": {"lineWidth": 30, **QUIET}},
        {"globalSettings": {"lineWidth": 30, **QUIET}},
    ],
)
async def test_initialization_options_in_the_shapes_editors_send(options):
    async with session(init_options=options) as client:
        open_document(client, URI, LONG)
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), WRAPPED_30)]


async def test_did_change_configuration_changes_line_width():
    async with session(init_options=QUIET) as client:
        open_document(client, URI, LONG)
        assert await format_document(client, URI) == []
        did_change_configuration(client, {"booster": {"lineWidth": 30, **QUIET}})
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), WRAPPED_30)]
        did_change_configuration(client, {"booster": QUIET})  # removing the key restores the default
        assert await format_document(client, URI) == []


async def test_invalid_setting_is_reported_by_name_and_the_previous_value_stays():
    async with session(init_options={"lineWidth": 30, **QUIET}) as client:
        open_document(client, URI, LONG)
        did_change_configuration(client, {"booster": {"lineWidth": -1, "python": {"quoteStyle": "single"}, **QUIET}})
        edits = await format_document(client, URI)
        assert edits == [edit((0, 0), (1, 0), WRAPPED_30)]  # lineWidth 30 kept
        assert [(m.type, m.message) for m in client.messages] == [
            (
                types.MessageType.Error,
                "booster: invalid setting `booster.lineWidth` (workspace/didChangeConfiguration): "
                "Input should be greater than 0; the previous value stays in force",
            )
        ]
        open_document(client, "file:///work/quotes.py", 'x = "a"\n')
        assert await format_document(client, "file:///work/quotes.py") == [edit((0, 0), (1, 0), "x = 'a'\n")]


async def test_garbage_settings_never_kill_the_server():
    async with session(init_options=["not", "an", "object"]) as client:
        did_change_configuration(client, {"booster": {"noSuchKey": 1, "lineWidth": "wide"}})
        did_change_configuration(client, {"booster": 42})
        open_document(client, URI, LONG)
        assert await format_document(client, URI) == []
        assert [m.message.split(" (")[0] for m in client.messages] == [
            "booster: invalid setting `booster.(settings)`",
            "booster: invalid setting `booster.lineWidth`",
            "booster: invalid setting `booster.noSuchKey`",
            "booster: invalid setting `booster.(settings)`",
        ]


async def test_workspace_configuration_is_pulled_on_initialized_and_on_change():
    async with session(capabilities(configuration=True), QUIET) as client:
        client.set_configuration({"lineWidth": 30, **QUIET}, section="booster")
        did_change_configuration(client, None)  # as VS Code does: "ask me"
        await wait_for_log(client, "'line_width': 30")
        open_document(client, URI, LONG)
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), WRAPPED_30)]


@pytest.mark.parametrize("content", [b"\xff\xfeline_width: 30\n", b"line_width: [\n", b"- a list\n"])
async def test_a_workspace_settings_file_that_cannot_be_read_is_reported_and_the_defaults_serve(tmp_path, content):
    """A settings file that is not UTF-8 used to fail `initialize` itself: no server at all."""
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "booster.yaml").write_bytes(content)
    async with session(init_options=QUIET, root=tmp_path) as client:
        open_document(client, URI, "x  =  1\n")
        assert await format_document(client, URI) == [edit((0, 0), (1, 0), "x = 1\n")]
        [message] = client.messages
        assert message.type == types.MessageType.Error
        assert message.message.startswith("booster: invalid setting `booster.(file)`")
        assert str(tmp_path / "settings" / "booster.yaml") in message.message
