"""booster-lsp with the LLM code actions registered, for tests/lsp/test_llm_actions.py.

Uses a booster without a persisted stats file. Registers the LLM actions itself only when
the server does not already do so.
"""

import sys

from lsprotocol import types

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.lsp.handlers import llm_actions
from booster_lsp.lsp.log_forwarding import configure_logging
from booster_lsp.lsp.server import BoosterLanguageServer


def main() -> int:
    configure_logging("info")
    server = BoosterLanguageServer(WASMBooster(BoosterConfig(), stats_path=None))
    if types.TEXT_DOCUMENT_CODE_ACTION not in server.protocol.fm.features:
        llm_actions.register(server)
    server.start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
