"""Lint end to end: diagnostics (code, codeDescription, source) after open and after an edit,
pushed and pulled, next to the syntax diagnostics; quick fixes, suppressions, fix all."""

import ast

from lsprotocol import types

from tests.lsp.conftest import (
    QUIET,
    apply_text_edits,
    capabilities,
    change_document,
    open_document,
    pull_diagnostics,
    session,
    wait_for_diagnostics,
)

URI = "file:///work/lint_me.py"
RULES = "https://docs.astral.sh/ruff/rules/"


def resolving(pull: bool = True, document_changes: bool = False) -> types.ClientCapabilities:
    caps = capabilities(pull=pull)
    caps.text_document.code_action = types.CodeActionClientCapabilities(
        resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
    )
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=document_changes)
    return caps


def diagnostic(start, end, message, code, url, severity=types.DiagnosticSeverity.Warning, tags=None):
    return types.Diagnostic(
        range=types.Range(types.Position(*start), types.Position(*end)),
        message=message,
        severity=severity,
        code=code,
        code_description=types.CodeDescription(href=url),
        source="booster",
        tags=tuple(tags) if tags else None,
    )


F401 = diagnostic((0, 7), (0, 9), "`os` imported but unused", "F401", RESULTS := RULES + "unused-import/",
                  tags=[types.DiagnosticTag.Unnecessary])


async def actions(client, uri, diagnostics, range_=None, only=None):
    range_ = range_ or (diagnostics[0].range if diagnostics else types.Range(types.Position(0, 0), types.Position(0, 0)))
    return list(await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=range_,
        context=types.CodeActionContext(diagnostics=diagnostics, only=only))))


