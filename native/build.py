#!/usr/bin/env python3
"""Build native/lib/libbooster_line_diff.so (.dylib on macOS): the line diff of the language
server's formatting edits (native/line_diff.c), with Zig's C compiler from PyPI (`ziglang`).

    python native/build.py           build if the source, flags or compiler changed
    python native/build.py --force   build anyway

Optional: without the library the language server computes the same edits in Python
(booster_lsp/text/edits.py), ~0.13 ms slower on a reformatted 350-line file. Not pinned like
the WASM modules: it is built for this machine (its libc, its CPU) from our own source only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

NATIVE_DIR = Path(__file__).resolve().parent
SOURCE = NATIVE_DIR / "line_diff.c"
LIB_DIR = NATIVE_DIR / "lib"
SUFFIXES = {"linux": ".so", "darwin": ".dylib"}
FLAGS = ["-O2", "-g0", "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror"]


def log(message: str) -> None:
    print(f"[native/build.py] {message}", file=sys.stderr, flush=True)


def zig(*args: str) -> list[str]:
    return [sys.executable, "-m", "ziglang", *args]


def zig_env() -> dict[str, str]:
    cache = str(NATIVE_DIR / "build" / "zig-cache")
    return {**os.environ, "ZIG_GLOBAL_CACHE_DIR": cache, "ZIG_LOCAL_CACHE_DIR": cache}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="build even if nothing changed")
    args = parser.parse_args(argv)
    suffix = SUFFIXES.get(sys.platform)
    if suffix is None:
        log(f"no native line diff on {sys.platform}: the language server computes its edits in Python")
        return 0
    output = LIB_DIR / f"libbooster_line_diff{suffix}"
    stamp = NATIVE_DIR / "build" / f"{output.name}.stamp"
    started = time.monotonic()
    try:
        version = subprocess.run(zig("version"), capture_output=True, text=True, check=True, env=zig_env()).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        log(f"Zig's C compiler is not available ({error}); pip install ziglang, or go without the native diff")
        return 1
    inputs = hashlib.sha256(SOURCE.read_bytes() + " ".join(FLAGS).encode() + version.encode()).hexdigest()
    if not args.force and output.exists() and stamp.exists() and stamp.read_text() == inputs:
        log(f"{output.relative_to(NATIVE_DIR.parent)} is up to date")
        return 0
    stamp.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".tmp")
    result = subprocess.run(zig("cc", *FLAGS, str(SOURCE), "-o", str(temporary)), capture_output=True, text=True,
                            env=zig_env())
    if result.returncode != 0:
        log(f"compiling {SOURCE.name} failed:\n{result.stderr}")
        return 1
    os.replace(temporary, output)  # a running server keeps the file it loaded
    stamp.write_text(inputs)
    log(f"built {output.relative_to(NATIVE_DIR.parent)} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
