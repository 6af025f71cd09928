"""Lint code actions: a quick fix per fixable diagnostic, "fix all problems of this rule in
the file" where a rule has more than one fixable problem there (as ESLint's VS Code extension
offers; asked of Ruff in astral-sh/ruff#15870), a suppression comment per diagnostic,
``source.fixAll.booster`` (safe fixes; unsafe ones too where the project's Ruff
configuration sets ``unsafe-fixes = true``, as ``source.fixAll.ruff`` does) and, for Python,
``source.organizeImports.booster`` (Ruff's import sorting, I001, whatever the rule selection:
as ``source.organizeImports.ruff``).

Quick fixes and suppressions are computed while listing: their edits come with the lint
results of the revision (cached by the diagnostics; collected once if the client asks for
actions first). Fix all, and fix all of one rule, apply fixes until stable (the core's
``fix="safe"``; for one rule ``"unsafe"`` when its fixes are, said in the title), so they are
computed in ``codeAction/resolve``, in the worker pool.

Editors ask for actions at every cursor move and keystroke, mostly with no diagnostic of
ours under the cursor. Such a request does not lint the new revision (~60 ms on a
17,000-line file here, ahead of the debounced diagnostics): whether "fix all" is offered
comes from the latest results; resolving it lints the current text anyway. A request for
``source.fixAll`` by name (fix on save) still uses exactly this revision's results.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.core.lint import SAFE, UNSAFE, project_fix_mode
from booster_lsp.core.operations import BoosterOperation
from booster_lsp.lsp.actions.edits import changed_document
from booster_lsp.lsp.code_actions import ActionRequest, kind_matches
from booster_lsp.lsp.convert import lsp_range
from booster_lsp.lsp.diagnostics import LintResult
from booster_lsp.lsp.document_store import DocumentSnapshot

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)

FIX_ALL = "source.fixAll.booster"
ORGANIZE_IMPORTS = "source.organizeImports.booster"
QUICKFIX = types.CodeActionKind.QuickFix.value
_NOQA = re.compile(r"#\s*noqa:\s*[\w, ]+", re.IGNORECASE)
_IGNORE = re.compile(r"//\s*booster-ignore:\s*[\w, ]+")


class LintActions:
    name = "lint"
    kinds = (QUICKFIX, FIX_ALL, ORGANIZE_IMPORTS)

    async def actions(self, ls: BoosterLanguageServer, request: ActionRequest) -> list[types.CodeAction]:
        organize = []
        if request.snapshot.language == "python" and request.wants(ORGANIZE_IMPORTS):
            # offered always, computed in resolve: an editor asks for it by kind on save
            title = "Organize imports (booster)"
            organize.append(types.CodeAction(title=title, kind=ORGANIZE_IMPORTS,
                                             data=request.data(self.name, title=title, rule="I001", fix="safe")))
            if request.only and not any(kind_matches(kind, request.only) for kind in (QUICKFIX, FIX_ALL)):
                return organize  # asked for by kind alone: no need for the revision's lint results
        ours = any(d.source == "booster" and d.code is not None for d in request.params.context.diagnostics)
        if (ours and request.wants(QUICKFIX)) or request.only:
            results = await lint_results(ls, request.snapshot)
        else:  # a cursor move or keystroke (see above)
            results = ls.lint.latest_results(request.snapshot.uri)
        if not results:
            return organize
        fixes: list[types.CodeAction] = []
        rule_fixes: dict[str, types.CodeAction] = {}
        suppressions: list[types.CodeAction] = []
        if request.wants(QUICKFIX):
            for diagnostic in request.params.context.diagnostics:
                if diagnostic.source != "booster" or diagnostic.code is None:
                    continue
                for result in results:
                    finding = result.finding
                    if finding.code != diagnostic.code or lsp_range(request.codec, finding.start, finding.end) != diagnostic.range:
                        continue
                    if result.fix:
                        fixes.append(self._quick_fix(ls, request.snapshot, result, diagnostic))
                        if finding.code not in rule_fixes and (rule_fix := self._rule_fix(request, results, finding.code)):
                            rule_fixes[finding.code] = rule_fix
                    suppressions.append(self._suppression(ls, request.snapshot, result, diagnostic))
        actions = fixes + list(rule_fixes.values()) + suppressions
        if request.wants(FIX_ALL) and self._fix_all_applies(request.snapshot, results):
            title = "Fix all auto-fixable problems (booster)"
            actions.append(types.CodeAction(title=title, kind=FIX_ALL, data=request.data(self.name, title=title)))
        return actions + organize

    async def resolve(self, ls: BoosterLanguageServer, snapshot: DocumentSnapshot,
                      action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        rule = data.get("rule")
        if isinstance(rule, str):  # one rule's problems: its fixes only, of the applicability listed
            fixing = {"fix": "unsafe" if data.get("fix") == "unsafe" else "safe", "lint": {"select": [rule]}}
        else:  # the safe fixes, and the unsafe ones where the project's `unsafe-fixes = true` says so
            fixing = {"fix": project_fix_mode(snapshot.file_path, snapshot.language)}
        work = functools.partial(ls.booster.transform_sync, snapshot.text, BoosterOperation.LINT, snapshot.language,
                                 path=snapshot.path, _llm=False, **fixing)
        result = await ls.run_in_worker(work)
        if not result.success:
            ls.show_message(f"{action.title}: {result.error}", types.MessageType.Warning)
            return action
        action.edit = changed_document(ls, snapshot, result.transformed_code, action.title)
        return action

    # ------------------------------------------------------------------ listing
    @staticmethod
    def _fix_all_applies(snapshot: DocumentSnapshot, results: list[LintResult]) -> bool:
        unsafe_too = project_fix_mode(snapshot.file_path, snapshot.language) == UNSAFE
        return any(result.fix and (unsafe_too or result.fix.get("applicability") == SAFE) for result in results)

    def _rule_fix(self, request: ActionRequest, results: list[LintResult], code: str) -> types.CodeAction | None:
        """"Fix all <code> problems" where the file has more than one fixable problem of the rule."""
        fixable = [result for result in results if result.finding.code == code and result.fix]
        if len(fixable) < 2:
            return None
        unsafe = any((result.fix or {}).get("applicability") != "safe" for result in fixable)
        title = f"Fix all {code} problems in this file ({len(fixable)})" + (" (unsafe)" if unsafe else "")
        return types.CodeAction(title=title, kind=QUICKFIX,
                                data=request.data(self.name, title=title, rule=code, fix="unsafe" if unsafe else "safe"))

    def _quick_fix(self, ls: BoosterLanguageServer, snapshot: DocumentSnapshot, result: LintResult,
                   diagnostic: types.Diagnostic) -> types.CodeAction:
        fix = result.fix or {}
        data = snapshot.text.encode("utf-8")
        out, position = [], 0
        for edit in sorted(fix.get("edits", []), key=lambda e: (e["start"], e["end"])):
            out += [data[position:edit["start"]], edit["content"].encode("utf-8")]
            position = edit["end"]
        out.append(data[position:])
        title = fix.get("message") or f"Fix {result.finding.code}: {result.finding.message}"
        if fix.get("applicability") != "safe":
            title += " (unsafe)"
        return types.CodeAction(
            title=title, kind=QUICKFIX, diagnostics=[diagnostic], is_preferred=fix.get("applicability") == "safe",
            edit=changed_document(ls, snapshot, b"".join(out).decode("utf-8"), title),
        )

    def _suppression(self, ls: BoosterLanguageServer, snapshot: DocumentSnapshot, result: LintResult,
                     diagnostic: types.Diagnostic) -> types.CodeAction:
        code = result.finding.code or ""
        index = snapshot.index
        line_start, line_end = index.line_span(index.line_of(result.finding.start))
        line = snapshot.text[line_start:line_end]
        if snapshot.language == "python":
            existing, directive = _NOQA.search(line), f"# noqa: {code}"
        else:
            from booster_lsp.core.syntax_lint import suppression_comment

            existing, directive = _IGNORE.search(line), suppression_comment(snapshot.language or "", code)
        if existing is not None:
            end = line_start + existing.end()
            new_text = snapshot.text[:end].rstrip() + f", {code}" + snapshot.text[end:]
            where = f"`{existing.group().strip()}, {code}`"
        else:
            content_end = line_start + len(line.rstrip())
            new_text = snapshot.text[:content_end] + f"  {directive}" + snapshot.text[content_end:]
            where = f"`{directive}`"
        title = f"Suppress {code} on this line ({where})"
        return types.CodeAction(title=title, kind=QUICKFIX, diagnostics=[diagnostic],
                                edit=changed_document(ls, snapshot, new_text, title))


async def lint_results(ls: BoosterLanguageServer, snapshot: DocumentSnapshot) -> list[LintResult]:
    """The lint results of the snapshot's revision: cached by the diagnostics, else collected
    now (with the other diagnostics, which are then cached for pulls too)."""
    results = ls.lint.results(snapshot)
    if results is None:
        await ls.diagnostics.pull(snapshot)
        results = ls.lint.results(snapshot)
    return results or []

