"""python -m booster_lsp.lsp: the language server."""

import sys

from booster_lsp.lsp.server import main

sys.exit(main())
