"""Start-up: import ``lsprotocol.types`` with attrs' generated methods cached on disk.

``lsprotocol.types`` defines ~570 attrs classes; attrs writes the source of each class's
``__init__``, ``__repr__``, ``__eq__``, ... and compiles it, ~770 ``compile()`` calls that took
~130 ms of the module's ~280 ms import on the benchmark machine, on every start of the server
(pygls cannot run without the module). The compiled code depends only on that source, its
file name and the Python version, so it is kept in the user cache dir (``marshal``, keyed by
a hash of file name and source, one file per bytecode version; each code object marshalled
on its own, which loads in ~6 ms where one marshalled dict of them took ~22 ms) and reused:
the import then takes ~135 ms including loading the cache.

Only attrs' private ``_compile_and_eval`` is wrapped, only while ``lsprotocol.types`` is
imported, with the same arguments and effect; if attrs no longer has it, or the cache cannot
be read or written, the import simply runs as usual.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import logging
import marshal
import sys
from pathlib import Path
from typing import Any

from booster_lsp.atomic_file import replace_file

log = logging.getLogger(__name__)

CACHE_NAME = f"attrs-code-{importlib.util.MAGIC_NUMBER.hex()}-v2.marshal"


def import_lsprotocol_types() -> None:
    if "lsprotocol.types" in sys.modules:
        return
    try:
        import attr._make as attrs_make

        original = attrs_make._compile_and_eval
    except (ImportError, AttributeError):
        import lsprotocol.types  # noqa: F401
        return
    path = _cache_path()
    codes = _load(path) if path is not None else {}
    added: dict[bytes, bytes] = {}
    compile_cached = _cached_compiler(codes, added)

    def compile_and_eval(script: str, globs: Any, locs: Any = None, filename: str = "") -> None:
        eval(compile_cached(script, filename), globs, locs)  # noqa: S307 - what attrs itself does with the code

    attrs_make._compile_and_eval = compile_and_eval
    try:
        import lsprotocol.types  # noqa: F401
    finally:
        attrs_make._compile_and_eval = original
    if added and path is not None:
        _save(path, {**codes, **added})


def _cached_compiler(codes: dict[bytes, bytes], added: dict[bytes, bytes]) -> Any:
    """``compile(source, filename, "exec")`` answered from ``codes`` (key: a hash of file name
    and source, value: the marshalled code); what had to be compiled is put in ``added``."""

    def compile_cached(source: str, filename: str) -> Any:
        key = hashlib.blake2b(f"{filename}\0{source}".encode(), digest_size=16).digest()
        cached = codes.get(key)
        if cached is not None:
            return marshal.loads(cached)
        code = compile(source, filename, "exec")
        added[key] = marshal.dumps(code)
        return code

    return compile_cached


#: cattrs' generated (un)structure functions, cached the same way (cache_cattrs_code).
CATTRS_CACHE_NAME = f"cattrs-code-{importlib.util.MAGIC_NUMBER.hex()}-v1.marshal"


def cache_cattrs_code() -> None:
    """cattrs writes and compiles a structure or unstructure function for each class the
    first time it meets it: ~50 at start-up (initialize's params and result, didOpen,
    formatting), ~9 ms of ``compile()`` on the path to the first formatting response. Like
    attrs' code above, the compiled code depends only on that source and its file name: it
    is taken from a cache in the user cache dir, and what this process compiled anew is
    added to the cache when it exits. ``cattrs.gen`` calls ``compile`` by its global name, so
    a module global of that name is all it takes; without ``cattrs.gen``, or without a
    cache dir, nothing changes."""
    try:
        import cattrs.gen as generated
    except ImportError:  # pragma: no cover - pygls needs cattrs
        return
    path = _cache_path(CATTRS_CACHE_NAME)
    if path is None or "compile" in vars(generated):
        return
    codes = _load(path)
    added: dict[bytes, bytes] = {}
    compile_cached = _cached_compiler(codes, added)

    def cached_compile(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if mode != "exec" or args or kwargs or not isinstance(source, str) or not isinstance(filename, str):
            return compile(source, filename, mode, *args, **kwargs)
        return compile_cached(source, filename)

    generated.compile = cached_compile  # type: ignore[attr-defined]
    atexit.register(lambda: added and _save(path, {**codes, **added}))


def _cache_path(name: str = CACHE_NAME) -> Path | None:
    try:
        from booster_lsp.wasm.artifacts import user_cache_dir

        return user_cache_dir() / name
    except Exception:  # noqa: BLE001 - no cache dir: no cache
        return None


def _load(path: Path) -> dict[bytes, bytes]:
    try:
        with open(path, "rb") as file:
            codes = marshal.load(file)
        return codes if isinstance(codes, dict) else {}
    except (OSError, EOFError, ValueError, TypeError):
        return {}


def _save(path: Path, codes: dict[bytes, bytes]) -> None:
    try:
        replace_file(path, marshal.dumps(codes))  # a concurrent start reads the old or the new file
    except OSError as error:
        log.debug("attrs code cache not written: %s", error)


def configure_for_server(booster: Any) -> Any:
    """A WASMBooster as the language server uses it, from its first formatting on (the prelude
    formats before the server exists)."""
    booster.llm_by_default = False  # the LLM runs only in LLM code actions (codeAction/resolve)
    booster.runtime.compile_in_background = True  # a long-lived process: see WasmRuntime
    # verify re-parses every formatted document: +2 ms (+140 %) on a 300-line file, over the
    # 20 % the hardening issue allows on the request path; `verify: true` turns it on.
    booster.verify_by_default = False
    booster.stats.save_in_background = True  # never ~1 ms of a request for the statistics file
    return booster


#: pygls' converter, built before a fork (prepare_converter); taken by the first server.
_prepared_converter: Any = None


def prepare_converter() -> None:
    """For the fork server (lsp/fork_server.py), before it forks: build pygls' converter and
    have cattrs generate the functions of the messages every session starts with, so each
    child inherits them. Building one resolves the forward references of lsprotocol's ~570
    classes (~40 ms on the 2-core benchmark machine); the messages' functions are ~50 more
    classes (~30 ms)."""
    global _prepared_converter
    from lsprotocol import types
    from pygls.protocol import default_converter

    from booster_lsp.lsp import capabilities, code_actions

    converter = default_converter()
    document = {"uri": "file:///warm-up.py", "languageId": "python", "version": 1, "text": "x = 1\n"}
    client = {
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {"synchronization": {"didSave": True}, "formatting": {"dynamicRegistration": False},
                         "publishDiagnostics": {"relatedInformation": True}, "codeAction": {}},
        "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
        "window": {"workDoneProgress": True},
    }
    for params, kind in (
        ({"processId": 1, "rootUri": "file:///", "capabilities": client}, types.InitializeParams),
        ({}, types.InitializedParams),
        ({"textDocument": document}, types.DidOpenTextDocumentParams),
        ({"textDocument": {"uri": document["uri"]}, "options": {"tabSize": 4, "insertSpaces": True}},
         types.DocumentFormattingParams),
    ):
        converter.structure(params, kind)
    converter.unstructure(types.InitializeResult(
        capabilities=types.ServerCapabilities(
            position_encoding="utf-16",
            text_document_sync=types.TextDocumentSyncOptions(open_close=True, change=types.TextDocumentSyncKind.Incremental),
            document_formatting_provider=capabilities.FORMATTING_OPTIONS,
            document_range_formatting_provider=capabilities.RANGE_FORMATTING_OPTIONS,
            diagnostic_provider=capabilities.DIAGNOSTIC_OPTIONS,
            code_action_provider=code_actions.options(),
            rename_provider=capabilities.RENAME_OPTIONS,
            execute_command_provider=types.ExecuteCommandOptions(commands=["booster.stats"]),
            workspace=types.WorkspaceOptions(),
        ),
        server_info=types.ServerInfo(name="booster-lsp", version="0"),
    ))
    _prepared_converter = converter


def converter_factory() -> Any:
    """pygls' converter: the one prepare_converter built, once, else a new one."""
    global _prepared_converter
    converter, _prepared_converter = _prepared_converter, None
    if converter is None:
        from pygls.protocol import default_converter

        converter = default_converter()
    return converter
