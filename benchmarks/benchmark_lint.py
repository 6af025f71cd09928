"""Lint of a ~300-line file per language, warm, in process (cache off): median and p95 ms.
Peer in the same run: native `ruff check` on the Python file (a process per call).

    .venv/bin/python benchmarks/benchmark_lint.py [--runs 50]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from booster_lsp import BoosterConfig, WASMBooster

ROOT = Path(__file__).resolve().parents[1]
STDLIB = Path(subprocess.check_output(["python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                                      text=True).strip())


def sample(language: str) -> str:
    if language == "python":
        lines = (STDLIB / "textwrap.py").read_text().splitlines(keepends=True)
        return "".join(lines[:300])
    unit = {
        "javascript": "function f{i}(a, b) {{\n  const t = a > b ? a : b;\n  if (t === null) {{ return 0; }}\n"
                      "  const o = {{ x: a, y: b }};\n  for (const k in o) {{ g(k); }}\n  return t + {i};\n}}\n\n",
        "typescript": "function f{i}(a: number, b: number): number {{\n  const t = a > b ? a : b;\n"
                      "  if (t === 0) {{ return 0; }}\n  const o = {{ x: a, y: b }};\n  for (const k in o) {{ g(k); }}\n"
                      "  return t + {i};\n}}\n\n",
        "go": "func f{i}(a, b int) int {{\n\tt := a\n\tif b > a {{\n\t\tt = b\n\t}}\n\tfor i := 0; i < t; i++ {{\n"
              "\t\tg(i)\n\t}}\n\treturn t + {i}\n}}\n\n",
        "rust": "fn f{i}(a: i32, b: i32) -> i32 {{\n    let t = if a > b {{ a }} else {{ b }};\n    for i in 0..t {{\n"
                "        g(i);\n    }}\n    if t == 0 {{\n        return 0;\n    }}\n    t + {i}\n}}\n\n",
    }[language]
    head = "package main\n\n" if language == "go" else ""
    body = "".join(unit.format(i=i) for i in range(40))
    return head + "".join(body.splitlines(keepends=True)[:300 - head.count("\n")])


def measure(fn, runs: int) -> tuple[float, float]:
    fn()
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    booster = WASMBooster(BoosterConfig(cache_enabled=False, performance_tracking=False), stats_path=None)
    booster.llm_by_default = False
    print(f"{'language':<12} {'lines':>5} {'diags':>5} {'median ms':>10} {'p95 ms':>8}")
    for language in ("python", "javascript", "typescript", "go", "rust"):
        code = sample(language)
        result = booster.transform_sync(code, "lint", language)
        assert result.success, result.error
        median, p95 = measure(lambda: booster.transform_sync(code, "lint", language), args.runs)
        print(f"{language:<12} {code.count(chr(10)):>5} {len(result.diagnostics):>5} {median:>10.2f} {p95:>8.2f}")
    ruff = ROOT / ".venv" / "bin" / "ruff"
    if ruff.exists():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sample.py"
            path.write_text(sample("python"))
            median, p95 = measure(lambda: subprocess.run([str(ruff), "check", "--isolated", "--no-cache", "--quiet",
                                                          str(path)], capture_output=True), max(10, args.runs // 5))
            print(f"{'native ruff':<12} {300:>5} {'':>5} {median:>10.2f} {p95:>8.2f}   (process per call)")


if __name__ == "__main__":
    shutil.which("true")
    main()
