"""The rule summaries the language server's hover shows are those of the Ruff that lints (the
dev dependency, the same version as the WASM linter)."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, require_tool


def test_the_committed_summaries_are_those_of_ruff_rule_all() -> None:
    require_tool(Path(sys.executable).parent / "ruff", "pip install -e '.[dev]' (done by ./setup.sh)")
    checked = subprocess.run([sys.executable, str(ROOT / "scripts" / "ruff_rule_summaries.py"), "--check"])
    assert checked.returncode == 0, "regenerate: .venv/bin/python scripts/ruff_rule_summaries.py"
