"""``booster-lsp --fork-server``: sessions run in forks of a background process that has
imported the server (lsp/fork_server.py). Real processes throughout: pytest-lsp spawns the
launcher, the launcher starts or reaches the fork server, and /proc shows which process
serves the session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import AsyncIterator, Iterator

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.conftest import ROOT, capabilities, open_document

LAUNCHER = [sys.executable, "-m", "booster_lsp.lsp", "--fork-server", "--log-level", "warning"]
LONG_LINE = "result = some_function(argument_one, argument_two, argument_three)\n"


@pytest.fixture
def env(tmp_path: Path):
    """An environment whose fork servers live in a runtime dir of this test's own; any left
    running are stopped afterwards."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    environment = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    environment.pop("BOOSTER_LINE_WIDTH", None)
    yield environment
    for pid in fork_servers(runtime):
        os.kill(pid, signal.SIGKILL)


def socket_path(env: dict[str, str]) -> Path:
    """The launcher's socket path, computed by the same interpreter with the same sys.path."""
    code = "from booster_lsp.lsp.fork_server import socket_path; print(socket_path())"
    return Path(subprocess.check_output([sys.executable, "-c", code], env=env, cwd=ROOT, text=True).strip())


def fork_servers(runtime: Path) -> list[int]:
    """Processes running ``booster_lsp.lsp.fork_server`` on a socket under ``runtime``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"booster_lsp.lsp.fork_server" in command and any(str(runtime).encode() in part for part in command):
                pids.append(int(entry.name))
    return pids


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def ends(pid: int) -> Iterator[None]:
    """A child that outlived a failed check is killed: it holds the client's pipes open."""
    try:
        yield
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@asynccontextmanager
async def launched(env: dict[str, str], *, shutdown: bool = True) -> AsyncIterator[LanguageClient]:
    client = await ClientServerConfig(server_command=LAUNCHER, server_env=env).start()
    assert isinstance(client, LanguageClient)
    try:
        await client.initialize_session(types.InitializeParams(capabilities=capabilities(), root_uri=ROOT.as_uri()))
        yield client
        if shutdown:
            await client.shutdown_session()
    finally:
        if client._server is not None and client._server.returncode is None:
            client._server.kill()
        await client.stop()


async def formatted(client: LanguageClient, text: str, uri: str = "file:///tmp/fork_server_test.py") -> str:
    open_document(client, uri, text)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(uri), types.FormattingOptions(4, True))
    )
    assert edits, "the document needs formatting"
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: e.range.start.line, reverse=True):  # line edits: start at column 0
        lines[edit.range.start.line : edit.range.end.line] = [edit.new_text] if edit.new_text else []
    return "".join(lines)


async def started_fork_server(env: dict[str, str]) -> int:
    """The first launch serves its session itself and starts a fork server: its pid."""
    async with launched(env) as client:
        assert await formatted(client, "x  =  1\n") == "x = 1\n"
    path = socket_path(env)
    wait_for(path.exists, "the fork server's socket")
    [pid] = fork_servers(path.parent.parent)
    return pid


async def test_second_session_is_a_fork_with_the_launchers_environment(env):
    server = await started_fork_server(env)
    assert children(server) == []
    # a setting only this launcher's environment has: the child must format with it
    async with launched({**env, "BOOSTER_LINE_WIDTH": "30"}) as client:
        [child] = children(server)
        assert alive(child) and child != client._server.pid
        assert Path(f"/proc/{child}/cwd").resolve() == ROOT
        assert max(len(line) for line in (await formatted(client, LONG_LINE)).splitlines()) <= 30
    launcher = client._server
    assert launcher.returncode == 0  # the child's exit code (shutdown, then exit)
    wait_for(lambda: not children(server), "the child to exit")
    assert alive(server)  # the fork server stays for the next session


async def test_stale_code_is_served_by_the_launcher_and_stops_the_fork_server(env):
    server = await started_fork_server(env)
    source = ROOT / "booster_lsp" / "lsp" / "fork_server.py"
    before = source.stat()
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    try:
        async with launched(env) as client:
            assert children(server) == []
            assert await formatted(client, "y  =  2\n") == "y = 2\n"
        wait_for(lambda: not alive(server), "the stale fork server to exit")
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["launcher killed", "SIGTERM forwarded"])
async def test_a_signalled_launcher_ends_its_session(env, signum):
    """SIGKILL: the child sees its launcher's connection close; SIGTERM: the launcher
    forwards it. Either way the child is gone and the launcher did not exit with 0."""
    server = await started_fork_server(env)
    async with launched(env, shutdown=False) as client:
        [child] = children(server)
        client._server.send_signal(signum)
        with ends(child):
            wait_for(lambda: not alive(child), f"the child to exit after {signal.Signals(signum).name}")
        assert await client._server.wait() != 0


