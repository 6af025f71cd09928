"""What the server's code is as it lies on disk: the modification times of booster_lsp's
sources and of the directories the libraries it is built on are installed in. The fork
server (lsp/fork_server.py) stops when it changes (an upgrade, an edit in a checkout), and
the initialize results kept for the prelude (lsp/initialize_cache.py) are keyed by it.

The libraries are found without importing them (``importlib.util.find_spec``): the prelude
runs before pygls and lsprotocol are imported. ~1 ms on the benchmark VM."""

from __future__ import annotations

import importlib.util
import os

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBRARIES = ("pygls", "lsprotocol", "pydantic", "wasmtime", "cattrs", "attr")


def code_stamp() -> list[tuple[str, int]]:
    stamp = []
    for directory, dirs, files in os.walk(PACKAGE_DIR):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                stamp.append((os.path.join(directory, name), os.stat(os.path.join(directory, name)).st_mtime_ns))
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            site = os.path.dirname(os.path.dirname(spec.origin))
            stamp.append((site, os.stat(site).st_mtime_ns))
    return sorted(stamp)
