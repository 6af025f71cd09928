#!/usr/bin/env python3
"""Benchmark of the syntax module (booster-syntax.wasm). Prints a table.

    python benchmarks/benchmark_syntax.py [--runs N]

* parse of argparse.py (~2,600 lines): median of the bs_open call alone (text already in
  linear memory) and of the whole SyntaxService.open (copy in + parse), target <= 15 ms;
* incremental reparse after a one-character edit: median of bs_edit and of SyntaxService.edit,
  target <= 2 ms;
* errors / locals query on argparse.py;
* linear memory of the module with 50 open 1,000-line documents.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from booster_lsp.core.syntax import SyntaxService  # noqa: E402
from booster_lsp.wasm.abi.syntax_v1 import LANGUAGE_IDS  # noqa: E402
from booster_lsp.wasm.runtime import Limits, WasmRuntime  # noqa: E402

STDLIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
ARGPARSE = STDLIB / "argparse.py"
MODULE = ROOT / "wasm" / "modules" / "booster-syntax.wasm"


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if subprocess.run([sys.executable, str(ROOT / "wasm" / "build.py")]).returncode != 0:
        return 1
    data = MODULE.read_bytes()
    runtime = WasmRuntime(Path(tempfile.mkdtemp(prefix="booster-bench-")))
    loaded = runtime.module("booster-syntax", data, hashlib.sha256(data).hexdigest())
    service = SyntaxService(loaded, Limits(deadline_ms=10_000, memory_bytes=1 << 30))
    module = service._module
    sandbox = module.sandbox
    text = ARGPARSE.read_bytes()
    lines = text.count(b"\n")
    rows: list[tuple[str, str, str]] = []

    # -- full parse, inside the module
    inside = []
    for _ in range(args.runs):
        ptr = sandbox.call("bs_alloc", len(text))
        sandbox.write(ptr, text)
        started = time.perf_counter()
        doc = sandbox.call("bs_open", LANGUAGE_IDS["python"], ptr, len(text))
        inside.append(time.perf_counter() - started)
        sandbox.call("bs_close", doc)
    rows.append((f"parse argparse.py ({lines} lines), bs_open", f"{median_ms(inside):.2f} ms", "<= 15 ms"))
    whole = []
    for i in range(args.runs):
        started = time.perf_counter()
        service.open(f"p{i}", "python", text)
        whole.append(time.perf_counter() - started)
        service.close(f"p{i}")
    rows.append(("  same through SyntaxService.open", f"{median_ms(whole):.2f} ms", ""))

    # -- incremental reparse after a one-character edit (alternately insert / delete a space)
    service.open("arg", "python", text)
    handle = service._docs["arg"].handle
    at = text.index(b"def parse_args") + 4
    inside, whole = [], []
    for i in range(args.runs):
        if i % 2 == 0:
            ptr = sandbox.call("bs_alloc", 1)
            sandbox.write(ptr, b"x")
            started = time.perf_counter()
            status = sandbox.call("bs_edit", handle, at, at, ptr, 1)
        else:
            started = time.perf_counter()
            status = sandbox.call("bs_edit", handle, at, at + 1, 0, 0)
        inside.append(time.perf_counter() - started)
        assert status == 1
    for i in range(args.runs):
        started = time.perf_counter()
        if i % 2 == 0:
            service.edit("arg", at, at, "x")
        else:
            service.edit("arg", at, at + 1, "")
        whole.append(time.perf_counter() - started)
    rows.append(("incremental reparse, 1-char edit, bs_edit", f"{median_ms(inside):.3f} ms", "<= 2 ms"))
    rows.append(("  same through SyntaxService.edit", f"{median_ms(whole):.3f} ms", ""))

    # -- errors and queries
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        service.errors("arg")
        samples.append(time.perf_counter() - started)
    rows.append(("errors(argparse.py) (none)", f"{median_ms(samples):.3f} ms", ""))
    broken = text.replace(b"def parse_args(self", b"def parse_args(self,,", 1)
    service.open("broken", "python", broken)
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        issues = service.errors("broken")
        samples.append(time.perf_counter() - started)
    rows.append((f"errors(argparse.py with 1 error) -> {len(issues)}", f"{median_ms(samples):.3f} ms", ""))
    locals_query = service.query_file("python", "locals")
    service.query("arg", locals_query)  # compile once
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        captures = service.query("arg", locals_query)
        samples.append(time.perf_counter() - started)
    rows.append((f"locals query on argparse.py -> {len(captures)} captures", f"{median_ms(samples):.2f} ms", ""))

    # -- memory: 50 open documents of 1,000 lines
    fresh = SyntaxService(loaded, Limits(deadline_ms=10_000, memory_bytes=1 << 30))
    baseline = fresh.memory_bytes()
    sources = [p.read_bytes() for p in sorted(STDLIB.glob("*.py"))]
    big = [s for s in sources if s.count(b"\n") >= 1000]
    for i in range(50):
        body = b"".join(big[i % len(big)].splitlines(keepends=True)[:1000])
        fresh.open(f"m{i}", "python", body)
    used = fresh.memory_bytes()
    rows.append(("linear memory, fresh instance", f"{baseline / 2**20:.1f} MiB", ""))
    rows.append(("linear memory, 50 open 1,000-line docs", f"{used / 2**20:.1f} MiB", ""))

    width = max(len(r[0]) for r in rows)
    print(f"\nbooster-syntax.wasm {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}…, {args.runs} runs\n")
    print(f"{'measure'.ljust(width)}  {'median':>12}  target")
    print(f"{'-' * width}  {'-' * 12}  ------")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:>12}  {target}")
    runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
