"""textDocument/formatting and rangeFormatting, end to end."""

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from tests.lsp.conftest import (
    QUIET, as_list, apply_text_edits, capabilities, edit, format_document, open_document, pull_diagnostics, session,
)

MESSY = "import os\ndef f(a,b):\n    return {'x':a,  'y':b}\n"
FORMATTED = 'import os\n\n\ndef f(a, b):\n    return {"x": a, "y": b}\n'
URI = "file:///work/example.py"


@pytest.mark.parametrize("editor", ["neovim@v0.10.0", "visual_studio_code@v1.65.2"])
async def test_formatting_returns_minimal_edits(editor):
    async with session(capabilities(editor=editor), QUIET) as client:
        open_document(client, URI, MESSY)
        edits = await format_document(client, URI)
        assert edits == [edit((1, 0), (3, 0), '\n\ndef f(a, b):\n    return {"x": a, "y": b}\n')]
        assert apply_text_edits(MESSY, edits) == FORMATTED


async def test_already_formatted_document_gives_no_edits():
    async with session(init_options=QUIET) as client:
        open_document(client, URI, FORMATTED)
        assert await format_document(client, URI) == []


EMOJI_CJK = "s = '😀 ok'  ;  t='中文字'\nu=1\n"
EMOJI_CJK_FORMATTED = 's = "😀 ok"\nt = "中文字"\nu = 1\n'


@pytest.mark.parametrize(
    ("encoding", "expected_end"),
    [("utf-16", (1, 3)), ("utf-8", (1, 3))],
)
async def test_emoji_and_cjk_in_both_encodings(encoding, expected_end):
    async with session(capabilities(encoding), QUIET) as client:
        assert client.server_capabilities.position_encoding == encoding
        uri = "file:///work/unicode.py"
        open_document(client, uri, EMOJI_CJK)
        edits = await format_document(client, uri)
        assert edits == [edit((0, 0), (2, 0), 's = "😀 ok"\nt = "中文字"\nu = 1\n')]
        assert apply_text_edits(EMOJI_CJK, edits, encoding) == EMOJI_CJK_FORMATTED


@pytest.mark.parametrize(("encoding", "character"), [("utf-16", 16), ("utf-8", 22)])
async def test_edit_after_emoji_and_cjk_on_the_same_line(encoding, character):
    """A change that starts after wide characters: `character` counts the client's units."""
    text = "x = ['😀', '中文',1]\n"  # the "1" is 16 UTF-16 units / 22 UTF-8 bytes in
    async with session(capabilities(encoding), QUIET) as client:
        uri = "file:///work/wide.py"
        open_document(client, uri, text)
        edits = await format_document(client, uri)
        assert edits == [edit((0, 0), (1, 0), 'x = ["😀", "中文", 1]\n')]
        # incremental change in the middle of the line, positioned in the negotiated units
        from tests.lsp.conftest import change_document

        change_document(
            client, uri, 2, "2", types.Range(types.Position(0, character), types.Position(0, character + 1))
        )
        edits = await format_document(client, uri)
        assert apply_text_edits("x = ['😀', '中文',2]\n", edits, encoding) == 'x = ["😀", "中文", 2]\n'


async def test_crlf_document_keeps_crlf_and_gets_a_final_newline():
    text = "a  =  1\r\nb = 2\r\nc=3"
    async with session(init_options=QUIET) as client:
        uri = "file:///work/crlf.py"
        open_document(client, uri, text)
        edits = await format_document(client, uri)
        assert edits == [edit((0, 0), (1, 0), "a = 1\r\n"), edit((2, 0), (2, 3), "c = 3\r\n")]
        assert apply_text_edits(text, edits) == "a = 1\r\nb = 2\r\nc = 3\r\n"


async def test_file_without_final_newline():
    async with session(init_options=QUIET) as client:
        uri = "file:///work/nonl.py"
        open_document(client, uri, "x = 1\ny=2")
        assert await format_document(client, uri) == [edit((1, 0), (1, 3), "y = 2\n")]


