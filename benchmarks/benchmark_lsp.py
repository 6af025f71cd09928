"""LSP round-trip formatting latency: booster-lsp against Ruff's native `ruff server`.

Both servers are spawned and driven by the same minimal JSON-RPC client over stdio, on the
same ~300-line Python file, in the same run:

- cache miss: the document changes (a new first line), then textDocument/formatting is
  sent at once; the time is request -> response;
- format-on-save after an idle pause: the document changes, the client stays idle for
  ``--idle`` seconds (longer than booster's speculative_idle_ms), then requests formatting;
- cold start: spawn -> initialize -> didOpen -> first formatting response. booster-lsp's
  plain start answers these in its prelude (lsp/prelude.py) with the initialize result an
  earlier start with this client kept (the warm runs above keep it); measured interleaved
  with ``--no-prelude`` starts (everything waits for pygls' import). Also with
  ``--fork-server`` once its fork server is running (lsp/fork_server.py): the session is
  then a fork of a process that has imported the server.

All servers are driven interleaved: each revision goes to each of them in turn, so that they
see the same moments of a VM whose speed drifts within minutes. booster-lsp is first sent a
request its prelude leaves to the server (``booster.stats``), so that the measured requests
are answered by the server, as in an editing session, not by the prelude that answers a
start's first burst.

A third server, "floor" (floor_server.py), answers every request at once with a canned
result: the floor of each row for any Python server on this machine. "module floor"
(floor_server.py --format) is a one-thread Python server that only runs the same module (the
core as the server configures it, after the project's exclusions are checked, as every server
does) and answers as ruff server does, with one edit replacing the changed lines (equal leading
and trailing lines trimmed). "edits floor" (floor_server.py --format --minimal-edits) is that
server answering with booster's minimal edits (its line diff and their JSON). "pygls floor"
(pygls_floor_server.py) is the smallest pygls 2 server, answering with a canned edit: the
floor of each row for any server on booster-lsp's stack (pygls, lsprotocol, cattrs). For
cold start there is also the floor of booster's core: a process that imports it, loads Ruff's
module and formats the file once, with no LSP at all.

Our own time on a cache miss: booster-lsp and the two module floors trace each formatting
request when asked (``$/setTrace``; ``$/logTrace``: its time in the server and the part of it
in the core). Each round trip less that request's time in the core is a server's own time plus
the machine's (pipes, wake-ups); booster-lsp's less the module floor's, on the same revision, is
our own time, with the machine's part cancelled out, and with it each process's module speed
(two processes of one build run the module up to ~0.3 ms apart here, which compared round
trips alone keep). It splits into the price of minimal edits over one replacement (edits
floor less module floor) and the rest (booster-lsp less edits floor: thread hand-offs, the
didChange before the request, settings, the document store). A round trip is timed from the
request written (serialized before the clock starts) to the response read (parsed after it
stops): a client's JSON is not the server's time.

Also prints the in-process module time (WASMBooster, cache off), measured right after each
revision's round trips. The document's path is in this checkout, so its pyproject.toml's Ruff
configuration (line-length 120) applies to every server and to the in-process module alike
(before booster read it, ruff server formatted to 120 columns and booster to 88).

Usage: python benchmarks/benchmark_lsp.py [--runs 50] [--idle-runs 20] [--cold-runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__import__("shlex").__file__)  # the stdlib's shlex.py: 350 lines of real code
#: A formatting request's $/logTrace, from booster-lsp (handlers/formatting.py) and the floors
TRACE = re.compile(
    r": (?P<server>\d+\.\d+) ms in the server, (?P<core>\d+\.\d+) ms of it in the core(?:; read at (?P<read_at>[\d.]+) s)?"
)
#: The servers that trace their formatting requests when asked ($/setTrace)
TRACED = ("booster-lsp", "module floor", "edits floor")


class Client:
    """JSON-RPC over a subprocess' stdio; answers server->client requests with null. Reads
    what the server sent in the meantime before each request it times (``drain``), as an
    editor reads notifications when they come: left in the pipe, a server's diagnostics
    (pushed after a pause) were read and parsed while the request's answer was awaited, and
    the woken server waited for this client's CPU (after an idle pause booster-lsp then read
    its request ~0.06 ms later than the floor, which pushes nothing; drained, both ~0.05 ms)."""

    def __init__(self, command: list[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, env=env
        )
        self.fd = self.process.stdout.fileno()  # read with os.read: what is buffered is ours (self.buffer)
        self.buffer = bytearray()  # read, not parsed yet
        self.next_id = 0
        self.received_at = self.sent_at = self.request_sent_at = 0.0
        self.woke_after = 0.0  # ms from a request sent to the server having read it (the floor says)
        self.traces: list[str] = []  # $/logTrace messages not read yet

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.sent_at = time.perf_counter()  # CLOCK_MONOTONIC: comparable with a server's clock
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def _read(self) -> None:
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise RuntimeError("server exited")
        self.received_at = time.perf_counter()  # what is in is in; parsing it is the client's work
        self.buffer += chunk

    def _parse(self) -> dict | None:
        """The next whole message in the buffer, parsed, or None."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        length = next(int(line.split(b":")[1]) for line in bytes(self.buffer[:end]).split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        if len(self.buffer) < end + 4 + length:
            return None
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        return json.loads(body)

    def receive(self) -> dict:
        while (message := self._parse()) is None:
            self._read()
        return message

    def drain(self) -> None:
        """Read and handle what the server has sent so far (notifications, its requests)."""
        while select.select([self.fd], [], [], 0)[0]:
            self._read()
        while (message := self._parse()) is not None:
            self._handle(message)

    def _handle(self, message: dict) -> None:
        """A message that is not the answer awaited: a trace is kept, a request answered."""
        if message.get("method") == "$/logTrace":
            self.traces.append(message["params"]["message"])
        if "id" in message and "method" in message:  # a request from the server
            items = (message.get("params") or {}).get("items")
            result = [None] * len(items) if message["method"] == "workspace/configuration" else None
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def request(self, method: str, params: dict | None) -> dict:
        self.next_id += 1
        request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        self.request_sent_at = self.sent_at  # not the answers to the server's requests below
        while True:
            message = self.receive()
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")
            self._handle(message)

    def notify(self, method: str, params: dict | None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def trace(self) -> tuple[float, float]:
        """The next formatting trace (``$/logTrace``, sent after the answer): the request's
        time in the server and the part of it in the core, in ms."""
        while not self.traces:
            self._handle(self.receive())
        match = TRACE.search(self.traces.pop(0))
        assert match, "not a formatting trace"
        if match["read_at"]:  # the floor's: how long the request took to be read after it was sent
            self.woke_after = (float(match["read_at"]) - self.request_sent_at) * 1000
        return float(match["server"]), float(match["core"])

    def initialize(self) -> None:
        capabilities = {
            "general": {"positionEncodings": ["utf-8", "utf-16"]},
            "textDocument": {"formatting": {}, "synchronization": {}},
            "workspace": {"configuration": False},
        }
        self.request("initialize", {"processId": os.getpid(), "rootUri": ROOT.as_uri(), "capabilities": capabilities})
        self.notify("initialized", {})

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.process.kill()


PATH = str(ROOT / "bench_sample.py")  # never written: the document only lives in the servers
URI = Path(PATH).as_uri()
FORMAT = {"textDocument": {"uri": URI}, "options": {"tabSize": 4, "insertSpaces": True}}


def open_document(client: Client, text: str) -> None:
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": text}}
    )


