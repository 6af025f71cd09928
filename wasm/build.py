#!/usr/bin/env python3
"""Build wasm/modules/booster-syntax.wasm: tree-sitter + six grammars + wasm/src, with Zig's C
compiler from PyPI (`ziglang`), from the npm tarballs pinned in wasm/syntax-sources.lock.

    python wasm/build.py            build if any input changed (else write nothing)
    python wasm/build.py --force    rebuild the module (objects stay cached)
    python wasm/build.py --check    verify the installed module against the pinned sha256
    python wasm/build.py --pin      after a deliberate change: record the new output sha256
    python wasm/build.py --corpus   also fetch the test corpora pinned in the lock

Everything intermediate lives in wasm/build/ (gitignored): tarballs in sources/, extracted
trees in src/, objects in obj/ (keyed by inputs + flags), Zig's caches in zig-cache/.
The build is reproducible: no debug info, no paths, no timestamps; the same inputs give the
same bytes, and the output must match `[output] sha256` of the lock.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

WASM_DIR = Path(__file__).resolve().parent
LOCK = WASM_DIR / "syntax-sources.lock"
SRC_DIR = WASM_DIR / "src"
BUILD = WASM_DIR / "build"
SOURCES = BUILD / "sources"
EXTRACTED = BUILD / "src"
OBJ = BUILD / "obj"
ZIG_CACHE = BUILD / "zig-cache"
CORPUS = BUILD / "corpus"
STAMP = BUILD / "booster-syntax.stamp"
OUTPUT = WASM_DIR / "modules" / "booster-syntax.wasm"
ALLOC_HEADER = SRC_DIR / "booster_alloc.h"

TARGET = ["-target", "wasm32-wasi"]
# Speed of the parse (issue 4: argparse.py <= 15 ms with the deadline's epoch checks on):
# LTO plus a higher inline threshold fold tree-sitter's small static helpers (the lexer's
# advance / lookahead / column bookkeeping) into their callers, so fewer wasm calls, each
# of which pays an epoch and a stack check under wasmtime. (zig cc maps -O3 to -O2; forcing
# clang's -O3 made the parse slower, and so did -mno-bulk-memory; -mtail-call, -msimd128 and
# -fomit-frame-pointer made no difference. See docs/syntax-module.md.)
OPT = ["-O2", "-flto", "-mllvm", "-inline-threshold=1000"]
CFLAGS = [
    *OPT,
    "-g0",
    "-DNDEBUG",
    "-std=c11",
    "-D_DEFAULT_SOURCE",
    "-ffunction-sections",
    "-fdata-sections",
    "-fvisibility=hidden",
    "-Wno-unused-but-set-variable",
    "-Wno-unused-parameter",
    f"-ffile-prefix-map={BUILD}=build",
    f"-ffile-prefix-map={WASM_DIR}=wasm",
]
LDFLAGS = [
    "-O2",
    "-flto",  # zig cc ignores -mllvm at link time; the inline threshold acts at compile time
    "-mexec-model=reactor",
    "-Wl,--gc-sections",
    "-Wl,--strip-debug",
    "-Wl,-z,stack-size=1048576",
]


class BuildError(Exception):
    pass


def log(message: str) -> None:
    print(f"[build.py] {message}", file=sys.stderr, flush=True)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def load_lock() -> dict:
    with LOCK.open("rb") as handle:
        return tomllib.load(handle)


def zig(*args: str) -> list[str]:
    return [sys.executable, "-m", "ziglang", *args]


def zig_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ZIG_GLOBAL_CACHE_DIR"] = str(ZIG_CACHE)
    env["ZIG_LOCAL_CACHE_DIR"] = str(ZIG_CACHE)
    env["SOURCE_DATE_EPOCH"] = "0"
    return env


def zig_version() -> str:
    return subprocess.run(zig("version"), capture_output=True, text=True, check=True, env=zig_env()).stdout.strip()


def input_stamp() -> str:
    """Hash of every input: the lock (minus the pinned output), our C, this script, zig."""
    digest = hashlib.sha256()
    lock_text = LOCK.read_text()
    digest.update(re.sub(r"(?ms)^\[output\].*", "", lock_text).encode())
    for path in sorted(SRC_DIR.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(zig_version().encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- sources


def npm_fetch(package: str, version: str, sha256: str, dest: Path) -> Path:
    """`npm pack NAME@VERSION` into dest, verified against the pinned sha256."""
    dest.mkdir(parents=True, exist_ok=True)
    tarball = dest / f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"
    if tarball.exists() and sha256_file(tarball) == sha256:
        return tarball
    log(f"npm pack {package}@{version}")
    result = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--pack-destination", str(dest), "--silent"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not tarball.exists():
        raise BuildError(f"npm pack {package}@{version} failed: {result.stderr.strip()}")
    actual = sha256_file(tarball)
    if actual != sha256:
        tarball.unlink()
        raise BuildError(
            f"{package}@{version}: tarball sha256 {actual} does not match the lock ({sha256}); refusing it"
        )
    return tarball


def extract(tarball: Path, sha256: str, dest: Path) -> Path:
    """Extract the tarball's package/ into dest (once per tarball hash)."""
    marker = dest / ".sha256"
    if marker.exists() and marker.read_text() == sha256:
        return dest / "package"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(dest, filter="data")
    marker.write_text(sha256)
    return dest / "package"


