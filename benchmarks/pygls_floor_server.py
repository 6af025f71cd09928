"""A second floor of benchmark_lsp.py: the smallest language server on pygls 2 and lsprotocol
(the stack booster-lsp is built on), as their documentation writes one. It keeps documents
in sync (incremental) and answers formatting at once with one canned edit, no work. What it
takes is what pygls itself takes on this machine: its start-up (importing pygls, lsprotocol's
~570 attrs classes, cattrs) and, per request, parsing, structuring the parameters into
lsprotocol objects, dispatching, unstructuring the result."""

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("pygls-floor", "v1", text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
CANNED_EDIT = types.TextEdit(types.Range(types.Position(0, 0), types.Position(1, 0)), "x = 1\n")


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: LanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
    ls.workspace.get_text_document(params.text_document.uri)  # the document the request is about
    return [CANNED_EDIT]


if __name__ == "__main__":
    server.start_io()
