"""One module per group of LSP methods; each handler unpacks params, calls the core, converts."""