def prepare_sources(lock: dict) -> list[tuple[dict, Path]]:
    prepared = []
    for source in lock["source"]:
        tarball = npm_fetch(source["package"], source["version"], source["sha256"], SOURCES)
        root = extract(tarball, source["sha256"], EXTRACTED / source["name"])
        for unit in source["units"]:
            if not (root / unit).is_file():
                raise BuildError(f"{source['package']}@{source['version']} has no {unit}")
        prepared.append((source, root))
    return prepared


def fetch_corpora(lock: dict) -> None:
    for corpus in lock.get("corpus", []):
        tarball = npm_fetch(corpus["package"], corpus["version"], corpus["sha256"], SOURCES)
        root = extract(tarball, corpus["sha256"], CORPUS / corpus["name"])
        log(f"corpus {corpus['name']}: {root}")
    # Go and Rust corpora come from Debian packages (see docs/syntax-module.md).
    missing = [p for p, path in (("golang-1.19-src", "/usr/lib/go/src/fmt"), ("librust-syn-dev", "/usr/share/cargo/registry")) if not Path(path).exists()]
    if missing:
        log("system corpora missing; install them with: apt-get install -y " + " ".join(missing))


# --------------------------------------------------------------------------- compile


def compile_units(prepared: list[tuple[dict, Path]], jobs: int) -> list[Path]:
    runtime_root = next(root for source, root in prepared if source["name"] == "runtime")
    runtime_source = next(source for source, _ in prepared if source["name"] == "runtime")
    runtime_includes = [str(runtime_root / inc) for inc in runtime_source["include"]]
    zver = zig_version()
    tasks: list[tuple[list[str], Path, Path]] = []  # (command, source file, object)

    def add(name: str, unit: str, src: Path, includes: list[str], content_key: str, extra: tuple[str, ...] = ()) -> None:
        flags = [*TARGET, *CFLAGS]
        key = sha256_bytes(json.dumps([zver, flags, name, unit, content_key]).encode())[:20]
        obj = OBJ / f"{name}-{unit.replace('/', '_').removesuffix('.c')}-{key}.o"
        command = zig("cc", *flags, *extra, *[f"-I{inc}" for inc in includes], "-c", str(src), "-o", str(obj))
        tasks.append((command, src, obj))

    # Every tree-sitter unit (runtime and external scanners) allocates through our allocator:
    # their alloc.h takes ts_malloc & co from the client when they are already defined, and
    # this header defines them (see wasm/src/booster_alloc.h).
    alloc = ("-include", str(ALLOC_HEADER))
    alloc_key = sha256_bytes(ALLOC_HEADER.read_bytes())
    for source, root in prepared:
        # A grammar unit sees only its own src/ (and so its own bundled tree_sitter/parser.h;
        # TypeScript's common/scanner.h includes it too).
        for unit in source["units"]:
            src = root / unit
            includes = runtime_includes if source["name"] == "runtime" else [str(src.parent)]
            add(source["name"], unit, src, includes, source["sha256"] + alloc_key, alloc)
    ours = hashlib.sha256()
    for path in sorted(SRC_DIR.iterdir()):
        if path.is_file():
            ours.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in sorted(SRC_DIR.glob("*.c")):
        add("booster", path.name, path, [runtime_includes[0], str(SRC_DIR)], ours.hexdigest())

    OBJ.mkdir(parents=True, exist_ok=True)
    todo = [t for t in tasks if not t[2].exists()]
    log(f"compiling {len(todo)} of {len(tasks)} units ({jobs} jobs)")

    def run(task: tuple[list[str], Path, Path]) -> None:
        command, src, obj = task
        started = time.monotonic()
        tmp = obj.with_suffix(".tmp.o")
        command = [*command[:-1], str(tmp)]
        result = subprocess.run(command, capture_output=True, text=True, env=zig_env())
        if result.returncode != 0:
            raise BuildError(f"compiling {src} failed:\n{result.stderr}")
        os.replace(tmp, obj)
        log(f"  {src.relative_to(BUILD) if src.is_relative_to(BUILD) else src.name}: {time.monotonic() - started:.1f} s")

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(run, t) for t in todo]:
            future.result()
    return [t[2] for t in tasks]


