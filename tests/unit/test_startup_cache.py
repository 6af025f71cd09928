"""The start-up cache of attrs' generated code for lsprotocol.types (booster_lsp/lsp/startup.py).

Each case runs a fresh interpreter (the module is imported once per process) with its own
BOOSTER_CACHE_DIR: the first start writes the cache, the next ones load it, and the types
behave exactly as when attrs compiles them itself; a corrupt or unwritable cache only means
the usual import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from booster_lsp.lsp.startup import CACHE_NAME

pytestmark = pytest.mark.unit

#: imports lsprotocol.types through the cache, then exercises generated __init__, __eq__,
#: __repr__, __hash__ (frozen classes) and validators, and reports what it saw
PROBE = """
import json, sys
from booster_lsp.lsp.startup import import_lsprotocol_types
import_lsprotocol_types()
from lsprotocol import types
a = types.Position(line=1, character=2)
b = types.Position(1, 2)
edit = types.TextEdit(types.Range(a, b), "x")
try:
    types.Position(line="one", character=2)
    validated = False
except (TypeError, ValueError):
    validated = True
print(json.dumps({
    "equal": a == b, "repr": repr(edit), "hash": hash(types.Position(1, 2)) == hash(b) if types.Position.__hash__ else None,
    "validated": validated, "count": len([n for n in dir(types) if not n.startswith("_")]),
}))
"""


def _start(cache: Path) -> dict:
    env = {**os.environ, "BOOSTER_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _plain() -> dict:
    """The same probe with lsprotocol.types imported the ordinary way."""
    done = subprocess.run([sys.executable, "-c", PROBE.replace("import_lsprotocol_types()", "")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_first_start_writes_the_cache_and_later_starts_behave_the_same(tmp_path):
    expected = _plain()
    assert expected["equal"] and expected["validated"]
    first = _start(tmp_path)
    cache = tmp_path / CACHE_NAME
    assert cache.is_file() and cache.stat().st_size > 100_000
    written = cache.stat().st_mtime_ns
    second = _start(tmp_path)
    assert first == second == expected
    assert cache.stat().st_mtime_ns == written  # everything came from the cache: nothing rewritten


def test_a_corrupt_cache_falls_back_to_the_plain_import_and_is_replaced(tmp_path):
    expected = _plain()
    cache = tmp_path / CACHE_NAME
    cache.write_bytes(b"\x00 this is not marshal data")
    assert _start(tmp_path) == expected
    assert cache.stat().st_size > 100_000  # rewritten with real entries


def test_a_cache_directory_that_cannot_exist_still_starts(tmp_path):
    """BOOSTER_CACHE_DIR below a regular file: no directory can be made there (even as root)."""
    expected = _plain()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert _start(blocker / "cache") == expected


#: structures initialize's params and unstructures a result through pygls' converter, with
#: cattrs' generated code cached (lsp/startup.py: cache_cattrs_code) or not
CATTRS_PROBE = """
import json, sys
from booster_lsp.lsp.startup import cache_cattrs_code, import_lsprotocol_types
import_lsprotocol_types()
if sys.argv[1] == "cached":
    cache_cattrs_code()
from lsprotocol import types
from pygls.protocol import default_converter
converter = default_converter()
params = converter.structure({"processId": 7, "rootUri": "file:///w", "capabilities": {
    "general": {"positionEncodings": ["utf-8"]}, "textDocument": {"formatting": {"dynamicRegistration": True}}}},
    types.InitializeParams)
edits = [types.TextEdit(types.Range(types.Position(0, 0), types.Position(1, 0)), "x = 1\\n")]
print(json.dumps({"params": repr(params), "edits": converter.unstructure(edits)}))
"""


def _cattrs_start(cache: Path, mode: str) -> dict:
    env = {**os.environ, "BOOSTER_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", CATTRS_PROBE, mode], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cattrs_generated_code_is_cached_at_exit_and_reused(tmp_path):
    from booster_lsp.lsp.startup import CATTRS_CACHE_NAME

    expected = _cattrs_start(tmp_path / "plain", "plain")
    assert not (tmp_path / "plain" / CATTRS_CACHE_NAME).exists()
    first = _cattrs_start(tmp_path, "cached")
    cache = tmp_path / CATTRS_CACHE_NAME
    assert cache.is_file() and cache.stat().st_size > 10_000
    written = cache.stat().st_mtime_ns
    assert _cattrs_start(tmp_path, "cached") == first == expected
    assert cache.stat().st_mtime_ns == written  # all from the cache: nothing new to write
    cache.write_bytes(b"\x00 not marshal data")
    assert _cattrs_start(tmp_path, "cached") == expected  # a corrupt cache: compiled as usual
    assert cache.stat().st_size > 10_000
