"""The language server: lsp/server.py, started by lsp/__main__.py.

Nothing is imported here. lsp/server.py imports lsprotocol's types first, through the
start-up cache of attrs' generated code (lsp/startup.py), without the cyclic garbage
collector (booster_lsp/_importing.py); lsp/__main__.py starts loading the Python formatter
before it does (why: see there)."""
