"""The module as built: pinned hash, exports, imports, grammar ABI versions."""

from __future__ import annotations

import hashlib

import wasmtime

from booster_lsp.wasm.abi.syntax_v1 import LANGUAGE_IDS, SyntaxModuleV1


def test_module_matches_pinned_sha256(build, wasm_bytes):
    pinned = build.load_lock()["output"]["sha256"]
    assert hashlib.sha256(wasm_bytes).hexdigest() == pinned
    assert build.main(["--check"]) == 0


def test_exports_only_our_abi_and_imports_only_a_few_wasi_functions(loaded):
    exports = {e.name for e in loaded.module.exports}
    assert exports == {
        "memory", "_initialize", "bs_abi_version", "bs_alloc", "bs_free", "bs_result_ptr", "bs_result_len",
        "bs_open", "bs_edit", "bs_copy", "bs_close", "bs_errors", "bs_has_errors", "bs_symbols", "bs_language_abi",
        "bs_query_new", "bs_query_captures", "bs_query_free", "bs_query_run", "bs_tree_string",
    }
    imports = {(i.module, i.name) for i in loaded.module.imports}
    assert imports <= {("wasi_snapshot_preview1", n) for n in ("fd_write", "fd_seek", "fd_close", "clock_time_get")}


def test_every_grammar_abi_is_accepted_by_the_runtime(loaded):
    module = SyntaxModuleV1(loaded, __import__("booster_lsp.wasm.runtime", fromlist=["Limits"]).Limits())
    versions = {name: module.language_abi(lang) for name, lang in LANGUAGE_IDS.items()}
    # tree-sitter 0.25 accepts ABI 13..15; TypeScript 0.23.2 ships ABI 14, the others 15.
    assert versions == {"python": 15, "javascript": 15, "typescript": 14, "tsx": 14, "go": 15, "rust": 15}
    assert module.language_abi(99) == 0


def test_module_compiles_in_wasmtime(wasm_bytes):
    wasmtime.Module(wasmtime.Engine(), wasm_bytes)  # validates
