"""booster-lsp with a gate, for deterministic concurrency tests.

A transform of a text containing ``# gate`` blocks until the client runs the command
``test.release``; everything else runs normally. Messages are handled in order, so a
notification sent before ``test.release`` is applied while the gated transform waits.
"""

import sys
import threading

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.lsp.log_forwarding import configure_logging
from booster_lsp.lsp.server import BoosterLanguageServer

GATE = threading.Event()


class GatedBooster(WASMBooster):
    def transform_sync(self, code, *args, **kwargs):
        if "# gate" in code and not GATE.wait(timeout=60):
            raise RuntimeError("gate never released")
        return super().transform_sync(code, *args, **kwargs)


def main() -> int:
    configure_logging("info")
    server = BoosterLanguageServer(GatedBooster(BoosterConfig(), stats_path=None))

    @server.command("test.release")
    def release(ls, *args):
        GATE.set()

    server.start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
