"""``booster-lsp`` and ``python -m booster_lsp.lsp``: the language server.

Start-up order: the core, imported with the package, is all that loading the Python
formatter needs, so a thread starts that (reading, hashing and deserializing Ruff's 10 MB
module, instantiating it) while pygls, lsprotocol and the handlers are imported: ~150 ms of
Python. Most of the loading runs outside the GIL (file reads, hashing, wasmtime), so it
overlaps that import instead of following it; the language server's own warm-up at
``initialize`` then finds the formatter loaded. With ``--version`` or ``--help`` nothing
is loaded.
"""

from __future__ import annotations

import logging
import sys
import threading

from booster_lsp import BoosterConfig, WASMBooster

log = logging.getLogger("booster_lsp.lsp")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    booster = None if {"-h", "--help", "--version"} & set(argv) else start_booster()
    from booster_lsp.lsp.server import main as serve

    return serve(argv, booster)


def start_booster() -> WASMBooster:
    """The server's booster (default settings until ``initialize`` brings the client's), its
    Python formatter loading in a thread."""
    booster = WASMBooster(BoosterConfig(), stats_path=True)
    booster.runtime.compile_in_background = True  # a long-lived process: see WasmRuntime
    threading.Thread(target=_warm_up, args=(booster,), name="booster-early-warm-up", daemon=True).start()
    return booster


def _warm_up(booster: WASMBooster) -> None:
    try:
        booster.warm_up(["python"])
    except Exception as error:  # noqa: BLE001 - reported when a request needs the module
        log.debug("early warm-up failed: %s", error)


if __name__ == "__main__":
    sys.exit(main())
