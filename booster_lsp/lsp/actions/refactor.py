"""Refactoring code actions: ``refactor.extract.function``, ``refactor.extract.constant``,
``refactor.inline`` and ``refactor.rewrite`` (simplify), for Python, JS/TS, Go and Rust.

Listing looks only at the open document's syntax tree around the cursor / selection (the
diagnostics' incremental tree, one small query) and at the scope model when it is already
cached for this text:

- extract function: a non-blank selection;
- extract constant: the cursor / selection on a number or string literal;
- inline: the cursor on an identifier (and, if the scope model is cached, a variable bound once);
- simplify: a selection, or the cursor inside an ``if``, with a condition, comparison,
  negation or conditional expression in it.

The transformation itself (EXTRACT_FUNCTION / REFACTOR_SIMPLE) runs in ``codeAction/resolve``
in the worker pool; a refusal comes back as the action without an edit plus a
``window/showMessage`` with the reason.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from booster_lsp.core.operations import BoosterOperation
from booster_lsp.core.refactor.handlers import LANGUAGES
from booster_lsp.errors import BoosterError
from booster_lsp.lsp.actions.edits import changed_document
from booster_lsp.lsp.code_actions import ActionRequest
from booster_lsp.lsp.document_store import DocumentSnapshot

if TYPE_CHECKING:
    from booster_lsp.lsp.server import BoosterLanguageServer

log = logging.getLogger(__name__)

EXTRACT_FUNCTION = "refactor.extract.function"
EXTRACT_CONSTANT = "refactor.extract.constant"
INLINE = "refactor.inline"
REWRITE = "refactor.rewrite"

LITERALS = {
    "python": frozenset({"integer", "float", "string"}),
    "js": frozenset({"number", "string"}),
    "go": frozenset({"int_literal", "float_literal", "interpreted_string_literal", "raw_string_literal"}),
    "rust": frozenset({"integer_literal", "float_literal", "string_literal", "raw_string_literal"}),
}
IDENTIFIERS = frozenset({"identifier", "shorthand_property_identifier"})
IFS = frozenset({"if_statement", "if_expression"})
SIMPLIFIABLE = {
    "python": frozenset({"if_statement", "comparison_operator", "not_operator", "conditional_expression"}),
    "js": frozenset({"if_statement", "binary_expression", "unary_expression", "ternary_expression"}),
    "go": frozenset({"if_statement", "binary_expression", "unary_expression"}),
    "rust": frozenset({"if_expression", "binary_expression", "unary_expression"}),
}
#: action key -> (kind, title, operation)
ACTIONS: dict[str, tuple[str, str, BoosterOperation]] = {
    "extractFunction": (EXTRACT_FUNCTION, "Extract function", BoosterOperation.EXTRACT_FUNCTION),
    "extractConstant": (EXTRACT_CONSTANT, "Extract constant", BoosterOperation.REFACTOR_SIMPLE),
    "inline": (INLINE, "Inline variable `{name}`", BoosterOperation.REFACTOR_SIMPLE),
    "simplify": (REWRITE, "Simplify", BoosterOperation.REFACTOR_SIMPLE),
}
#: name of the extracted function, or its first free variant (extracted_2, ...)
FUNCTION_NAME = "extracted"


def _family(language: str) -> str:
    return "js" if language in ("javascript", "javascriptreact", "typescript", "typescriptreact") else language


class RefactorActions:
    name = "refactor"
    kinds = (EXTRACT_FUNCTION, EXTRACT_CONSTANT, INLINE, REWRITE)

    async def actions(self, ls: BoosterLanguageServer, request: ActionRequest) -> list[types.CodeAction]:
        snapshot = request.snapshot
        if snapshot.language not in LANGUAGES or not any(request.wants(kind) for kind in self.kinds):
            return []
        found = await ls.run_in_worker(self._applicable, ls, snapshot, request.start, request.end)
        actions = []
        for key, args in found:
            kind, title, _ = ACTIONS[key]
            if not request.wants(kind):
                continue
            title = title.format(**args)
            actions.append(types.CodeAction(title=title, kind=kind,
                                            data=request.data(self.name, action=key, title=title, args=args)))
        return actions

    async def resolve(self, ls: BoosterLanguageServer, snapshot: DocumentSnapshot,
                      action: types.CodeAction) -> types.CodeAction:
        data = action.data
        key = data.get("action")
        if key not in ACTIONS:
            return action
        args: dict[str, Any] = {k: v for k, v in (data.get("args") or {}).items() if k != "name"}
        operation = ACTIONS[key][2]
        work = functools.partial(ls.booster.transform_sync, snapshot.text, operation, snapshot.language,
                                 path=snapshot.path, _llm=False, **args)
        result = await ls.run_in_worker(work)
        if not result.success:
            ls.show_message(f"{action.title}: {result.error}", types.MessageType.Warning)
            return action
        if result.transformed_code == snapshot.text:
            ls.show_message(f"{action.title}: nothing to change here", types.MessageType.Info)
            return action
        action.edit = changed_document(ls, snapshot, result.transformed_code, action.title)
        return action

    # ------------------------------------------------------------------ listing (worker thread)
    def _applicable(self, ls: BoosterLanguageServer, snapshot: DocumentSnapshot, start: int,
                    end: int) -> list[tuple[str, dict[str, Any]]]:
        index, text, language = snapshot.index, snapshot.text, snapshot.language or ""
        family = _family(language)
        start_byte, end_byte = index.byte_offset(start), index.byte_offset(end)
        nodes = ls.syntax_source.nodes(snapshot, start_byte, end_byte)
        if not nodes:
            return []
        found: list[tuple[str, dict[str, Any]]] = []
        selected = text[start:end].strip()
        first_line, last_line = index.selected_lines(start, end)
        if selected:
            from booster_lsp.core.refactor.extract import free_function_name  # not at start-up

            found.append(("extractFunction", {"start_line": first_line + 1, "end_line": last_line + 1,
                                              "function_name": free_function_name(text, FUNCTION_NAME)}))
        literal = next((n for n in reversed(nodes) if n.kind in LITERALS.get(family, ())
                        and n.start_byte <= start_byte and end_byte <= n.end_byte), None)
        if literal is not None:
            found.append(("extractConstant", {"refactor_type": "extract_constant",
                                               **self._position(snapshot, literal.start_byte)}))
        identifier = next((n for n in reversed(nodes) if n.kind in IDENTIFIERS
                           and n.start_byte <= start_byte and end_byte <= n.end_byte), None)
        if identifier is not None and not (selected and len(selected) > identifier.end_byte - identifier.start_byte):
            name = text[index.offset_of_byte(identifier.start_byte):index.offset_of_byte(identifier.end_byte)]
            if self._assigned_once(ls, snapshot, identifier.start_byte):
                found.append(("inline", {"refactor_type": "inline", **self._position(snapshot, identifier.start_byte),
                                        "name": name}))
        candidates = SIMPLIFIABLE.get(family, frozenset())
        line_start_byte = index.byte_offset(index.line_starts[first_line])
        if selected and any(n.kind in candidates and line_start_byte <= n.start_byte < end_byte for n in nodes):
            found.append(("simplify", {"refactor_type": "simplify", "start_line": first_line + 1,
                                       "end_line": last_line + 1}))
        elif not selected:
            statement = next((n for n in reversed(nodes) if n.kind in IFS), None)
            if statement is not None:
                found.append(("simplify", {"refactor_type": "simplify",
                                           "start_line": index.line_of(index.offset_of_byte(statement.start_byte)) + 1,
                                           "end_line": index.line_of(index.offset_of_byte(statement.end_byte)) + 1}))
        return found

    @staticmethod
    def _position(snapshot: DocumentSnapshot, byte: int) -> dict[str, Any]:
        """1-based line and column (code points), the core's convention."""
        index = snapshot.index
        offset = index.offset_of_byte(byte)
        line = index.line_of(offset)
        return {"line": line + 1, "column": offset - index.line_starts[line] + 1}

    @staticmethod
    def _assigned_once(ls: BoosterLanguageServer, snapshot: DocumentSnapshot, byte: int) -> bool:
        """Is the name at `byte` a variable bound once (what inline needs)? Decided by the model
        of the function around it (the document's tree is current: a query over that
        function); a module-level name is decided only when the whole text's model is built
        already, else offered (resolve then explains a refusal)."""
        from booster_lsp.core.refactor.scopes import cached_scope_model, local_model

        language, data = snapshot.language or "", snapshot.text.encode("utf-8")
        try:
            model = cached_scope_model(language, data) or local_model(ls.booster.syntax, language, data, byte, call_sites=False)
        except BoosterError:
            return False  # syntax errors: nothing to inline
        if model is None:
            return True
        occurrence = model.occurrence_at(byte)
        binding = occurrence.binding if occurrence is not None else None
        if binding is None or not binding.defined or binding.kind not in ("variable",):
            return False
        return sum(1 for o in binding.occurrences if o.is_binding) == 1

