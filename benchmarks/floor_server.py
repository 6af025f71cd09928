"""The floor of benchmark_lsp.py: a stdio JSON-RPC server in plain Python, one thread, that
answers every request at once with a canned result (formatting: one edit). What it takes is
what any Python language server takes on this machine: pipe I/O, wake-ups after an idle
pause, JSON, interpreter start-up.

With ``--format`` it is the floor of a formatting round trip on a cache miss: it keeps the
documents' full texts (didOpen, full-text didChange) and formats with booster's core as the
language server configures it (lsp/startup.py), in its one thread, once it has checked that the
project's configuration does not exclude the file (as ruff server and booster-lsp do; the
configuration found is kept for the request, as booster-lsp keeps it), answering as ruff server
does: one edit replacing the lines between the equal leading and trailing lines (the file
ends with a line break). Nothing else: no thread hand-offs, no line diff, no settings, no
document store. A round trip of booster-lsp less one of this server, on the same
revision at the same moment, is what booster-lsp adds to running the module; the machine's
part (waking both processes while the module runs) is in both and cancels out.

With ``--format --minimal-edits`` it answers with booster's own minimal edits instead (the
line diff and its JSON, text/edits.py and format_engine.json_formatting_edits, in the same one
thread): booster-lsp's round trip less this one is what the server adds besides computing its
edits (thread hand-offs, settings, the document store), and this one less the plain module floor is
the price of minimal edits over one replacement (ruff server's form).

A client that sets ``$/setTrace`` gets a ``$/logTrace`` after each formatting response, as
booster-lsp sends it: the request's time in the server and the part of it in the core, so that
the benchmark can compare the servers' own time with the module's time taken out of each
request (a process's module runs at a speed of its own); and, for the benchmark alone, when
the request was read (``time.perf_counter``: CLOCK_MONOTONIC, the same clock in every
process), so that it can tell how long waking the server took after an idle pause."""

import json
import os
import sys
import time

CANNED_EDITS = json.dumps([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}, "newText": "x = 1\n"}])


def formatter(minimal_edits: bool = False):
    """``format(uri) -> edits JSON`` over the documents that ``keep(message)`` keeps."""
    from booster_lsp import BoosterConfig, WASMBooster
    from booster_lsp.core.project_files import lookups_once
    from booster_lsp.files import excluded_by_project
    from booster_lsp.lsp.document_store import DocumentSnapshot, uri_path
    from booster_lsp.lsp.format_engine import json_formatting_edits
    from booster_lsp.lsp.startup import configure_for_server
    from booster_lsp.text.edits import _changed_lines
    from booster_lsp.text.positions import PositionEncoding

    booster = configure_for_server(WASMBooster(BoosterConfig(), stats_path=None))
    documents: dict[str, str] = {}

    def keep(message: dict) -> None:
        params = message.get("params") or {}
        if message.get("method") == "textDocument/didOpen":
            documents[params["textDocument"]["uri"]] = params["textDocument"]["text"]
        elif message.get("method") == "textDocument/didChange":
            documents[params["textDocument"]["uri"]] = params["contentChanges"][-1]["text"]

    def format_document(uri: str) -> tuple[str, float]:
        """The edits' JSON, and the time spent in the core (as booster-lsp reports it)."""
        text = documents[uri]
        path = uri_path(uri)
        with lookups_once():  # as booster-lsp and ruff server do: the project's exclusions first
            if excluded_by_project(path, "format"):
                return "[]", 0.0
            result = booster.transform_sync(text, "format", "python", path=path)
        if not result.success or result.transformed_code == text:
            return "[]", result.execution_time_ms
        formatted = result.transformed_code
        if minimal_edits:
            snapshot = DocumentSnapshot(uri, "python", None, text)
            return json_formatting_edits(snapshot, PositionEncoding.UTF16, formatted), result.execution_time_ms
        # ruff server's form: one edit replacing the lines between the equal leading and
        # trailing lines (its Replacement::between), measured as booster measures them
        line, _, old_lines, new_lines = _changed_lines(text, formatted)
        start, end = {"line": line, "character": 0}, {"line": line + len(old_lines), "character": 0}
        return json.dumps([{"range": {"start": start, "end": end}, "newText": "".join(new_lines)}]), result.execution_time_ms

    return keep, format_document


def main() -> int:
    keep, format_document = (
        formatter(minimal_edits="--minimal-edits" in sys.argv[1:]) if "--format" in sys.argv[1:] else (None, None)
    )
    buffer = b""
    tracing = False  # $/setTrace: formatting requests are traced as booster-lsp traces them
    while True:
        while b"\r\n\r\n" not in buffer:
            chunk = os.read(0, 65536)
            if not chunk:
                return 0
            buffer += chunk
        header, buffer = buffer.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":")[1]) for line in header.split(b"\r\n") if line.lower().startswith(b"content-length"))
        while len(buffer) < length:
            buffer += os.read(0, 65536)
        body, buffer = buffer[:length], buffer[length:]
        started = time.perf_counter()
        message = json.loads(body)
        method = message.get("method")
        if keep is not None:
            keep(message)
        if method == "$/setTrace":
            tracing = (message.get("params") or {}).get("value") in ("messages", "verbose")
        if "id" in message and method:
            core_ms = None
            if method == "textDocument/formatting" and format_document is not None:
                result, core_ms = format_document(message["params"]["textDocument"]["uri"])
            elif method == "textDocument/formatting":
                result, core_ms = CANNED_EDITS, 0.0
            else:
                result = {"textDocument/formatting": CANNED_EDITS, "initialize": '{"capabilities": {}}'}.get(method, "null")
            response = b'{"jsonrpc": "2.0", "id": %s, "result": %s}' % (json.dumps(message["id"]).encode(), result.encode())
            os.write(1, b"Content-Length: %d\r\n\r\n%s" % (len(response), response))
            if tracing and core_ms is not None:  # as booster-lsp traces it (handlers/formatting.py)
                elapsed_ms = (time.perf_counter() - started) * 1000
                trace = json.dumps({"jsonrpc": "2.0", "method": "$/logTrace", "params": {"message": (
                    f"textDocument/formatting: {elapsed_ms:.3f} ms in the server, {core_ms:.3f} ms of it in the core; "
                    f"read at {started:.7f} s")}})
                os.write(1, b"Content-Length: %d\r\n\r\n%s" % (len(trace), trace.encode()))
        if method == "exit":
            return 0


if __name__ == "__main__":
    sys.exit(main())
