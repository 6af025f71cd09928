"""booster-lsp's command line. Its own module, importing nothing heavy: ``--help``, ``--version``
and a bad argument are answered before the server is imported (~0.7 s on the benchmark VM)."""

from __future__ import annotations

import argparse

from booster_lsp import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="booster-lsp", description="booster language server")
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="speak LSP over stdin/stdout (default)")
    transport.add_argument("--tcp", action="store_true", help="listen on a TCP socket")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"], help="log level (stderr)")
    parser.add_argument(
        "--fork-server", action="store_true",
        help="Linux: run in a fork of a background process that has imported the server already, started "
        "by the first such launch (on a 2-core VM every later start answers its first formatting in ~0.09 s "
        "instead of ~0.26 s, and every other request from the start; see docs/lsp.md)",
    )
    parser.add_argument(
        "--no-prelude", action="store_true",
        help="answer nothing before the LSP library is imported (by default, over stdio, initialize and the "
        "first formatting requests are answered while it is imported; see docs/lsp.md)",
    )
    parser.add_argument(
        "--stop-fork-server", action="store_true",
        help="stop the fork server of this installation (running sessions go on) and exit",
    )
    parser.add_argument("--version", action="version", version=f"booster-lsp {__version__}")
    return parser
