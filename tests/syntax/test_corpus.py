"""No syntax errors on real code: Python's standard library, TypeScript's lib .d.ts files,
Go's standard library, Rust crates.

Corpora (the tests FAIL, never skip, when one is missing):
* Python: the interpreter's stdlib at PY_STDLIB (pyenv 3.11.7 here).
* TypeScript: typescript@5.6.3's lib/*.d.ts, fetched (pinned in wasm/syntax-sources.lock) by
  `python wasm/build.py --corpus`, which the session fixture runs.
* Go: Debian's golang-1.19-src (`apt-get install -y golang-go`) -> /usr/share/go-1.19/src.
* Rust: Debian's crate sources (`apt-get install -y librust-syn-dev librust-serde-dev
  librust-regex-syntax-dev`) -> /usr/share/cargo/registry.
Files the pinned grammars cannot parse (grammar limitations, not module bugs) are listed
explicitly below with the reason; nothing else is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PY_STDLIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
GO_SRC = Path("/usr/share/go-1.19/src")
RUST_REGISTRY = Path("/usr/share/cargo/registry")

PY_KNOWN_BAD = {
    # intentionally broken test data of the stdlib (not in the directories we walk today,
    # listed so that widening the walk keeps them out)
    "lib2to3/tests/data/bom.py",
    "lib2to3/tests/data/crlf.py",
    "lib2to3/tests/data/different_encoding.py",
    "lib2to3/tests/data/false_encoding.py",
    "lib2to3/tests/data/py2_test_grammar.py",
    "test/badsyntax_3131.py",
    "test/badsyntax_future3.py",
    "test/badsyntax_pep3120.py",
}
TS_KNOWN_BAD = {
    # tree-sitter-typescript 0.23.2 does not parse `[K in keyof readonly any[]]` (mapped type)
    "lib.es2015.symbol.wellknown.d.ts",
}
RUST_KNOWN_BAD = {
    # Rust 2015 `try!(...)`: `try` is a keyword for tree-sitter-rust
    "serde-1.0.152/src/de/ignored_any.rs",
    "serde-1.0.152/src/de/impls.rs",
    "serde-1.0.152/src/de/mod.rs",
    "serde-1.0.152/src/de/value.rs",
    "serde-1.0.152/src/private/de.rs",
    "serde-1.0.152/src/private/ser.rs",
    "serde-1.0.152/src/ser/impls.rs",
    "serde-1.0.152/src/ser/mod.rs",
    # macro_rules! patterns with `~`, `$` tokens and struct literal paths tree-sitter-rust 0.24 rejects
    "proc-macro2-1.0.47/src/fallback.rs",
    "syn-1.0.107/src/custom_punctuation.rs",
    "syn-1.0.107/src/generics.rs",
    "syn-1.0.107/src/token.rs",
    # `where Error: Send + Sync;` on a type alias; `impl Trait for ..` and raw-ident test inputs
    "syn-1.0.107/src/error.rs",
    "syn-1.0.107/tests/test_item.rs",
    "syn-1.0.107/tests/test_precedence.rs",
}


def _require(path: Path, how: str) -> None:
    if not path.is_dir():
        pytest.fail(f"corpus {path} is missing: {how}")


def _check(service, language: str, root: Path, files: list[Path], known_bad: set[str], minimum: int) -> None:
    assert len(files) >= minimum, f"only {len(files)} files under {root}"
    failures = []
    checked = 0
    for path in files:
        rel = path.relative_to(root).as_posix()
        if rel in known_bad:
            continue
        checked += 1
        issues = service.parse_errors(language, path.read_bytes())
        if issues:
            first = issues[0]
            failures.append(f"{rel}:{first.start[0] + 1}:{first.start[1] + 1}: {first.message}")
    assert failures == []
    assert checked >= minimum


def test_python_stdlib(shared_service):
    _require(PY_STDLIB, "the test expects CPython 3.11.7's stdlib from pyenv")
    files = sorted(PY_STDLIB.glob("*.py")) + sorted(
        p for d in ("asyncio", "email", "json", "importlib", "concurrent", "http", "logging", "xml", "unittest")
        for p in (PY_STDLIB / d).rglob("*.py")
    )
    files = [p for p in files if p.relative_to(PY_STDLIB).as_posix() not in PY_KNOWN_BAD]
    _check(shared_service, "python", PY_STDLIB, files, PY_KNOWN_BAD, 200)


def test_typescript_lib(shared_service, build):
    lib = build.CORPUS / "typescript-lib" / "package" / "lib"
    _require(lib, "run `python wasm/build.py --corpus`")
    files = sorted(lib.glob("*.d.ts"))
    _check(shared_service, "typescript", lib, files, TS_KNOWN_BAD, 80)
    # the same files through the TSX grammar are not expected to parse (`<T>` casts), so only TS.
    assert (lib / next(iter(TS_KNOWN_BAD))).exists(), "stale known-bad entry"


def test_go_stdlib(shared_service):
    _require(GO_SRC, "apt-get install -y golang-go (Debian's golang-1.19-src)")
    # testdata/ directories hold intentionally invalid Go.
    files = sorted(p for p in GO_SRC.rglob("*.go") if "testdata" not in p.parts)
    _check(shared_service, "go", GO_SRC, files[::5], set(), 500)


def test_rust_crates(shared_service):
    _require(RUST_REGISTRY, "apt-get install -y librust-syn-dev librust-serde-dev librust-regex-syntax-dev")
    files = sorted(RUST_REGISTRY.rglob("*.rs"))
    _check(shared_service, "rust", RUST_REGISTRY, files, RUST_KNOWN_BAD, 100)
    for rel in RUST_KNOWN_BAD:
        assert (RUST_REGISTRY / rel).exists(), f"stale known-bad entry {rel}"


def test_known_bad_files_really_fail(shared_service, build):
    """The skip lists stay honest: each listed file still has errors."""
    lib = build.CORPUS / "typescript-lib" / "package" / "lib"
    for rel in TS_KNOWN_BAD:
        assert shared_service.parse_errors("typescript", (lib / rel).read_bytes())
    for rel in RUST_KNOWN_BAD:
        assert shared_service.parse_errors("rust", (RUST_REGISTRY / rel).read_bytes()), rel
