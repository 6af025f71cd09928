"""``booster-lsp --fork-server``: start a session by forking a server that has imported
everything already (~0.09 s to the first formatted file on a 2-core VM, where a plain start
takes ~0.26 s with its prelude and ~0.51 s without).

Most of a cold start is Python importing pygls, lsprotocol (~570 attrs classes), pydantic
and wasmtime: ~0.45 s on a 2-core machine, before any work; a plain start answers its first
formatting requests in the middle of it (lsp/prelude.py), everything else after it. With
``--fork-server`` the command is a small launcher instead:

1. it connects to this user's fork server, a background process that has done those
   imports once (a Unix socket in a 0700 directory; one fork server per interpreter and
   install of booster_lsp);
2. it passes its arguments, working directory and environment, and once the fork server
   has answered, its stdin, stdout and stderr (SCM_RIGHTS);
3. the fork server forks; the child takes over those file descriptors, directory and
   environment and runs the ordinary language server (``lsp.__main__.serve``), so every
   editor session is still a process of its own;
4. the launcher forwards SIGTERM, SIGINT and SIGHUP to the child and exits with its exit
   code. If the launcher is killed, the child exits too.

When no fork server answers, the launcher starts one in the background for next time and
serves this session itself, so a first start costs what it costs without the flag. A fork
server exits after ``BOOSTER_LSP_FORK_SERVER_IDLE_S`` seconds (default 1800) without a
request, and when the code it imported has changed on disk (an upgrade, an edit in a
checkout); it then answers ``stale``, and the launcher serves that session itself.

The launcher half imports only C modules of the standard library (``_socket``, not
``socket``; ``marshal``, not ``json``): 15-30 ms of imports on the benchmark machine, were
it written with the usual modules. The fork server imports the server's modules and builds
pygls' converter, but starts no thread and loads no WASM module before it forks (forking
a process with threads is unsafe), so each child inherits a process that has imported and
nothing more. Messages are ``marshal``-ed dicts behind a 4-byte length: both ends are the
same interpreter (the socket's name says which).
"""

from __future__ import annotations

import _signal
import _socket
import array
import marshal
import os
import sys
import zlib

PROTOCOL = 1
IDLE_ENV = "BOOSTER_LSP_FORK_SERVER_IDLE_S"
DEFAULT_IDLE_S = 1800.0
#: A fork server is started by a launcher that then serves its session itself: its imports
#: wait this long, not to compete with that session's start for the machine's cores.
START_DELAY_S = 1.0
_STDIO = (0, 1, 2)
#: How long a launcher waits for a fork server to take its session before serving it itself.
HANDOVER_TIMEOUT_S = 5.0
#: A fork server drops a connection whose request has not arrived in this time (a launcher
#: sends it at once), so one hung peer does not hold up the launchers queued behind it.
REQUEST_TIMEOUT_S = 1.0
_MAX_MESSAGE = 1 << 24
#: booster_lsp's directory: part of the socket's name
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------- both halves
def socket_path() -> str:
    """This user's fork server for this interpreter and this install of booster_lsp."""
    # sys.path[0] is the script's directory, or the working directory with -m
    identity = "\0".join([str(PROTOCOL), sys.executable, sys.version, _PACKAGE_DIR, *sys.path[1:]]).encode()
    key = "%08x%08x" % (zlib.crc32(identity), zlib.crc32(identity[::-1]))
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(base, f"booster-lsp-{os.getuid()}", f"fork-{key}.sock")


def _private_dir(path: str) -> None:
    """Create the socket's directory 0700, or refuse one another user could get into."""
    directory = os.path.dirname(path)
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    status = os.lstat(directory)
    if status.st_uid != os.getuid() or status.st_mode & 0o077 or not os.path.isdir(directory):
        raise PermissionError(f"{directory} is not a private directory of this user")


def _beside(path: str, suffix: str) -> str:
    """The fork server's lock file (``.lock``) or log (``.log``) next to its socket."""
    return path.removesuffix(".sock") + suffix


def _peer_uid(connection) -> int:
    """The user id of the process at the other end (SO_PEERCRED: pid, uid, gid)."""
    credentials = connection.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
    return int.from_bytes(credentials[4:8], sys.byteorder)


