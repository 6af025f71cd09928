"""Bad modules written in WAT, served to a real booster through a user ``modules.lock``.

Every module has the plain-exports ABI (as gofmt): alloc / format / output_ptr /
output_len / dispose; ``format`` returns 0 unchanged, 1 changed, 2 error.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import wasmtime

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "wasm" / "modules"

PLAIN = """
(module
  {imports}
  (memory (export "memory") {pages})
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "output_ptr") (result i32) (i32.const {out_ptr}))
  (func (export "output_len") (result i32) {out_len})
  (func (export "dispose"))
  (func (export "format") (result i32) {body})
)
"""


def plain(body: str = "(i32.const 0)", *, out_len: str = "(i32.const 0)", out_ptr: int = 1024, pages: int = 1,
          imports: str = "") -> str:
    return PLAIN.format(body=body, out_len=out_len, out_ptr=out_ptr, pages=pages, imports=imports)


#: name -> WAT of each bad module
BAD = {
    "loop": plain("(loop $forever (br $forever)) (i32.const 0)"),
    "memory": plain("(loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable"),
    "trap": plain("unreachable"),
    # claims an output of 2 GiB - 1 (its memory is 64 KiB): refused before anything is read
    "huge_claim": plain("(i32.const 1)", out_len="(i32.const 2147483647)"),
    # a negative length (i32 -1)
    "negative_len": plain("(i32.const 1)", out_len="(i32.const -1)"),
    # a buffer that runs past the end of memory
    "out_of_bounds": plain("(i32.const 1)", out_len="(i32.const 4096)", out_ptr=65000),
    # an unknown result code
    "bad_code": plain("(i32.const 7)"),
    # an output that is not UTF-8
    "not_utf8": plain("(i32.store8 (i32.const 1024) (i32.const 255)) (i32.const 1)", out_len="(i32.const 1)"),
    # wrong ABI: no `format` export at all
    "wrong_abi": '(module (memory (export "memory") 1) (func (export "alloc") (param i32) (result i32) (i32.const 0)))',
    # asks the host for a function nobody provides (e.g. to open files through a private import)
    "foreign_import": plain(imports='(import "env" "open" (func $open (param i32 i32) (result i32)))'),
    # tries to open a file through WASI and to read the environment, then reports what it got:
    # the result code is 2 (error) with the WASI errno and the environment count as text
    "wasi_probe": plain(
        """
        (drop (call $environ_sizes_get (i32.const 0) (i32.const 4)))
        (i32.store8 (i32.const 2048) (i32.add (i32.const 48) (i32.load (i32.const 0))))
        (i32.store8 (i32.const 2049) (i32.const 32))
        (i32.store8 (i32.const 2050) (i32.add (i32.const 48)
          (call $path_open (i32.const 3) (i32.const 0) (i32.const 4096) (i32.const 11)
                           (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 8))))
        (i32.const 2)""",
        out_len="(i32.const 3)", out_ptr=2048,
        imports="""
        (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "path_open"
          (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (data (i32.const 4096) "/etc/passwd")""",
    ),
}


def lock_entry(name: str, binary: bytes, languages: list[str]) -> str:
    return (
        f'[modules.{name}]\npackage = "test"\nversion = "0"\nfile = "x"\n'
        f'sha256 = "{hashlib.sha256(binary).hexdigest()}"\nabi = "plain-gofmt"\n'
        f"languages = {languages!r}\noperations = [\"format\"]\n".replace("'", '"')
    )


def make_wasm_dir(directory: Path, modules: dict[str, tuple[str, list[str]]]) -> Path:
    """``directory`` with the real Python formatter and syntax module, plus ``modules``:
    name -> (WAT, languages it claims). Its ``modules.lock`` entries win over the checkout's."""
    for real in [*MODULES.glob("ruff_fmt.*"), *MODULES.glob("ruff_workspace.*"), MODULES / "booster-syntax.wasm", MODULES / "gofmt.wasm"]:
        shutil.copy(real, directory / real.name)
    entries = []
    for name, (wat, languages) in modules.items():
        binary = wasmtime.wat2wasm(wat)
        (directory / f"{name}.wasm").write_bytes(binary)
        entries.append(lock_entry(name, binary, languages))
    (directory / "modules.lock").write_text("\n".join(entries))
    return directory