@pytest.mark.parametrize(("encoding", "end"), [("utf-16", 6), ("utf-8", 8)])
async def test_last_line_without_final_newline_ends_in_the_clients_units(encoding, end):
    """Formatting edits run from line start to line start; only the end of an unterminated
    last line is a position counted in the negotiated units (😀: 2 UTF-16 units, 4 bytes)."""
    text = "x = 1\ns='😀'"
    async with session(capabilities(encoding), QUIET) as client:
        uri = "file:///work/open_end.py"
        open_document(client, uri, text)
        edits = await format_document(client, uri)
        assert edits == [edit((1, 0), (1, end), 's = "😀"\n')]
        assert apply_text_edits(text, edits, encoding) == 'x = 1\ns = "😀"\n'


async def test_range_formatting_formats_only_the_range():
    text = "a  =  1\nb  =  2\nc  =  3\n"
    async with session(init_options=QUIET) as client:
        uri = "file:///work/range.py"
        open_document(client, uri, text)
        edits = as_list(
            await client.text_document_range_formatting_async(
                types.DocumentRangeFormattingParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=types.Range(types.Position(1, 0), types.Position(1, 7)),
                    options=types.FormattingOptions(tab_size=4, insert_spaces=True),
                )
            )
        )
        assert edits == [edit((1, 0), (2, 0), "b = 2\n")]


async def range_format(client, uri, start, end):
    return as_list(await client.text_document_range_formatting_async(types.DocumentRangeFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(types.Position(*start), types.Position(*end)),
        options=types.FormattingOptions(tab_size=4, insert_spaces=True),
    )))


async def test_range_formatting_leaves_the_rest_alone_with_a_module_that_formats_whole_files():
    """dprint's plugins take the range and format the whole file anyway: the edits outside
    the requested lines are dropped, adjacent changed lines included."""
    text = "const a={b:1}\nconst c  =  2\nconst d  =  3\n"
    async with session(init_options=QUIET) as client:
        uri = "file:///work/range.js"
        open_document(client, uri, text, "javascript")
        assert await range_format(client, uri, (1, 0), (1, 5)) == [edit((1, 0), (2, 0), "const c = 2;\n")]
        # whole lines 0-1 selected: the selection ends where line 2 starts
        assert await range_format(client, uri, (0, 0), (2, 0)) == [
            edit((0, 0), (1, 0), "const a = { b: 1 };\n"), edit((1, 0), (2, 0), "const c = 2;\n"),
        ]


async def ranges_format(client, uri, *ranges):
    return as_list(await client.text_document_ranges_formatting_async(types.DocumentRangesFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        ranges=[types.Range(types.Position(*start), types.Position(*end)) for start, end in ranges],
        options=types.FormattingOptions(tab_size=4, insert_spaces=True),
    )))


@pytest.mark.parametrize(("language", "uri", "text"), [
    ("python", "file:///work/ranges.py", "a  =  1\nb  =  2\nc  =  3\nd  =  4\n"),
    ("javascript", "file:///work/ranges.js", "const a  =  1\nconst b  =  2\nconst c  =  3\nconst d  =  4\n"),
])
async def test_ranges_formatting_formats_each_range_and_nothing_else(language, uri, text):
    """textDocument/rangesFormatting (LSP 3.18; Neovim 0.11 formats several ranges only with
    it), with Ruff, which formats ranges, and dprint, which formats whole files: the edits
    are those of formatting each range alone; the lines between are left as they are;
    overlapping ranges give each line's edit once."""
    async with session(init_options=QUIET) as client:
        assert client.server_capabilities.document_range_formatting_provider.ranges_support is True
        open_document(client, uri, text, language)
        one = await range_format(client, uri, (0, 0), (0, 3))
        three = await range_format(client, uri, (2, 0), (2, 3))
        both = await ranges_format(client, uri, ((2, 0), (2, 3)), ((0, 0), (0, 3)))
        assert one and three and both == one + three
        assert apply_text_edits(text, both).splitlines()[1::2] == text.splitlines()[1::2]  # b and d untouched
        assert await ranges_format(client, uri, ((0, 0), (0, 3)), ((0, 1), (1, 0)), ((2, 0), (2, 3))) == both
        assert await ranges_format(client, uri) == []


