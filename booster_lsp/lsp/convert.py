"""Core and text types <-> lsprotocol types. Positions always go through text/positions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from lsprotocol import types

from booster_lsp.lsp.capabilities import DIAGNOSTIC_SOURCE
from booster_lsp.text.edits import TextEdit, keep_line_endings, minimal_edits
from booster_lsp.text.positions import PositionCodec, PositionEncoding, Range

if TYPE_CHECKING:
    from booster_lsp.lsp.diagnostics import Finding
    from booster_lsp.lsp.document_store import DocumentSnapshot

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


def document_edits(snapshot: DocumentSnapshot, new_text: str, encoding: PositionEncoding) -> list[types.TextEdit]:
    """LSP edits turning the snapshot's text into ``new_text`` (a refactoring's or a fix's
    result): minimal, narrowed to the changed words, the document's line endings kept."""
    new_text = keep_line_endings(snapshot.text, new_text)
    return lsp_text_edits(snapshot.codec(encoding), minimal_edits(snapshot.text, new_text, fine=True))


def text_edits_of(result_json: str) -> list[types.TextEdit]:
    """A formatting's edits (``FormatOutcome.result_json``) as lsprotocol objects."""
    return [
        types.TextEdit(
            range=types.Range(types.Position(**edit["range"]["start"]), types.Position(**edit["range"]["end"])),
            new_text=edit["newText"],
        )
        for edit in json.loads(result_json)
    ]


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