def change(client: Client, version: int, text: str) -> None:
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": text}]},
    )


def timed_format(client: Client) -> tuple[float, int]:
    """Request written -> response read, in ms, and the number of edits. The client's JSON
    is not the server's time: the request is serialized before the clock starts (after an
    idle pause this client's json.dumps of it takes ~0.05-0.1 ms, from cold caches, where an
    editor that has just been told to save is awake), and the response is parsed after it
    stops (a 51-edit answer takes this client ~0.05 ms longer to parse than one edit)."""
    client.drain()
    edits = client.request("textDocument/formatting", FORMAT)
    return (client.received_at - client.request_sent_at) * 1000, len(edits or [])


def variant(text: str, number: int) -> str:
    """A new revision: the whole messy file with a new first line."""
    return f"# revision {number}\n{text}"


def edited(formatted: str, number: int) -> str:
    """A formatted file after a typical edit: an unformatted statement typed into the last
    function's body (the rest of the file is already formatted)."""
    lines = formatted.splitlines(keepends=True)
    body = max(index for index, line in enumerate(lines) if line.startswith("def ")) + 1
    return "".join(lines[:body] + [f"    value_{number}  =  {{'n':{number}}}\n"] + lines[body:])


def warm(
    commands: dict[str, list[str]], text: str, formatted: str, runs: int, idle_runs: int, idle: float, module,
    no_save: tuple[str, ...] = (), sessions: int = 1,
) -> dict[str, dict[str, list[float]]]:
    """Round trips of every server, interleaved: each revision goes to each server in turn
    (the order rotating), then to ``module`` (an in-process WASMBooster, cache off:
    ``module_miss``, ``module_miss_edit``), so that all of them see the same moments of a
    VM whose speed drifts by more than a millisecond between phases. Format-on-save: each
    server in turn (but those in ``no_save``) gets a change, an idle pause, the request.

    ``runs`` and ``idle_runs`` are split between ``sessions``, each with fresh processes of
    every server: a process keeps an offset of its own for its whole life (where it landed in
    memory and on which core), up to ~0.15 ms here between two processes of the same build,
    which one session would put into every difference between two servers."""
    results = {name: {"miss": [], "miss_edit": []} | ({} if name in no_save else {"save": []}) for name in commands}
    results["module"] = {"miss": [], "miss_edit": []}
    for session in range(sessions):
        _session(commands, text, formatted, range(session, runs, sessions), range(session, idle_runs, sessions), idle,
                 module, no_save, results)
    return results


