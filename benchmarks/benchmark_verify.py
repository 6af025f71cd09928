"""verify's cost and false-rejection rate on real files: Python's standard library.

Formats N stdlib files with Ruff's WASM formatter and, on each output, times the two checks of
``verify`` separately (tree-sitter re-parse; Python AST equality) against the format itself,
and counts rejections (a rejection of a real formatter's output is a false rejection).

    .venv/bin/python benchmarks/benchmark_verify.py [--files 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import sysconfig
import time
from pathlib import Path

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.core.python_ast import NOT_COMPARED, ast_difference


def stdlib_files(count: int) -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and "test" not in p.parts
                   and "lib2to3" not in p.parts and "idle_test" not in p.parts)
    return files[:: max(1, len(files) // count)][:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    booster = WASMBooster(BoosterConfig(cache_enabled=False, verify=False, deadline_ms=20000), stats_path=None)
    syntax = booster.syntax
    rows = []
    rejected_ast, rejected_syntax, skipped, not_compared = [], [], 0, 0
    for path in stdlib_files(args.files):
        try:
            code = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            skipped += 1
            continue
        started = time.perf_counter()
        result = booster.transform_sync(code, "format", "python")
        fmt_ms = (time.perf_counter() - started) * 1000
        if not result.success:
            skipped += 1  # a file Ruff refuses (e.g. newer grammar): nothing to verify
            continue
        out = result.transformed_code
        started = time.perf_counter()
        if syntax.parse_errors("python", out) and syntax.new_errors("python", code, out):
            rejected_syntax.append(path.name)
        ts_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        difference = ast_difference(code, out)
        ast_ms = (time.perf_counter() - started) * 1000
        if difference == NOT_COMPARED:
            not_compared += 1
        elif difference is not None:
            rejected_ast.append((path.name, difference[:200]))
        rows.append((fmt_ms, ts_ms, ast_ms, code.count("\n")))
    fmt, ts, ast_ = (sum(r[i] for r in rows) for i in range(3))
    lines = sum(r[3] for r in rows)
    print(f"files verified: {len(rows)} ({lines} lines), skipped: {skipped}, AST not comparable: {not_compared}")
    print(f"false rejections: tree-sitter {len(rejected_syntax)}, AST {len(rejected_ast)}")
    for name, why in rejected_ast[:10]:
        print(f"  AST rejected {name}: {why}")
    print(f"{'':24}{'total ms':>10}{'median ms':>11}{'vs format':>11}")
    for label, total, index in (("format (Ruff, WASM)", fmt, 0), ("tree-sitter re-parse", ts, 1), ("Python AST equality", ast_, 2)):
        median = statistics.median(r[index] for r in rows)
        print(f"{label:24}{total:10.0f}{median:11.2f}{total / fmt * 100:10.0f}%")
    print(f"verify for Python (AST only; tree-sitter when CPython cannot parse the input): +{ast_ / fmt * 100:.0f}%; "
          f"both checks: +{(ts + ast_) / fmt * 100:.0f}%")
    sys.exit(1 if rejected_ast or rejected_syntax else 0)


if __name__ == "__main__":
    main()
