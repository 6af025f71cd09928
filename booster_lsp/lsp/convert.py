"""Core and text types <-> lsprotocol types. Positions always go through text/positions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from booster_lsp.lsp.capabilities import DIAGNOSTIC_SOURCE
from booster_lsp.text.edits import TextEdit
from booster_lsp.text.positions import PositionCodec, Range

if TYPE_CHECKING:
    from booster_lsp.lsp.diagnostics import Finding

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def lsp_range(codec: PositionCodec, start: int, end: int) -> types.Range:
    (start_line, start_char), (end_line, end_char) = codec.range(start, end)
    return types.Range(types.Position(start_line, start_char), types.Position(end_line, end_char))


def text_range(range_: types.Range) -> Range:
    return (range_.start.line, range_.start.character), (range_.end.line, range_.end.character)


def lsp_text_edits(codec: PositionCodec, edits: list[TextEdit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=lsp_range(codec, edit.start, edit.end), new_text=edit.new_text) for edit in edits]


TAGS = {"unnecessary": types.DiagnosticTag.Unnecessary, "deprecated": types.DiagnosticTag.Deprecated}


def lsp_diagnostic(codec: PositionCodec, finding: Finding) -> types.Diagnostic:
    return types.Diagnostic(
        range=lsp_range(codec, finding.start, finding.end),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        source=DIAGNOSTIC_SOURCE,
        code=finding.code,
        code_description=types.CodeDescription(href=finding.url) if finding.url else None,
        tags=[TAGS[tag] for tag in finding.tags if tag in TAGS] or None,
    )


def content_changes(changes: list[types.TextDocumentContentChangeEvent]) -> list[tuple[Range | None, str]]:
    result: list[tuple[Range | None, str]] = []
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            result.append((text_range(change.range), change.text))
        else:
            result.append((None, change.text))
    return result


def json_content_changes(changes: list[dict[str, Any]]) -> list[tuple[Range | None, str]]:
    """``content_changes`` of the message's JSON itself (the stdin reader thread's lane for
    didChange: no lsprotocol objects). Raises KeyError / TypeError / ValueError for a
    malformed change, before anything is applied."""
    result: list[tuple[Range | None, str]] = []
    for change in changes:
        text = change["text"]
        if not isinstance(text, str):
            raise TypeError("text is not a string")
        range_ = change.get("range")
        if range_ is None:
            result.append((None, text))
            continue
        start, end = range_["start"], range_["end"]
        positions = (start["line"], start["character"], end["line"], end["character"])
        if not all(type(value) is int for value in positions):
            raise TypeError("positions are not integers")
        result.append((((positions[0], positions[1]), (positions[2], positions[3])), text))
    return result


def workspace_edit(
    changes: list[tuple[str, int | None, list[types.TextEdit]]], document_changes: bool
) -> types.WorkspaceEdit:
    """(uri, version, edits) per document -> a WorkspaceEdit: versioned ``documentChanges``
    when the client supports them, else ``changes``."""
    if document_changes:
        return types.WorkspaceEdit(document_changes=[
            types.TextDocumentEdit(text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                                   edits=list(edits))
            for uri, version, edits in changes
        ])
    return types.WorkspaceEdit(changes={uri: list(edits) for uri, _version, edits in changes})