async def test_ranges_formatting_of_a_broken_document_returns_no_edits_and_says_why():
    async with session(init_options=QUIET) as client:
        uri = "file:///work/broken_ranges.py"
        open_document(client, uri, "a  =  1\ndef (:\n")
        assert await ranges_format(client, uri, ((0, 0), (0, 3))) == []
        assert [m.message for m in client.messages] == ["broken_ranges.py: syntax error at 2:5: Expected an identifier"]


@pytest.mark.parametrize(
    ("language", "uri", "text", "expected"),
    [
        ("typescript", "file:///work/a.ts", "let a  =  {x:1}\n", [edit((0, 0), (1, 0), "let a = { x: 1 };\n")]),
        (
            "javascript",
            "file:///work/a.js",
            "function f( ) { return 1 }",
            [edit((0, 0), (0, 26), "function f() {\n  return 1;\n}\n")],
        ),
        (
            "go",
            "file:///work/a.go",
            "package main\nfunc main() {\nx:=1\n}\n",
            [edit((1, 0), (1, 0), "\n"), edit((2, 0), (3, 0), "\tx := 1\n")],
        ),
    ],
)
async def test_other_languages(language, uri, text, expected):
    async with session(init_options=QUIET) as client:
        open_document(client, uri, text, language)
        assert await format_document(client, uri) == expected


async def test_syntax_error_gives_no_edits_and_explains_why():
    async with session(init_options=QUIET) as client:
        uri = "file:///work/broken.py"
        open_document(client, uri, "x = (1,\n")
        assert await format_document(client, uri) == []
        assert [m.message for m in client.messages] == ["broken.py: syntax error at 2:1: unexpected EOF while parsing"]
        assert client.messages[0].type == types.MessageType.Warning


async def test_unknown_document_and_language():
    async with session(init_options=QUIET) as client:
        assert await format_document(client, "file:///work/not-open.py") is None
        open_document(client, "file:///work/notes.txt", "hello", "plaintext")
        assert await format_document(client, "file:///work/notes.txt") == []
        assert [m.message for m in client.messages] == ["notes.txt: no formatter for this file type"]


async def test_a_document_holding_a_lone_surrogate_gives_no_edits_and_says_where():
    """A client may send JSON's "\\udce9" (half of a UTF-16 pair): not Unicode text, no module
    can format it; the answer is [] and a message, not an internal error."""
    async with session(init_options=QUIET) as client:
        uri = "file:///work/broken_text.py"
        open_document(client, uri, "x = 1\ny = 'caf\udce9'\n")
        assert await format_document(client, uri) == []
        assert [m.message for m in client.messages] == [
            "broken_text.py: syntax error at 2:9: the text is not valid Unicode: a lone surrogate (U+DCE9) at line 2, "
            "column 9; nothing was changed"
        ]


async def test_a_request_whose_params_do_not_fit_gets_an_error_response_not_silence():
    """pygls left such a request unanswered (the client waited for ever) and showed an
    "Error in server" pop-up instead; now it is answered with -32602 and the server goes on."""
    async with session(init_options=QUIET) as client:
        uri = "file:///work/bad_params.py"
        open_document(client, uri, "x  =  1\n")
        start = types.Position(0, 0)
        object.__setattr__(start, "line", -1)  # past lsprotocol's own check, as a broken client would send it
        params = types.DocumentRangeFormattingParams(
            types.TextDocumentIdentifier(uri), types.Range(start, types.Position(1, 0)), types.FormattingOptions(4, True)
        )
        answer = asyncio.wrap_future(client.protocol.send_request(types.TEXT_DOCUMENT_RANGE_FORMATTING, params))
        with pytest.raises(JsonRpcInvalidParams) as raised:
            await asyncio.wait_for(answer, 10)
        assert raised.value.message == (
            "invalid params for textDocument/rangeFormatting: invalid value @ $.params.range.start"
        )
        assert await format_document(client, uri) == [edit((0, 0), (1, 0), "x = 1\n")]  # still serving
        assert client.messages == []  # no pop-up


