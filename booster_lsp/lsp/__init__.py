"""The language server. lsprotocol's types are imported first, through the start-up cache of
attrs' generated code (lsp/startup.py): every module of this package needs them."""

from booster_lsp.lsp.startup import import_lsprotocol_types

import_lsprotocol_types()