async def test_garbage_on_the_socket_does_not_stop_the_fork_server(env):
    import marshal

    server = await started_fork_server(env)
    path = str(socket_path(env))
    bad_requests = [marshal.dumps(["not", "a", "dict"]), marshal.dumps({"argv": "x", "cwd": 1, "env": {}}), b"\xffgarbage"]
    for garbage in (b"", b"\xff\xff\xff\xff", b"\x00\x00\x00\x05hello"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(path)
            connection.sendall(garbage)
    with open(os.devnull, "rb") as null:  # with file descriptors, as a launcher sends them
        for body in bad_requests:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(path)
                socket.send_fds(connection, [len(body).to_bytes(4, "big") + body], [null.fileno()] * 3)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:  # a request, then no stdio
        connection.connect(path)
        request = marshal.dumps({"argv": [], "cwd": "/", "env": {}})
        connection.sendall(len(request).to_bytes(4, "big") + request)
        connection.recv(64)  # ready
        connection.sendall(b"\0")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as hung:  # connects, says nothing
        hung.connect(path)
        async with launched(env) as client:
            assert len(children(server)) == 1
            assert await formatted(client, "z  =  3\n") == "z = 3\n"
    assert alive(server)


async def test_a_fork_server_that_does_not_answer_is_not_waited_for(env):
    """Something listens on the socket but never answers: after HANDOVER_TIMEOUT_S the
    launcher serves its session itself."""
    path = socket_path(env)
    path.parent.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.bind(str(path))
        silent.listen(4)
        async with launched(env) as client:
            assert await formatted(client, "v  =  5\n") == "v = 5\n"


@pytest.mark.parametrize("ending", ["idle", "SIGTERM"])
def test_a_fork_server_that_ends_removes_its_socket(env, ending):
    path = socket_path(env)
    path.parent.mkdir(mode=0o700)
    process = subprocess.Popen(
        [sys.executable, "-m", "booster_lsp.lsp.fork_server", str(path)],
        env={**env, "BOOSTER_LSP_FORK_SERVER_IDLE_S": "1" if ending == "idle" else "600"}, stderr=subprocess.PIPE,
    )
    wait_for(path.exists, "the socket")
    if ending == "SIGTERM":
        process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, process.stderr.read()
    assert not path.exists()


async def test_a_runtime_dir_others_can_enter_is_not_used(env):
    shared = Path(env["XDG_RUNTIME_DIR"]) / f"booster-lsp-{os.getuid()}"
    shared.mkdir(mode=0o700)
    shared.chmod(0o777)
    async with launched(env) as client:
        assert await formatted(client, "w  =  4\n") == "w = 4\n"
    time.sleep(2)
    assert fork_servers(Path(env["XDG_RUNTIME_DIR"])) == []
    assert list(shared.iterdir()) == []


@pytest.mark.skipif(os.getuid() != 0, reason="handing a directory to another user takes root")
async def test_a_socket_directory_of_another_user_is_not_used(env):
    """A directory that is 0700 but not this user's (someone else's fork server, or a trap
    set in a shared /tmp): the launcher sends nothing there and serves the session itself."""
    path = socket_path(env)
    path.parent.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as trap:
        trap.bind(str(path))
        trap.listen(4)
        os.chown(path.parent, 65534, 65534)
        async with launched(env) as client:
            assert await formatted(client, "u  =  6\n") == "u = 6\n"
        trap.setblocking(False)
        with pytest.raises(BlockingIOError):
            trap.accept()  # nobody connected


async def test_stop_fork_server_stops_it_and_leaves_sessions_running(env):
    stop = [sys.executable, "-m", "booster_lsp.lsp", "--stop-fork-server"]
    server = await started_fork_server(env)
    async with launched(env) as client:
        [child] = children(server)
        said = subprocess.run(stop, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert said.returncode == 0 and said.stdout.strip() == f"stopped the fork server (pid {server})"
        wait_for(lambda: not alive(server), "the fork server to stop")
        assert alive(child)
        assert await formatted(client, "t  =  7\n") == "t = 7\n"
    assert not socket_path(env).exists()
    again = subprocess.run(stop, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert again.stdout.strip() == "no fork server is running"