async def test_a_file_in_a_project_is_formatted_with_the_projects_ruff_configuration(tmp_path):
    (tmp_path / "ruff.toml").write_text("line-length = 40\n\n[format]\nquote-style = 'single'\n")
    text = "def f(alpha, beta, gamma, delta, epsilon):\n    return {\"a\": alpha}\n"
    formatted = "def f(\n    alpha, beta, gamma, delta, epsilon\n):\n    return {'a': alpha}\n"  # as ruff format there
    async with session(init_options=QUIET) as client:
        uri = (tmp_path / "mod.py").as_uri()
        open_document(client, uri, text)
        assert apply_text_edits(text, await format_document(client, uri)) == formatted
        open_document(client, "untitled:Untitled-1", text)  # no file, no project: Ruff's defaults
        assert await format_document(client, "untitled:Untitled-1") == []


async def test_a_file_the_project_excludes_is_neither_formatted_nor_linted(tmp_path):
    (tmp_path / "ruff.toml").write_text('extend-exclude = ["fixtures"]\n')
    (tmp_path / "fixtures").mkdir()
    messy = "import os\nx  =  1\n"
    async with session(capabilities(pull=True), QUIET) as client:
        excluded, included = (tmp_path / "fixtures" / "messy.py").as_uri(), (tmp_path / "mod.py").as_uri()
        open_document(client, excluded, messy)
        open_document(client, included, messy)
        assert await format_document(client, excluded) == []  # as ruff server: left as it is
        assert await pull_diagnostics(client, excluded) == []
        assert apply_text_edits(messy, await format_document(client, included)) == "import os\n\nx = 1\n"
        assert [d.code for d in await pull_diagnostics(client, included)] == ["F401"]


async def test_fix_on_format_applies_the_safe_fixes_with_the_formatting(tmp_path):
    """For editors that format on save and run no code actions then (Helix): the safe fixes
    (an unused import, a `debugger`) come with the formatting, in the same edits; unsafe ones
    (BJS008's `==`) do not; range formatting stays formatting only; off by default."""
    python = "import os\nx  =  1\n"
    javascript = "function f(a) {\n  debugger;\n  return a==1\n}\n"
    async with session(init_options={**QUIET, "fixOnFormat": True}) as client:
        uri, js = (tmp_path / "mod.py").as_uri(), (tmp_path / "app.js").as_uri()
        open_document(client, uri, python)
        open_document(client, js, javascript, "javascript")
        assert apply_text_edits(python, await format_document(client, uri)) == "x = 1\n"
        assert apply_text_edits(javascript, await format_document(client, js)) == "function f(a) {\n  return a == 1;\n}\n"
        assert await range_format(client, uri, (1, 0), (1, 7)) == [edit((1, 0), (2, 0), "x = 1\n")]
        open_document(client, (tmp_path / "bad.py").as_uri(), "import os\ndef (:\n")  # lint cannot fix: formatting says why
        assert await format_document(client, (tmp_path / "bad.py").as_uri()) == []
    async with session(init_options=QUIET) as client:
        open_document(client, uri, python)
        assert apply_text_edits(python, await format_document(client, uri)) == "import os\n\nx = 1\n"


async def test_fix_on_format_applies_unsafe_fixes_only_where_the_project_sets_unsafe_fixes(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nunsafe-fixes = true\n[tool.ruff.lint]\nselect = ["F401", "E711"]\n')
    python = "import os\nif x  ==  None:\n    pass\n"
    async with session(init_options={**QUIET, "fixOnFormat": True}) as client:
        uri = (tmp_path / "mod.py").as_uri()
        open_document(client, uri, python)
        assert apply_text_edits(python, await format_document(client, uri)) == "if x is None:\n    pass\n"
        (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401", "E711"]\n')
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier((tmp_path / "pyproject.toml").as_uri())))
        assert apply_text_edits(python, await format_document(client, uri)) == "if x == None:\n    pass\n"


async def test_fix_on_format_is_answered_from_speculative_formatting(tmp_path):
    python = "import os\nx  =  1\n"
    async with session(init_options={"fixOnFormat": True, "speculativeIdleMs": 50}) as client:
        uri = (tmp_path / "mod.py").as_uri()
        open_document(client, uri, python)
        await asyncio.sleep(1.0)  # idle: pre-formatted, fixes included
        stats_before = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        assert apply_text_edits(python, await format_document(client, uri)) == "x = 1\n"
        stats_after = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
        assert stats_after["total_transformations"] == stats_before["total_transformations"]  # nothing ran on save
