"""Client capabilities resolved once at initialize, and the options the server advertises."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from booster_lsp.text.positions import PositionEncoding, negotiate_encoding

DIAGNOSTIC_SOURCE = "booster"


@dataclass(frozen=True)
class ClientFeatures:
    position_encoding: PositionEncoding = PositionEncoding.UTF16
    pull_diagnostics: bool = False  # textDocument/diagnostic: then nothing is pushed
    diagnostic_refresh: bool = False  # the server may ask a pulling client to pull again
    workspace_configuration: bool = False  # the server may ask for `booster` settings
    apply_edit: bool = False
    show_message: bool = True
    document_changes: bool = False  # WorkspaceEdit.documentChanges (versioned edits)
    resolve_edit: bool = False  # codeAction/resolve may fill in `edit`
    hover_markdown: bool = False  # hover contents may be Markdown
    watch_files: bool = False  # the server may register file watchers (workspace/didChangeWatchedFiles)

    @classmethod
    def resolve(cls, capabilities: types.ClientCapabilities | None) -> "ClientFeatures":
        if capabilities is None:
            return cls()
        general = capabilities.general
        workspace = capabilities.workspace
        text_document = capabilities.text_document
        return cls(
            position_encoding=negotiate_encoding(general.position_encodings if general else None),
            pull_diagnostics=bool(text_document and text_document.diagnostic),
            diagnostic_refresh=bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support),
            workspace_configuration=bool(workspace and workspace.configuration),
            apply_edit=bool(workspace and workspace.apply_edit),
            document_changes=bool(workspace and workspace.workspace_edit and workspace.workspace_edit.document_changes),
            resolve_edit=_resolves_edit(text_document),
            watch_files=bool(workspace and workspace.did_change_watched_files
                             and workspace.did_change_watched_files.dynamic_registration),
            hover_markdown=bool(text_document and text_document.hover and text_document.hover.content_format
                                and types.MarkupKind.Markdown in text_document.hover.content_format),
        )


def _resolves_edit(text_document: types.TextDocumentClientCapabilities | None) -> bool:
    code_action = text_document.code_action if text_document else None
    support = code_action.resolve_support if code_action else None
    return bool(support and "edit" in support.properties)


FORMATTING_OPTIONS = types.DocumentFormattingOptions()
RANGE_FORMATTING_OPTIONS = types.DocumentRangeFormattingOptions(ranges_support=True)  # rangesFormatting too
RENAME_OPTIONS = types.RenameOptions(prepare_provider=True)
HOVER_OPTIONS = types.HoverOptions()
DIAGNOSTIC_OPTIONS = types.DiagnosticOptions(
    identifier=DIAGNOSTIC_SOURCE, inter_file_dependencies=False, workspace_diagnostics=False
)
