"""Start-up imports run without the cyclic collector, which is on again afterwards
(booster_lsp/_importing.py); an application that had switched it off keeps it off."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

PROBE = """
import gc, json, sys
{before}
collections = []
gc.callbacks.append(lambda phase, info: phase == "stop" and collections.append(info["generation"]))
import booster_lsp.lsp.server
print(json.dumps({{"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), "collections": len(collections)}}))
"""


def _probe(before: str = "") -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE.format(before=before)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_server_imports_leave_the_collector_on_with_their_objects_frozen():
    seen = _probe()
    assert seen["enabled"] is True
    assert seen["frozen"] > 100_000  # the modules, classes and functions of the imports
    assert seen["collections"] < 20  # without the wrapper: over a hundred


def test_an_application_that_switched_the_collector_off_keeps_it_off():
    assert _probe("gc.disable()")["enabled"] is False