def _session(
    commands: dict[str, list[str]], text: str, formatted: str, numbers: range, idle_numbers: range, idle: float,
    module, no_save: tuple[str, ...], results: dict[str, dict[str, list[float]]],
) -> None:
    clients = {name: Client(command) for name, command in commands.items()}
    versions = dict.fromkeys(clients, 1)
    for name, client in clients.items():
        client.initialize()
        if name in TRACED:
            client.notify("$/setTrace", {"value": "messages"})
        open_document(client, text)
        for _ in range(5):
            timed_format(client)  # warm-up: module loaded, instances created
            if name in TRACED:
                client.trace()
        if "booster_lsp.lsp" in commands[name]:
            # A request its prelude (lsp/prelude.py) leaves to the server: from here on the server
            # answers, as in an editing session (the prelude only answers a start's first burst).
            client.request("workspace/executeCommand", {"command": "booster.stats"})
    names = list(clients)
    for key, make in (("miss", lambda n: variant(text, n)), ("miss_edit", lambda n: edited(formatted, n))):
        for number in numbers:
            revision = make(number)
            for name in names[number % len(names):] + names[: number % len(names)]:
                versions[name] += 1
                change(clients[name], versions[name], revision)
                elapsed, edits = timed_format(clients[name])
                assert edits > 0, name
                results[name][key].append(elapsed)
                if name in TRACED:
                    record_trace(results[name], key, clients[name].trace())
            started = time.perf_counter()
            module.transform_sync(revision, "format", "python", path=PATH)
            results["module"][key].append((time.perf_counter() - started) * 1000)
    if "floor" in clients:  # from here on the floor says when it read each request
        clients["floor"].notify("$/setTrace", {"value": "messages"})
    for number in idle_numbers:
        for name, client in clients.items():
            if name in no_save:
                continue
            versions[name] += 1
            change(client, versions[name], edited(formatted, 10_000 + number))
            time.sleep(idle)
            elapsed, edits = timed_format(client)
            assert edits >= 1, (name, edits)
            results[name]["save"].append(elapsed)
            if name in TRACED:
                record_trace(results[name], "save", client.trace())
            elif name == "floor":
                client.trace()
                results[name].setdefault("save_wake", []).append(client.woke_after)
    for client in clients.values():
        client.close()


def record_trace(results: dict[str, list[float]], key: str, trace: tuple[float, float]) -> None:
    """A request's time in the server (``key_server``) and in the core (``key_core``)."""
    results.setdefault(f"{key}_server", []).append(trace[0])
    results.setdefault(f"{key}_core", []).append(trace[1])


