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

step "Third-party WASM modules (npm pack, sha256-verified) -> wasm/modules"
.venv/bin/booster modules install

step "Our syntax module (tree-sitter, built with zig cc from PyPI) -> wasm/modules/booster-syntax.wasm"
if [ -f wasm/build.py ]; then .venv/bin/python wasm/build.py; fi

if [ -f editors/setup-editors.sh ]; then
  step "Editors used by the end-to-end tests"
  bash editors/setup-editors.sh
fi

[ "$quiet" = "--no-sample" ] && exit 0
step "Formatting the samples (a copy in build/sample-run; the diff shows what changed)"
rm -rf build/sample-run && mkdir -p build && cp -r samples build/sample-run
.venv/bin/booster format --diff build/sample-run || [ $? -eq 1 ]
.venv/bin/booster format build/sample-run
echo >&2
echo "Done. Try: .venv/bin/booster format --diff samples/   |   run the tests: ./run-tests" >&2
