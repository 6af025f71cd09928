"""Benchmark of the core engine: FORMAT latency per language, cache hits, cold start,
snippet throughput, peak RSS, and `booster format DIR` against native ruff and black,
all measured in the same run on this machine.

    .venv/bin/python benchmarks/benchmark_booster.py [--repeat 50]

Inputs are real files already on the machine: Python's standard library, Go's sources
(Debian golang-go) and the JS/TS packages under tests/tools/node_modules (./setup.sh).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from booster_lsp import BoosterConfig, WASMBooster  # noqa: E402

STDLIB = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
BIN = Path(sys.executable).parent
NODE_MODULES = ROOT / "tests" / "tools" / "node_modules"

FILES = {
    "python": STDLIB / "queue.py",  # 326 lines
    "typescript": NODE_MODULES / "typescript" / "lib" / "lib.scripthost.d.ts",  # 322 lines
    "javascript": NODE_MODULES / "vscode-jsonrpc" / "lib" / "common" / "linkedMap.js",  # 398 lines
    "go": Path("/usr/lib/go/src/syscall/exec_unix.go"),  # 306 lines
}
SNIPPETS = {"python": "def f(a,b):return a+b\n", "typescript": "let x={a:1}\n", "go": "package p\nfunc f(){}\n"}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def time_calls(func, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def in_process(repeat: int) -> list[tuple[str, ...]]:
    rows = []
    # verify off: the module path itself; the cost of verify has its own row below
    uncached = WASMBooster(BoosterConfig(cache_enabled=False, verify=False), stats_path=None)
    cached = WASMBooster(BoosterConfig(verify=False), stats_path=None)
    for language, path in FILES.items():
        if not path.exists():
            rows.append((language, f"missing {path}", "", "", "", ""))
            continue
        code = path.read_text(encoding="utf-8")
        lines = code.count("\n")
        uncached.transform_sync(code, "format", language)  # warm: module loaded, instance created
        warm = time_calls(lambda: uncached.transform_sync(code, "format", language), repeat)
        cached.transform_sync(code, "format", language)
        hits = time_calls(lambda: cached.transform_sync(code, "format", language), repeat * 10)
        snippet = SNIPPETS.get(language)
        throughput = ""
        if snippet:
            count, start = 0, time.perf_counter()
            while time.perf_counter() - start < 1.0:
                uncached.transform_sync(snippet + f"# {count}\n" * 0, "format", language)
                count += 1
            throughput = f"{count / (time.perf_counter() - start):.0f}/s"
        rows.append((language, f"{lines}", f"{median_ms(warm):.2f}", f"{p95_ms(warm):.2f}",
                     f"{median_ms(hits) * 1000:.1f} µs", throughput))
    verified = WASMBooster(BoosterConfig(cache_enabled=False, verify=True), stats_path=None)
    code = FILES["python"].read_text(encoding="utf-8")
    verified.transform_sync(code, "format", "python")
    samples = time_calls(lambda: verified.transform_sync(code, "format", "python"), repeat)
    rows.append(("python + verify (CLI default)", "", f"{median_ms(samples):.2f}", f"{p95_ms(samples):.2f}", "", ""))
    return rows


def native_peers(repeat: int) -> list[tuple[str, str]]:
    rows = []
    code = FILES["python"].read_text(encoding="utf-8")
    ruff, black = BIN / "ruff", BIN / "black"
    if ruff.exists():
        samples = time_calls(lambda: subprocess.run([str(ruff), "format", "--isolated", "-"], input=code,
                                                    capture_output=True, text=True), max(5, repeat // 5))
        rows.append(("ruff format - (process, incl. spawn)", f"{median_ms(samples):.2f}"))
    if black.exists():
        samples = time_calls(lambda: subprocess.run([str(black), "-q", "-"], input=code, capture_output=True,
                                                    text=True), max(5, repeat // 10))
        rows.append(("black - (process, incl. spawn)", f"{median_ms(samples):.2f}"))
        try:
            import black as black_lib

            mode = black_lib.Mode()
            samples = time_calls(lambda: black_lib.format_str(code, mode=mode), max(5, repeat // 5))
            rows.append(("black.format_str (in process)", f"{median_ms(samples):.2f}"))
        except ImportError:
            pass
    return rows


def cold_start() -> float:
    """New process, compiled-module cache warm: import, load the Python formatter, format one file."""
    script = (
        "import time; t=time.perf_counter();"
        "from booster_lsp import WASMBooster, BoosterConfig;"
        "b=WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None);"
        f"r=b.transform_sync(open({str(FILES['python'])!r}).read(), 'format', 'python');"
        "print((time.perf_counter()-t)*1000)"
    )
    subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)  # make sure the cache is warm
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


def directory_run() -> list[tuple[str, str]]:
    """`booster format DIR` vs `ruff format DIR` vs `black DIR` on a copy of 200 stdlib files."""
    sources = sorted(p for p in STDLIB.glob("*.py") if p.stat().st_size < 200_000)[:200]
    rows = []
    commands = {
        "booster format DIR": [str(BIN / "booster"), "format", "--no-cache"],
        "booster format --fast DIR": [str(BIN / "booster"), "format", "--no-cache", "--fast"],
        "ruff format DIR": [str(BIN / "ruff"), "format", "--isolated", "--no-cache"],
        "black DIR": [str(BIN / "black"), "-q"],
    }
    timings = {}
    for name, command in commands.items():
        if not Path(command[0]).exists():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for source in sources:
                shutil.copy(source, Path(tmp) / source.name)
            start = time.perf_counter()
            subprocess.run(command + [tmp], capture_output=True)
            timings[name] = time.perf_counter() - start
    for name, seconds in timings.items():
        rows.append((f"{name} ({len(sources)} files)", f"{seconds * 1000:.0f}"))
    for name in ("booster format DIR", "booster format --fast DIR"):
        if name not in timings:
            continue
        ours = timings[name]
        if "black DIR" in timings:
            rows.append((f"  black / {name}", f"{timings['black DIR'] / ours:.1f}x"))
        if "ruff format DIR" in timings:
            rows.append((f"  {name} / ruff", f"{ours / timings['ruff format DIR']:.1f}x"))
    return rows


def table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    table("In-process FORMAT (warm; cache off unless stated)",
          ("language", "lines", "median ms", "p95 ms", "cache hit", "snippets"), in_process(args.repeat))
    table("Native peers on the same Python file", ("peer", "median ms"), native_peers(args.repeat))
    table("Cold start: new process -> first formatted file (compiled-module cache warm)",
          ("what", "median ms"), [("python -c 'WASMBooster...transform'", f"{cold_start():.0f}")])
    table("Formatting a directory", ("command", "ms"), directory_run())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak RSS of this process (Python, TS, Go modules loaded): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