def _send(connection, message: dict) -> None:
    data = marshal.dumps(message)
    connection.sendall(len(data).to_bytes(4, "big") + data)


def _send_stdio(connection) -> None:
    """This process' stdin, stdout and stderr, with one byte (SCM_RIGHTS)."""
    connection.sendmsg([b"\0"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, array.array("i", _STDIO))])


def _receive(connection) -> dict | None:
    """One message; None when the peer closed the connection first."""
    header = _exactly(connection, 4)
    if header is None:
        return None
    length = int.from_bytes(header, "big")
    data = _exactly(connection, length) if length <= _MAX_MESSAGE else None
    try:
        message = marshal.loads(data) if data is not None else None
    except (ValueError, EOFError, TypeError):  # not marshal's bytes
        return None
    return message if isinstance(message, dict) else None


def _exactly(connection, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


# ---------------------------------------------------------------------------- launcher
def launch(argv: list[str]) -> int | None:
    """Run this session in a child of the fork server and return its exit code, or None
    when no fork server took it: the caller serves the session itself (and a fork server
    is started in the background for the next one)."""
    path = socket_path()
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    connection.settimeout(HANDOVER_TIMEOUT_S)
    try:
        # the environment (an API key) and the editor's pipes go only to this user's process,
        # behind a directory no one else can enter
        _private_dir(path)
        connection.connect(path)
        if _peer_uid(connection) != os.getuid():
            raise PermissionError(f"{path} is served by another user")
        _send(connection, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)})
        # the stdio only to a fork server that answers: one that accepts nothing would hold
        # the editor's pipes open (unread in its socket's queue) after this session ends
        answer = _receive(connection)
        if answer is not None and answer.get("ready"):
            _send_stdio(connection)
            answer = _receive(connection)
        if answer is not None and "pid" in answer:
            # the child serves only after this: a launcher that gave up (timeout) and serves
            # the session itself never shares its stdio with a late child
            _send(connection, {"go": True})
    except (OSError, ValueError, EOFError, TypeError):
        answer = None
    if answer is None or "pid" not in answer:
        connection.close()
        start_in_background(path)
        return None
    connection.settimeout(None)
    return _wait_for_child(connection, answer["pid"])


def _wait_for_child(connection, pid: int) -> int:
    def forward(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP):
        _signal.signal(signum, forward)
    try:
        answer = _receive(connection)
    except (OSError, ValueError, EOFError, TypeError):
        answer = None
    # the child's exit code; a child that ended without saying (killed, crashed): 1
    return int(answer["exit"]) if answer is not None and "exit" in answer else 1


def start_in_background(path: str) -> None:
    """Start a fork server for ``path``, detached; its errors go to a log beside the socket."""
    import subprocess

    try:
        _private_dir(path)
        log = open(_beside(path, ".log"), "ab")  # noqa: SIM115 - the child's stderr
    except OSError:
        return
    with log:
        subprocess.Popen(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", "booster_lsp.lsp.fork_server", path],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
            start_new_session=True, close_fds=True, cwd="/",
        )


def stop() -> str:
    """Stop this interpreter's fork server (SIGTERM; sessions it started go on); returns what
    was done, for the user. The pid in its lock file is trusted only while the lock is held:
    a fork server that died may have left a pid another process now has."""
    import fcntl

    try:
        lock = os.open(_beside(socket_path(), ".lock"), os.O_RDONLY)
    except FileNotFoundError:
        return "no fork server is running"
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: a fork server is alive, and its pid is in the file
            pid = int(os.read(lock, 32).decode() or 0)
            if pid > 0:
                os.kill(pid, _signal.SIGTERM)
                return f"stopped the fork server (pid {pid})"
        return "no fork server is running"
    finally:
        os.close(lock)


