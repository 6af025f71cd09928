"""Write booster_lsp/core/data/ruff_rule_summaries.json: each Ruff rule's one-line summary, for
the language server's hover on `# noqa: CODE`, from `ruff rule --all` of the Ruff that booster's
WASM linter is (the dev dependency `ruff==<version>`; tests/unit/test_rule_hover.py checks the
file against it).

Usage: .venv/bin/python scripts/ruff_rule_summaries.py [--check]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "booster_lsp" / "core" / "data" / "ruff_rule_summaries.json"


def render() -> str:
    ruff = Path(sys.executable).parent / "ruff"
    version = subprocess.check_output([str(ruff), "--version"], text=True).split()[-1]
    rules = json.loads(subprocess.check_output([str(ruff), "rule", "--all", "--output-format", "json"], text=True))
    summaries = {rule["code"]: rule["summary"] for rule in sorted(rules, key=lambda rule: rule["code"])}
    return json.dumps({"ruff_version": version, "summaries": summaries}, indent=0, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        return 0 if TARGET.read_text(encoding="utf-8") == text else 1
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
