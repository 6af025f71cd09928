"""prepareRename + rename end to end: exact edits, both position encodings on a line with
emoji, refusals as errors, module-level names across the open documents."""

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import QUIET, apply_text_edits, capabilities, change_document, open_document, session

URI = "file:///work/pkg/shapes.py"


def caps(encoding=None, document_changes=False):
    result = capabilities(encoding, pull=True)
    result.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=document_changes)
    result.text_document.rename = types.RenameClientCapabilities(prepare_support=True)
    return result


def rng(sl, sc, el, ec):
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


async def prepare(client, uri, line, character):
    return await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, character)))


async def rename(client, uri, line, character, new_name):
    return await client.text_document_rename_async(types.RenameParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, character), new_name=new_name))


async def test_local_variable_exact_edits_with_versioned_document_changes():
    text = "def area(width):\n    value = width * width\n    return value + value\n\n\nvalue = 3\n"
    async with session(caps(document_changes=True), QUIET) as client:
        # RenameOptions only for clients with prepareSupport (pygls follows the spec)
        assert client.server_capabilities.rename_provider == types.RenameOptions(prepare_provider=True)
        open_document(client, URI, text, version=7)
        assert await prepare(client, URI, 1, 6) == types.PrepareRenamePlaceholder(range=rng(1, 4, 1, 9), placeholder="value")
        edit = await rename(client, URI, 1, 6, "total")
        [change] = edit.document_changes
        assert change.text_document == types.OptionalVersionedTextDocumentIdentifier(uri=URI, version=7)
        assert list(change.edits) == [
            types.TextEdit(rng(1, 4, 1, 9), "total"),
            types.TextEdit(rng(2, 11, 2, 16), "total"),
            types.TextEdit(rng(2, 19, 2, 24), "total"),
        ]


@pytest.mark.parametrize(("encoding", "start"), [("utf-16", 15), ("utf-8", 18)])
async def test_positions_after_emoji_in_both_encodings(encoding, start):
    text = 'label = "😀é"; count = 1\nprint(label, count)\n'
    async with session(caps(encoding), QUIET) as client:
        open_document(client, URI, text)
        assert await prepare(client, URI, 0, start + 2) == types.PrepareRenamePlaceholder(
            range=rng(0, start, 0, start + 5), placeholder="count")
        edit = await rename(client, URI, 0, start + 1, "total")
        assert list(edit.changes[URI]) == [
            types.TextEdit(rng(0, start, 0, start + 5), "total"),
            types.TextEdit(rng(1, 13, 1, 18), "total"),
        ]
        assert apply_text_edits(text, edit.changes[URI], encoding) == 'label = "😀é"; total = 1\nprint(label, total)\n'


async def test_refusals_are_errors_with_the_reason():
    text = "x = 1\ny = x  # comment\n"
    async with session(caps(), QUIET) as client:
        open_document(client, URI, text)
        with pytest.raises(JsonRpcException, match="no renameable symbol here"):
            await prepare(client, URI, 1, 10)  # in the comment
        with pytest.raises(JsonRpcException, match="'y' is already defined in the same scope"):
            await rename(client, URI, 0, 0, "y")
        with pytest.raises(JsonRpcException, match="keyword"):
            await rename(client, URI, 0, 0, "class")


async def test_module_level_name_across_open_documents():
    shapes = "def area(width):\n    return width * width\n"
    main = "from pkg.shapes import area\nfrom .shapes import area as size\n\nprint(area(2), size(3))\n"
    other = "def area():\n    return 0\n"  # same name, not imported: untouched
    async with session(caps(), QUIET) as client:
        open_document(client, URI, shapes)
        open_document(client, "file:///work/pkg/main.py", main)
        open_document(client, "file:///work/other.py", other)
        edit = await rename(client, URI, 0, 5, "surface")
        assert set(edit.changes) == {URI, "file:///work/pkg/main.py"}
        assert apply_text_edits(shapes, edit.changes[URI]) == "def surface(width):\n    return width * width\n"
        assert apply_text_edits(main, edit.changes["file:///work/pkg/main.py"]) == (
            "from pkg.shapes import surface\nfrom .shapes import surface as size\n\nprint(surface(2), size(3))\n"
        )
        # started at the import in the importing document: the definition is renamed too
        edit = await rename(client, "file:///work/pkg/main.py", 3, 7, "extent")
        assert apply_text_edits(shapes, edit.changes[URI]) == "def extent(width):\n    return width * width\n"


