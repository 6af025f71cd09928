"""A local HTTP server speaking the Anthropic Messages API (POST /v1/messages), for tests.

Replies are scripted: each request takes the next :class:`Reply` (status, body, headers,
delay); requests are recorded (headers and JSON body) so tests can assert what was sent,
or that nothing was. It binds 127.0.0.1 on a free port; nothing talks to the internet.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str | None = None  # assistant text (a 200 Messages API answer)
    status: int = 200
    body: dict[str, Any] | None = None  # raw JSON body, overrides `text`
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    tokens_in: int = 11
    tokens_out: int = 22


def answer(code: str, prose: str = "Here it is.") -> Reply:
    return Reply(text=f"{prose}\n<booster-code>\n{code}\n</booster-code>")


def error(status: int, kind: str, message: str, **headers: str) -> Reply:
    return Reply(status=status, body={"type": "error", "error": {"type": kind, "message": message}}, headers=headers)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        content = self.body["messages"][0]["content"]
        return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


class FakeAnthropic:
    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.requests: list[Received] = []
        self.received = threading.Event()  # set on each request (tests clear it)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                body = json.loads(raw or b"{}")
                with fake._lock:
                    fake.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    reply = fake.script.pop(0) if fake.script else error(500, "api_error", "no scripted reply left")
                fake.received.set()
                if self.path.split("?")[0] != "/v1/messages":
                    reply = error(404, "not_found_error", f"no route {self.path}")
                if reply.delay_s and fake._stop.wait(reply.delay_s):
                    return
                payload = reply.body if reply.body is not None else {
                    "id": f"msg_fake_{len(fake.requests)}", "type": "message", "role": "assistant",
                    "model": body.get("model", "fake-model"),
                    "content": [{"type": "text", "text": reply.text or ""}],
                    "stop_reason": "end_turn", "stop_sequence": None,
                    "usage": {"input_tokens": reply.tokens_in, "output_tokens": reply.tokens_out},
                }
                data = json.dumps(payload).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (cancel/timeout)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-anthropic", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeAnthropic":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def reset(self, *replies: Reply) -> None:
        with self._lock:
            self.script = list(replies)
            self.requests.clear()
        self.received.clear()

    def wait_for_request(self, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.requests:
                return True
            time.sleep(0.01)
        return False


def main() -> None:  # pragma: no cover - manual use: python -m tests.llm.anthropic_fake
    fake = FakeAnthropic().start()
    print(fake.url, flush=True)
    try:
        fake.thread.join()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