def cold(command: list[str], text: str, runs: int, env: dict[str, str] | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client = Client(command, env)
        client.initialize()
        open_document(client, text)
        client.request("textDocument/formatting", FORMAT)
        times.append((time.perf_counter() - started) * 1000)
        client.close()
    return times


def cold_fork_server(command: list[str], text: str, runs: int) -> list[float]:
    """Cold starts with ``--fork-server``, its fork server started by a first launch (not
    timed) in a runtime dir of this run's own, and stopped afterwards."""
    with tempfile.TemporaryDirectory() as runtime:
        os.chmod(runtime, 0o700)
        env = {**os.environ, "XDG_RUNTIME_DIR": runtime}
        cold(command, text, 1, env)  # serves itself, starts the fork server
        deadline = time.monotonic() + 60
        while not list(Path(runtime).glob("booster-lsp-*/fork-*.sock")) and time.monotonic() < deadline:
            time.sleep(0.1)
        try:
            return cold(command, text, runs, env)
        finally:
            for entry in Path("/proc").iterdir():  # the fork server: its socket is under runtime
                try:
                    if entry.name.isdigit() and runtime.encode() in (entry / "cmdline").read_bytes():
                        os.kill(int(entry.name), signal.SIGTERM)
                except OSError:
                    pass


#: What any language server built on booster's core needs before its first formatting
#: response, without LSP: interpreter start-up, importing the core, loading Ruff's module
#: (compiled already) and one format. Not a server: the floor of booster-lsp's cold start.
CORE_COLD_START = """
import sys
from booster_lsp import BoosterConfig, WASMBooster
booster = WASMBooster(BoosterConfig(), stats_path=None)
booster.verify_by_default = False
result = booster.transform_sync(sys.stdin.read(), "format", "python", path=sys.argv[1])
print(result.success, flush=True)
"""


def cold_core(text: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", CORE_COLD_START, PATH], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, text=True
        )
        process.stdin.write(text)
        process.stdin.close()
        line = process.stdout.readline()
        times.append((time.perf_counter() - started) * 1000)
        assert line.strip() == "True", line
        process.wait(timeout=30)
    return times


def in_process_booster():
    """WASMBooster in this process (cache off), formatting as the server does: verify off, the
    document's path (the checkout's Ruff configuration applies to both)."""
    sys.path.insert(0, str(ROOT))
    from booster_lsp import BoosterConfig, WASMBooster

    booster = WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)
    booster.verify_by_default = False  # as in the language server (verify: null is off there)
    return booster


def beyond_core(results: dict[str, list[float]], key: str) -> list[float]:
    """Each round trip less the request's time in the core, as its server traced it: a
    server's own time plus the machine's (pipes, wake-ups), with the module's speed in that
    process taken out (two processes of one build run the module up to ~0.3 ms apart here)."""
    return [trip - core for trip, core in zip(results[key], results[f"{key}_core"])]


