"""``booster-lsp`` and ``python -m booster_lsp.lsp``: the language server.

``main`` imports nothing heavy: with ``--fork-server`` it hands the session to a fork
server (lsp/fork_server.py) and only falls back to ``serve`` when none can take it.

Start-up order in ``serve``: the core is all that loading the Python formatter needs, so
a thread loads it (reads, verifies and deserializes Ruff's 10 MB module: ~15 ms, nearly
all outside the GIL) as soon as the core is imported. Over stdio the prelude
(lsp/prelude.py) then answers ``initialize`` and the first formatting requests, and only
then are pygls, lsprotocol and the handlers imported and the server started with what the
prelude hands over. ``--version``, ``--help`` and bad arguments are answered before any of it.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # without importing typing: the launcher's imports stay minimal
if TYPE_CHECKING:
    from booster_lsp import WASMBooster

FORK_SERVER_FLAG = "--fork-server"
STOP_FORK_SERVER_FLAG = "--stop-fork-server"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if STOP_FORK_SERVER_FLAG in argv and sys.platform == "linux":
        from booster_lsp.lsp.fork_server import stop

        print(stop())
        return 0
    if FORK_SERVER_FLAG in argv:
        argv = [arg for arg in argv if arg != FORK_SERVER_FLAG]
        # Linux only (SO_PEERCRED; fork is unsafe with macOS' frameworks): elsewhere ignored
        if sys.platform == "linux" and not {"-h", "--help", "--version", "--tcp"} & set(argv):
            from booster_lsp.lsp.fork_server import launch

            code = launch(argv)
            if code is not None:
                return code
    return serve(argv)


def serve(argv: list[str]) -> int:
    """The language server in this process."""
    from booster_lsp.lsp.arguments import build_parser

    from booster_lsp.lsp.log_forwarding import configure_logging

    args = build_parser().parse_args(argv)  # --help, --version, a bad argument: answered (and exits) before the imports
    configure_logging(args.log_level or "info")
    booster = start_booster()
    handover = None
    # over stdio, the prelude answers the first messages while the server is imported; a fork
    # server's child has imported it already (lsp/fork_server.py) and needs none
    if not (args.tcp or args.no_prelude) and "lsprotocol.types" not in sys.modules:
        from booster_lsp.lsp.prelude import Prelude
        from booster_lsp.lsp.transport import LockedWriter

        handover = Prelude(booster, sys.stdin.fileno(), LockedWriter(sys.stdout.buffer)).run()
        if handover.exit_code is not None:  # the session ended before the server was needed
            return handover.exit_code
    from booster_lsp.lsp.server import main as serve_lsp

    return serve_lsp(argv, booster, handover)


def start_booster() -> WASMBooster:
    """The server's booster (default settings until ``initialize`` brings the client's), its
    Python formatter's module loading in a thread."""
    import threading

    from booster_lsp import BoosterConfig, WASMBooster

    from booster_lsp.lsp.startup import configure_for_server

    booster = configure_for_server(WASMBooster(BoosterConfig(), stats_path=True))
    threading.Thread(target=_load, args=(booster,), name="booster-early-load", daemon=True).start()
    return booster


def _load(booster: WASMBooster) -> None:
    try:
        booster.format_provider("python")  # the module; instances come with initialize's warm-up
    except Exception as error:  # noqa: BLE001 - reported when a request needs the module
        import logging

        logging.getLogger("booster_lsp.lsp").debug("early module load failed: %s", error)


if __name__ == "__main__":
    sys.exit(main())