def link(objects: list[Path]) -> bytes:
    out = BUILD / "booster-syntax.wasm"
    command = zig("cc", *TARGET, *LDFLAGS, *[str(o) for o in objects], "-o", str(out))
    result = subprocess.run(command, capture_output=True, text=True, env=zig_env())
    if result.returncode != 0:
        raise BuildError(f"link failed:\n{result.stderr}")
    return out.read_bytes()


# --------------------------------------------------------------------------- main


def pin_output(sha256: str) -> None:
    text = LOCK.read_text()
    text = re.sub(r'(?ms)^(\[output\]\s*\nsha256\s*=\s*)"[0-9a-f]*"', rf'\g<1>"{sha256}"', text)
    LOCK.write_text(text)
    log(f"pinned [output] sha256 = {sha256} in {LOCK.name}")


def check(lock: dict) -> int:
    pinned = lock.get("output", {}).get("sha256", "")
    if not OUTPUT.exists():
        log(f"{OUTPUT} is missing; run: python wasm/build.py")
        return 1
    actual = sha256_file(OUTPUT)
    if actual != pinned:
        log(f"{OUTPUT.name} sha256 {actual} != pinned {pinned or '(none)'}")
        return 1
    log(f"{OUTPUT.name} OK ({OUTPUT.stat().st_size} bytes, sha256 {actual})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if the inputs did not change")
    parser.add_argument("--check", action="store_true", help="verify the installed module, build nothing")
    parser.add_argument("--pin", action="store_true", help="record the built module's sha256 in the lock")
    parser.add_argument("--corpus", action="store_true", help="also fetch the test corpora")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    started = time.monotonic()
    lock = load_lock()
    if args.check:
        return check(lock)
    try:
        if args.corpus:
            fetch_corpora(lock)
        pinned = lock.get("output", {}).get("sha256", "")
        stamp = input_stamp()
        current = STAMP.exists() and STAMP.read_text() == stamp and OUTPUT.exists()
        if current and not args.force and not args.pin:
            if pinned and sha256_file(OUTPUT) != pinned:
                raise BuildError(f"{OUTPUT} does not match the pinned sha256; run: python wasm/build.py --force")
            log(f"{OUTPUT.name} is up to date ({time.monotonic() - started:.2f} s)")
            return 0
        prepared = prepare_sources(lock)
        objects = compile_units(prepared, max(1, args.jobs))
        data = link(objects)
        actual = sha256_bytes(data)
        if args.pin:
            pin_output(actual)
        elif actual != pinned:
            raise BuildError(
                f"built module sha256 {actual} != pinned {pinned or '(none)'} in {LOCK.name}.\n"
                "If the inputs changed on purpose (lock, wasm/src, build.py, zig version), verify that two\n"
                "clean builds agree (rm -rf wasm/build && python wasm/build.py --force, twice), then run\n"
                "    python wasm/build.py --force --pin\n"
                f"The unverified module is at {BUILD / 'booster-syntax.wasm'}."
            )
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        if not OUTPUT.exists() or OUTPUT.read_bytes() != data:
            tmp = OUTPUT.with_suffix(".wasm.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, OUTPUT)
        STAMP.write_text(stamp)
        log(f"built {OUTPUT} ({len(data)} bytes, sha256 {actual}) in {time.monotonic() - started:.1f} s")
        return 0
    except BuildError as exc:
        log(f"FAILED after {time.monotonic() - started:.1f} s: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
