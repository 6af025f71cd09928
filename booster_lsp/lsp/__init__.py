"""The language server. lsprotocol's types are imported first, through the start-up cache of
attrs' generated code (lsp/startup.py), and pygls with them, without the cyclic garbage
collector (booster_lsp/_importing.py): every module of this package needs them."""

from booster_lsp._importing import imports_without_gc
from booster_lsp.lsp.startup import import_lsprotocol_types

with imports_without_gc():
    import_lsprotocol_types()
    import pygls.lsp.server  # noqa: F401
