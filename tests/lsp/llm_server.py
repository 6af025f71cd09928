"""booster-lsp with a booster that persists no statistics, for tests/lsp/test_llm_actions.py."""

import sys

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.lsp.log_forwarding import configure_logging
from booster_lsp.lsp.server import BoosterLanguageServer


def main() -> int:
    configure_logging("info")
    server = BoosterLanguageServer(WASMBooster(BoosterConfig(), stats_path=None))
    server.start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