# ---------------------------------------------------------------------------- fork server
def run_fork_server(path: str) -> int:
    """The fork server: fork a language server per request; return when idle for
    ``BOOSTER_LSP_FORK_SERVER_IDLE_S`` seconds or when its code is stale."""
    import fcntl
    import signal
    import socket
    import time

    from booster_lsp.lsp.code_stamp import code_stamp

    _private_dir(path)
    lock = os.open(_beside(path, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(lock)
        return 0  # another fork server serves this path
    os.ftruncate(lock, 0)
    os.write(lock, b"%d\n" % os.getpid())  # for stop(): valid while the lock is held
    listener = None
    try:
        time.sleep(START_DELAY_S)
        _preload()
        stamp = code_stamp()
        if os.path.exists(path):
            os.unlink(path)  # left by a fork server that was killed
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(16)
        listener.settimeout(float(os.environ.get(IDLE_ENV) or DEFAULT_IDLE_S))
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped: the socket goes too
        while True:
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                return 0
            connection.settimeout(REQUEST_TIMEOUT_S)
            with connection:
                try:
                    request = _receive_request(connection)
                    if request is None:
                        continue
                    if code_stamp() != stamp:
                        _send(connection, {"stale": True})
                        return 0
                    _send(connection, {"ready": True})
                    fds = _receive_stdio(connection)
                except (OSError, ValueError, EOFError, TypeError):  # a bad or hung peer: next
                    continue
                if fds is None:
                    continue
                if os.fork() == 0:
                    code = 1
                    try:  # whatever happens, the child never returns into this loop
                        listener.close()
                        os.close(lock)
                        code = _child(connection, request, fds)
                    finally:
                        os._exit(code)
                _close(fds)
    finally:
        if listener is not None:
            listener.close()
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        os.close(lock)


def _receive_request(connection) -> dict | None:
    """The launcher's request, if it is this user's and well formed."""
    request = _receive(connection) if _peer_uid(connection) == os.getuid() else None
    keys = {"argv": list, "cwd": str, "env": dict}
    if request is None or any(not isinstance(request.get(key), kind) for key, kind in keys.items()):
        return None
    return request


def _receive_stdio(connection) -> list[int] | None:
    """The launcher's stdin, stdout and stderr; None (and any descriptors closed) otherwise."""
    import socket

    data, fds, _flags, _address = socket.recv_fds(connection, 1, len(_STDIO))
    if data != b"\0" or len(fds) != len(_STDIO):
        _close(fds)
        return None
    return fds


def _close(fds: list[int]) -> None:
    for fd in fds:
        os.close(fd)


def _preload() -> None:
    """Import what the server imports and build pygls' converter (no threads, no WASM)."""
    from booster_lsp._importing import imports_without_gc

    with imports_without_gc():
        import yaml  # noqa: F401 - the settings file, read at initialize

        import booster_lsp.lsp.server  # noqa: F401 - pygls, lsprotocol, the core, the handlers
        from booster_lsp.lsp.startup import prepare_converter

        prepare_converter()


def _child(connection, request: dict, fds: list[int]) -> int:
    """In the forked child: become the launcher's process (its stdio, directory,
    environment and arguments) and run the language server; returns its exit code."""
    import signal
    import threading

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for target, fd in zip(_STDIO, fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["booster-lsp", *request["argv"]]
    try:
        _send(connection, {"pid": os.getpid()})
        go = _receive(connection)
    except (OSError, ValueError, EOFError, TypeError):
        go = None
    if go is None or not go.get("go"):
        return 0  # the launcher gave up and serves its session itself
    connection.settimeout(None)
    threading.Thread(target=_exit_with_launcher, args=(connection,), name="launcher-watch", daemon=True).start()
    code = 1
    try:
        from booster_lsp.lsp.__main__ import serve

        code = serve(list(request["argv"]))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported as an uncaught exception is, then exit 1
        import traceback

        traceback.print_exc()
    finally:
        import atexit

        atexit._run_exitfuncs()  # the server's own (statistics, caches), as at a normal exit
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            _send(connection, {"exit": code})
        except OSError:
            pass
    return code


def _exit_with_launcher(connection) -> None:
    """A killed launcher leaves the editor without a process to stop: the child ends too."""
    try:
        while connection.recv(1):
            pass
    except OSError:
        pass
    os._exit(1)


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python -m booster_lsp.lsp.fork_server SOCKET", file=sys.stderr)
        return 2
    return run_fork_server(sys.argv[1])


if __name__ == "__main__":
    sys.exit(main())