def edits_of(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return list(edit.changes[uri])


async def test_pushed_after_open_and_after_an_edit_next_to_syntax_errors():
    async with session(init_options={**QUIET, "diagnosticsDebounceMs": 50}) as client:
        open_document(client, URI, "import os\n\nx = 1\n")
        assert await wait_for_diagnostics(client, URI) == [F401]
        client.diagnostics.pop(URI)
        # an edit: the import is used now, and a syntax error appears on the last line
        change_document(client, URI, 2, "import os\n\nx = os.sep\ny = (\n")
        assert await wait_for_diagnostics(client, URI) == [
            types.Diagnostic(range=types.Range(types.Position(3, 4), types.Position(3, 5)), message="'(' was never closed",
                             severity=types.DiagnosticSeverity.Error, code="syntax-error", source="booster"),
        ]
        client.diagnostics.pop(URI)
        change_document(client, URI, 3, "import os\nimport sys\n\nx = os.sep\n")
        assert await wait_for_diagnostics(client, URI) == [
            diagnostic((1, 7), (1, 10), "`sys` imported but unused", "F401", RESULTS, tags=[types.DiagnosticTag.Unnecessary])
        ]


async def test_pulled_for_our_rules_with_documentation_links():
    async with session(capabilities(pull=True), QUIET) as client:
        uri = "file:///work/app.js"
        open_document(client, uri, "function f(a) {\n  debugger;\n  return a == 1 || a == null;\n}\n", "javascript")
        items = await pull_diagnostics(client, uri)
        assert [(d.code, d.range.start.line, d.source) for d in items] == [("BJS001", 1, "booster"), ("BJS008", 2, "booster")]
        assert items[0].code_description.href.endswith("docs/lint-rules.md#bjs001")
        assert items[0].severity == types.DiagnosticSeverity.Warning


async def test_quick_fix_and_suppression_of_an_unused_import():
    text = "import os\n\nx = 1\n"
    async with session(resolving(document_changes=True), QUIET) as client:
        open_document(client, URI, text)
        assert await pull_diagnostics(client, URI) == [F401]
        listed = await actions(client, URI, [F401], only=["quickfix"])
        assert [(a.title, a.kind, a.is_preferred) for a in listed] == [
            ("Remove unused import: `os`", "quickfix", True),
            ("Suppress F401 on this line (`# noqa: F401`)", "quickfix", None),
        ]
        fix, suppress = listed
        [change] = fix.edit.document_changes
        assert change.text_document == types.OptionalVersionedTextDocumentIdentifier(uri=URI, version=1)
        assert list(change.edits) == [types.TextEdit(types.Range(types.Position(0, 0), types.Position(1, 0)), "")]
        assert apply_text_edits(text, change.edits) == "\nx = 1\n"
        assert apply_text_edits(text, edits_of(suppress.edit, URI)) == "import os  # noqa: F401\n\nx = 1\n"


async def test_fix_all_problems_of_one_rule_in_the_file():
    """Two unused imports and a `== None`: on an F401, "fix all F401 problems" removes both
    imports and leaves the rest; E711's fixes are unsafe, which its title says; a rule with
    one fixable problem gets no such action."""
    text = "import os\nimport sys\n\nif x == None:\n    pass\nif y == None:\n    pass\nz = 1 if w == True else 2\n"
    async with session(resolving(), QUIET) as client:
        open_document(client, URI, text)
        diagnostics = await pull_diagnostics(client, URI)
        by_code = {}
        for item in diagnostics:
            by_code.setdefault(item.code, item)
        listed = await actions(client, URI, [by_code["F401"]], only=["quickfix"])
        [rule_fix] = [a for a in listed if a.title.startswith("Fix all")]
        assert (rule_fix.title, rule_fix.kind, rule_fix.edit) == ("Fix all F401 problems in this file (2)", "quickfix", None)
        resolved = await client.code_action_resolve_async(rule_fix)
        assert apply_text_edits(text, edits_of(resolved.edit, URI)) == text.replace("import os\nimport sys\n", "")
        [unsafe] = [a for a in await actions(client, URI, [by_code["E711"]], only=["quickfix"]) if a.title.startswith("Fix all")]
        assert unsafe.title == "Fix all E711 problems in this file (2) (unsafe)"
        resolved = await client.code_action_resolve_async(unsafe)
        assert apply_text_edits(text, edits_of(resolved.edit, URI)) == text.replace("== None", "is None")
        once = await actions(client, URI, [by_code["E712"]], only=["quickfix"])
        assert once and not [a for a in once if a.title.startswith("Fix all")]


async def test_organize_imports_sorts_python_imports_whatever_the_rule_selection(tmp_path):
    """`source.organizeImports.booster`, asked for by kind as an editor does on save: Ruff's
    import sorting (I001) with the project's own modules first-party, even where the project
    selects no I rule; offered for Python only, with nothing to do an empty change."""
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F"]\n')
    (tmp_path / "mypkg").mkdir()
    text = "import mypkg\nimport sys\nimport attr\nimport os\n\nprint(mypkg, sys, attr, os)\n"
    async with session(resolving(), QUIET) as client:
        uri = (tmp_path / "mod.py").as_uri()
        open_document(client, uri, text)
        [organize] = await actions(client, uri, [], only=["source.organizeImports"])
        assert (organize.title, organize.kind, organize.edit) == ("Organize imports (booster)", "source.organizeImports.booster", None)
        resolved = await client.code_action_resolve_async(organize)
        assert apply_text_edits(text, edits_of(resolved.edit, uri)) == (
            "import os\nimport sys\n\nimport attr\n\nimport mypkg\n\nprint(mypkg, sys, attr, os)\n")
        sorted_uri = (tmp_path / "sorted.py").as_uri()
        open_document(client, sorted_uri, "import os\n\nprint(os)\n")
        [nothing] = await actions(client, sorted_uri, [], only=["source.organizeImports.booster"])
        assert edits_of((await client.code_action_resolve_async(nothing)).edit, sorted_uri) == []
        open_document(client, "file:///work/app.js", "import b from 'b';\nimport a from 'a';\n", "javascript")
        assert await actions(client, "file:///work/app.js", [], only=["source.organizeImports"]) == []


async def test_suppression_extends_an_existing_directive():
    text = "fn f(x: bool) -> bool {\n    x == true // booster-ignore: BRS006\n}\n"
    async with session(resolving(), QUIET) as client:
        uri = "file:///work/lib.rs"
        open_document(client, uri, text, "rust")
        [brs001] = await pull_diagnostics(client, uri)
        listed = await actions(client, uri, [brs001])
        suppress = next(a for a in listed if a.title.startswith("Suppress"))
        assert apply_text_edits(text, edits_of(suppress.edit, uri)) == (
            "fn f(x: bool) -> bool {\n    x == true // booster-ignore: BRS006, BRS001\n}\n"
        )
        fix = next(a for a in listed if a.kind == "quickfix" and a.is_preferred)
        assert edits_of(fix.edit, uri) == [types.TextEdit(types.Range(types.Position(1, 5), types.Position(1, 13)), "")]


async def test_fix_all_applies_safe_fixes_only_in_resolve():
    text = "import os\nimport sys\n\nprint(sys.argv)\nfor i in range(3):\n    l = lambda: i\n"
    async with session(resolving(), QUIET) as client:
        uri = "file:///work/fix_all.py"
        open_document(client, uri, text)
        [fix_all] = await actions(client, uri, [], only=["source.fixAll"])
        assert fix_all.kind == "source.fixAll.booster" and fix_all.edit is None  # computed lazily
        resolved = await client.code_action_resolve_async(fix_all)
        assert apply_text_edits(text, edits_of(resolved.edit, uri)) == text.replace("import os\n", "")
        # nothing safe to fix: not offered
        open_document(client, "file:///work/clean.py", "x = 1\n")
        assert await actions(client, "file:///work/clean.py", [], only=["source.fixAll.booster"]) == []


async def test_fix_all_includes_unsafe_fixes_where_the_project_sets_unsafe_fixes(tmp_path):
    """Ruff's `unsafe-fixes = true` (here in an `extend`ed base) makes fix all apply the unsafe
    fixes too, as `source.fixAll.ruff` and `ruff check --fix` do; a file only an unsafe fix can
    change is then offered fix all. Next door, without the setting, the same file is not."""
    text = "import os\nif x == None:\n    pass\n"
    (tmp_path / "base.toml").write_text("unsafe-fixes = true\n")
    (tmp_path / "opted").mkdir()
    (tmp_path / "opted" / "ruff.toml").write_text('extend = "../base.toml"\n[lint]\nselect = ["E711"]\n')
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "ruff.toml").write_text('[lint]\nselect = ["E711"]\n')
    async with session(resolving(), QUIET) as client:
        opted, plain = (tmp_path / "opted" / "a.py").as_uri(), (tmp_path / "plain" / "a.py").as_uri()
        open_document(client, opted, text)
        open_document(client, plain, text)
        [fix_all] = await actions(client, opted, [], only=["source.fixAll"])
        resolved = await client.code_action_resolve_async(fix_all)
        assert apply_text_edits(text, edits_of(resolved.edit, opted)) == "import os\nif x is None:\n    pass\n"
        assert await actions(client, plain, [], only=["source.fixAll"]) == []


