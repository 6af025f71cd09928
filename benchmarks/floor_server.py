"""The floor of benchmark_lsp.py: a stdio JSON-RPC server in plain Python, one thread, that
answers every request at once with a canned result (formatting: one edit). What it takes is
what any Python language server takes on this machine before doing any work: pipe I/O,
wake-ups after an idle pause, JSON, interpreter start-up."""

import json
import os
import sys

CANNED_EDITS = json.dumps([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}, "newText": "x = 1\n"}])


def main() -> int:
    buffer = b""
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
        message = json.loads(body)
        method = message.get("method")
        if "id" in message and method:
            result = {"textDocument/formatting": CANNED_EDITS, "initialize": '{"capabilities": {}}'}.get(method, "null")
            response = b'{"jsonrpc": "2.0", "id": %s, "result": %s}' % (json.dumps(message["id"]).encode(), result.encode())
            os.write(1, b"Content-Length: %d\r\n\r\n%s" % (len(response), response))
        if method == "exit":
            return 0


if __name__ == "__main__":
    sys.exit(main())