def in_server_own(results: dict[str, list[float]], key: str) -> list[float]:
    """Each request's time in the server less its time in the core, as its server traced it."""
    return [server - core for server, core in zip(results[f"{key}_server"], results[f"{key}_core"])]


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--idle-runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=0.6, help="idle pause before format-on-save, seconds")
    parser.add_argument("--sessions", type=int, default=5,
                        help="fresh processes of every server this many times, the runs split between them")
    args = parser.parse_args()

    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        sys.exit("ruff is not installed (pip install ruff): it is the peer of this benchmark")
    servers = {
        "booster-lsp": [sys.executable, "-m", "booster_lsp.lsp", "--log-level", "warning"],
        "ruff server": [ruff, "server"],
        # not a peer: what any Python server takes here before doing work (floor_server.py)
        "floor": [sys.executable, str(ROOT / "benchmarks" / "floor_server.py")],
        # not a peer: a one-thread Python server that only runs the module and answers with one
        # edit of the changed lines, as ruff server does (floor_server.py --format): the floor of
        # a cache miss
        "module floor": [sys.executable, str(ROOT / "benchmarks" / "floor_server.py"), "--format"],
        # not a peer: the same, answering with booster's minimal edits (the line diff and its
        # JSON in that one thread): the price of minimal edits, and what the server adds besides
        "edits floor": [sys.executable, str(ROOT / "benchmarks" / "floor_server.py"), "--format", "--minimal-edits"],
        # not a peer: the smallest pygls 2 server, no work (pygls_floor_server.py); booster-lsp
        # is built on pygls, so this is the floor of any server on its stack here
        "pygls floor": [sys.executable, str(ROOT / "benchmarks" / "pygls_floor_server.py")],
    }
    text = SAMPLE.read_text()
    print(
        f"file: {SAMPLE} ({len(text.splitlines())} lines); ruff {subprocess.check_output([ruff, '--version'], text=True).strip()}"
    )
    module = in_process_booster()
    formatted = module.transform_sync(text, "format", "python", path=PATH).transformed_code
    # the module floor keeps no speculative result: after a pause it formats as on a miss
    results = warm(servers, text, formatted, args.runs, args.idle_runs, args.idle, module,
                   no_save=("module floor", "edits floor"), sessions=args.sessions)
    for name, command in servers.items():
        if name not in ("booster-lsp", "module floor", "edits floor"):
            results[name]["cold"] = cold(command, text, args.cold_runs)
    results["booster-lsp"]["cold"], no_prelude = [], []
    for _ in range(args.cold_runs):  # interleaved: both see the same moments of a noisy VM
        results["booster-lsp"]["cold"] += cold(servers["booster-lsp"], text, 1)
        no_prelude += cold([*servers["booster-lsp"], "--no-prelude"], text, 1)
    fork_server = cold_fork_server([*servers["booster-lsp"], "--fork-server"], text, args.cold_runs)
    core = cold_core(text, args.cold_runs)

    rows = [
        ("Ruff formatter in WASM, in process, messy file (cache off)", results["module"]["miss"], None),
        ("Ruff formatter in WASM, in process, one-line edit (cache off)", results["module"]["miss_edit"], None),
    ]
    for label, key in [
        ("LSP formatting, changed messy document (cache miss)", "miss"),
        ("LSP formatting, one-line edit in a formatted document (cache miss)", "miss_edit"),
        ("LSP format-on-save after an idle pause", "save"),
        ("cold start: spawn -> first formatting response", "cold"),
    ]:
        for name in servers:
            if key in results[name]:
                rows.append((f"{label} — {name}", results[name][key], key))
    rows.append(("cold start: spawn -> first formatting response — booster-lsp --no-prelude", no_prelude, "cold"))
    rows.append(("cold start: spawn -> first formatting response — booster-lsp --fork-server", fork_server, "cold"))
    rows.append(("cold start floor of the core: spawn -> import, load, first format (no LSP)", core, "cold"))
    width = max(len(label) for label, _, _ in rows)
    print(f"\n{'measurement':<{width}}  {'median ms':>10}  {'p95 ms':>8}  {'n':>4}")
    for label, values, _ in rows:
        print(f"{label:<{width}}  {statistics.median(values):>10.3f}  {p95(values):>8.3f}  {len(values):>4}")
    print()
    ours = results["booster-lsp"]
    for key in ("miss", "miss_edit"):
        ratio = statistics.median(ours[key]) / statistics.median(results["ruff server"][key])
        beyond = {name: beyond_core(results[name], key) for name in TRACED}
        own = statistics.median(a - b for a, b in zip(beyond["booster-lsp"], beyond["module floor"]))
        edits_price = statistics.median(a - b for a, b in zip(beyond["edits floor"], beyond["module floor"]))
        rest = statistics.median(a - b for a, b in zip(beyond["booster-lsp"], beyond["edits floor"]))
        in_server = {name: statistics.median(in_server_own(results[name], key)) for name in TRACED}
        over_floor = statistics.median(a - b for a, b in zip(ours[key], results["module floor"][key]))
        print(
            f"cache miss ({key}): booster-lsp / ruff server = {ratio:.2f}x (target <= 3x); our own time "
            f"(target <= 0.3 ms), each round trip less that request's time in the core, over the module floor's: "
            f"{own:.3f} ms; of it, minimal edits (the edits floor's less the module floor's) {edits_price:.3f} ms, "
            f"the rest (booster-lsp's less the edits floor's) {rest:.3f} ms. In the server (request read -> "
            f"answer written, less the core): booster-lsp {in_server['booster-lsp']:.3f} ms, edits floor "
            f"{in_server['edits floor']:.3f} ms, module floor {in_server['module floor']:.3f} ms. Round trips "
            f"alone, each process's module speed in them: over the module floor {over_floor:.3f} ms; the pygls "
            f"floor's round trip (no work) {statistics.median(results['pygls floor'][key]):.3f} ms"
        )
    save = statistics.median(ours["save"])
    print(
        f"format-on-save: booster-lsp median {save:.3f} ms ({statistics.median(ours['save_server']):.3f} ms "
        f"of it in the server) vs ruff server "
        f"{statistics.median(results['ruff server']['save']):.3f} ms (target <= 0.3 ms and faster than ruff); "
        f"the floor (a trivial Python server) {statistics.median(results['floor']['save']):.3f} ms, of it "
        f"{statistics.median(results['floor']['save_wake']):.3f} ms from the request sent to the floor having read "
        f"it (waking the server after the pause), "
        f"the pygls floor {statistics.median(results['pygls floor']['save']):.3f} ms"
    )
    print(
        f"cold start: booster-lsp median {statistics.median(ours['cold']):.0f} ms (target <= 400 ms), "
        f"--no-prelude {statistics.median(no_prelude):.0f} ms, --fork-server {statistics.median(fork_server):.0f} ms; "
        f"the core alone, without LSP, {statistics.median(core):.0f} ms; "
        f"the pygls floor (no work at all) {statistics.median(results['pygls floor']['cold']):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