async def test_stale_resolve_returns_no_edit_and_says_why():
    async with session(resolving(), QUIET) as client:
        open_document(client, URI, "import os\nimport sys\n")
        [fix_all] = await actions(client, URI, [], only=["source.fixAll.booster"])
        change_document(client, URI, 2, "import os\nimport sys\nprint(sys)\n")
        resolved = await client.code_action_resolve_async(fix_all)
        assert resolved.edit is None
        assert client.messages[-1].message == "Fix all auto-fixable problems (booster): the document changed; ask for the action again"


async def test_without_resolve_support_the_action_carries_a_command():
    async with session(capabilities(pull=True), QUIET) as client:
        open_document(client, URI, "import os\nimport sys\n")
        raw = await client.protocol.send_request_async(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(URI), range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.booster"])))
        [action] = raw
        command = action.command
        if isinstance(action, types.Command):
            # lsprotocol's client structures a CodeAction carrying a command as a Command (the
            # union's first member) and its `command` object as a string; editors tell them apart
            command = types.Command(**ast.literal_eval(command))
        assert command.command == "booster.applyCodeAction"
        applied = []

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply(params: types.ApplyWorkspaceEditParams):
            applied.append(params.edit)
            return types.ApplyWorkspaceEditResult(applied=True)

        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command.command, arguments=command.arguments))
        assert result == {"applied": True}
        assert apply_text_edits("import os\nimport sys\n", edits_of(applied[0], URI)) == ""


async def test_a_request_at_a_keystroke_lists_fix_all_without_linting_the_new_revision():
    """Editors ask for actions at every cursor move and keystroke; with no diagnostic of ours
    under the cursor, the latest lint results decide whether "fix all" is offered. A request
    for source.fixAll by name (fix on save) still lints the current text."""
    async with session(resolving(pull=True), QUIET) as client:  # pull: no lint in the background
        open_document(client, URI, "import os\n\nx = 1\n")
        assert await pull_diagnostics(client, URI) == [F401]

        async def lints() -> int:
            stats = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="booster.stats"))
            return stats["operation_stats"]["lint"]["count"]

        before = await lints()
        change_document(client, URI, 2, "import os\n\nx = 12\n")
        listed = await actions(client, URI, [], types.Range(types.Position(1, 0), types.Position(1, 0)))
        assert [a.kind for a in listed] == ["source.fixAll.booster", "source.organizeImports.booster"]
        assert await lints() == before  # listed from the latest results
        resolved = await client.code_action_resolve_async(listed[0])
        assert apply_text_edits("import os\n\nx = 12\n", edits_of(resolved.edit, URI)) == "\nx = 12\n"
        change_document(client, URI, 3, "import os\n\nx = 123\n")
        assert [a.kind for a in await actions(client, URI, [], only=["source.fixAll"])] == ["source.fixAll.booster"]
        assert await lints() == before + 2  # the resolve above, and this revision's results


async def test_actions_on_a_large_document_index_it_off_the_event_loop():
    """A revision above LARGE_TEXT is indexed in a worker before its actions are listed; the
    answer is the same as for a small one."""
    from booster_lsp.lsp.code_actions import LARGE_TEXT

    body = "".join(f"value_{n} = {n}\n" for n in range(LARGE_TEXT // 12))
    text = "import os\n" + body
    assert len(text) > LARGE_TEXT
    async with session(resolving(), QUIET) as client:
        uri = "file:///work/large.py"
        open_document(client, uri, text)
        [f401] = [d for d in await pull_diagnostics(client, uri) if d.code == "F401"]
        change_document(client, uri, 2, text + "x = 1\n")  # a new revision, not indexed yet
        listed = await actions(client, uri, [f401], only=["quickfix"])
        assert [a.title for a in listed][:1] == ["Remove unused import: `os`"]
