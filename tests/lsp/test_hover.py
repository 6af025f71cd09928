"""textDocument/hover on a rule code in a suppression comment, as ruff server's on `noqa`."""

import pytest
from lsprotocol import types

from tests.lsp.conftest import QUIET, capabilities, open_document, session


async def hover_at(client, uri: str, line: int, character: int) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, character))
    )


def markdown_client(encoding: str | None = None) -> types.ClientCapabilities:
    caps = capabilities(encoding)
    caps.text_document.hover = types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown])
    return caps


TEXT = "import os; x = '😀'  # noqa: F401, E501\ny = 1\n"  # the emoji: 2 UTF-16 units, 4 UTF-8 bytes


@pytest.mark.parametrize(("encoding", "start"), [("utf-16", TEXT.index("F401") + 1), ("utf-8", TEXT.index("F401") + 3)])
async def test_a_noqa_code_is_described_with_its_documentation(encoding, start):
    text = TEXT
    async with session(markdown_client(encoding), QUIET) as client:
        uri = "file:///work/hover.py"
        open_document(client, uri, text)
        found = await hover_at(client, uri, 0, start + 1)
        assert found.range == types.Range(types.Position(0, start), types.Position(0, start + 4))
        assert found.contents.kind == types.MarkupKind.Markdown
        assert found.contents.value.startswith("**F401** `unused-import` (Ruff)\n\n`{name}` imported but unused")
        assert found.contents.value.endswith("[Documentation](https://docs.astral.sh/ruff/rules/unused-import/)")
        second = await hover_at(client, uri, 0, start + 7)
        assert second.contents.value.startswith("**E501** `line-too-long` (Ruff)")
        assert await hover_at(client, uri, 0, 3) is None  # on `import`: nothing
        assert await hover_at(client, uri, 1, 0) is None


async def test_booster_rules_and_plain_text_clients():
    text = "if (a == 1) g(); // booster-ignore: BJS008, XYZ999\n"
    async with session(capabilities(), QUIET) as client:
        uri = "file:///work/hover.js"
        open_document(client, uri, text, "javascript")
        found = await hover_at(client, uri, 0, text.index("BJS008") + 2)
        assert found.contents.kind == types.MarkupKind.PlainText
        assert found.contents.value.startswith("BJS008 loose-equality (booster)\n\n`==` / `!=` against a literal")
        assert found.contents.value.endswith("lint-rules.md#bjs008")
        assert await hover_at(client, uri, 0, text.index("XYZ999") + 1) is None  # a code nobody knows
        assert await hover_at(client, "file:///work/not-open.py", 0, 0) is None