async def test_es_imports_across_open_documents():
    lib = "export const limit = 10;\nexport function clamp(n: number) { return Math.min(n, limit); }\n"
    app = "import { clamp, limit } from './lib';\nconsole.log(clamp(20), limit);\n"
    async with session(caps(), QUIET) as client:
        open_document(client, "file:///work/src/lib.ts", lib, "typescript")
        open_document(client, "file:///work/src/app.js", app, "javascript")
        edit = await rename(client, "file:///work/src/lib.ts", 0, 14, "maximum")
        assert apply_text_edits(lib, edit.changes["file:///work/src/lib.ts"]) == lib.replace("limit", "maximum")
        assert apply_text_edits(app, edit.changes["file:///work/src/app.js"]) == app.replace("limit", "maximum")


async def test_a_collision_in_an_importing_document_refuses_the_rename():
    async with session(caps(), QUIET) as client:
        open_document(client, URI, "def area(w):\n    return w\n")
        open_document(client, "file:///work/pkg/main.py", "from .shapes import area\nsurface = 1\nprint(area(surface))\n")
        with pytest.raises(JsonRpcException, match="main.py: 'surface' is already defined"):
            await rename(client, URI, 0, 5, "surface")


async def test_rename_of_a_changed_document_uses_the_new_text():
    async with session(caps(), QUIET) as client:
        open_document(client, URI, "a = 1\n")
        change_document(client, URI, 2, "b = 1\nprint(b)\n")
        edit = await rename(client, URI, 1, 6, "c")
        assert apply_text_edits("b = 1\nprint(b)\n", edit.changes[URI]) == "c = 1\nprint(c)\n"


async def test_an_imported_name_whose_definition_is_not_open_is_renamed_through_an_alias():
    """Renaming the name inside the import would import something else: alias it instead."""
    main = "from pkg.shapes import area\n\nprint(area(2))\n"
    async with session(caps(), QUIET) as client:
        open_document(client, "file:///work/pkg/main.py", main)
        edit = await rename(client, "file:///work/pkg/main.py", 2, 7, "surface")
        assert apply_text_edits(main, edit.changes["file:///work/pkg/main.py"]) == (
            "from pkg.shapes import area as surface\n\nprint(surface(2))\n"
        )


async def test_rename_right_after_an_edit_queries_the_documents_own_tree():
    """No second parse of the renamed document: the rename brings its tree up to date
    incrementally and the refactoring queries it. An importing document whose tree nobody
    holds yet (its diagnostics have not run) is parsed, and the debug log says so: observed
    through the server's log, not through timing."""
    import sys

    shapes = "def area(width):\n    value = width * width\n    return value + value\n"
    changed = shapes.replace("value + value", "value * 2")
    main = "from pkg.shapes import area\n\nprint(area(2))\n"
    server = [sys.executable, "-m", "booster_lsp.lsp", "--log-level", "debug"]
    async with session(caps(), {"diagnosticsDebounceMs": 600000}, command=server) as client:
        open_document(client, URI, shapes)
        change_document(client, URI, 2, changed)
        edit = await rename(client, URI, 1, 6, "result")
        assert apply_text_edits(changed, list(edit.changes[URI])) == \
            "def area(width):\n    result = width * width\n    return result * 2\n"
        assert not [m.message for m in client.log_messages if "no open tree holds" in m.message]
        open_document(client, "file:///work/pkg/main.py", main)
        edit = await rename(client, URI, 0, 5, "surface")
        assert set(edit.changes) == {URI, "file:///work/pkg/main.py"}
        assert [m.message for m in client.log_messages if "no open tree holds" in m.message] == [
            f"refactoring: parsing a {len(main)}-byte python text no open tree holds"
        ]
