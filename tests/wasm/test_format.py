"""FORMAT through the public API on the real modules, per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from booster_lsp import BoosterConfig, BoosterOperation, TransformationError, WASMBooster, WASMModuleNotFound
from booster_lsp.wasm.runtime import WasmRuntime

pytestmark = pytest.mark.wasm

MESSY = {
    "python": ("def foo():pass", "def foo():\n    pass\n", "wasm:ruff_workspace@0.15.20"),
    "javascript": ("const a={b:1}", "const a = { b: 1 };\n", "wasm:dprint_typescript@0.96.1"),
    "javascriptreact": ("const a=<div className='x'>{y}</div>", 'const a = <div className="x">{y}</div>;\n',
                        "wasm:dprint_typescript@0.96.1"),
    "typescript": ("let x:number=1", "let x: number = 1;\n", "wasm:dprint_typescript@0.96.1"),
    "typescriptreact": ("const f=(p:P)=><b>{p.x}</b>", "const f = (p: P) => <b>{p.x}</b>;\n",
                        "wasm:dprint_typescript@0.96.1"),
    "go": ("package main\nfunc main(){x:=1\n_=x}", "package main\n\nfunc main() {\n\tx := 1\n\t_ = x\n}\n",
           "wasm:gofmt@0.7.3"),
    "json": ('{"a":[1,2]}', '{ "a": [1, 2] }\n', "wasm:dprint_json@0.24.0"),
    "markdown": ("# T\n*  a\n", "# T\n\n- a\n", "wasm:dprint_markdown@0.28.1"),
    "toml": ("a=1\n[b]\nc=[1,2]", "a = 1\n[b]\nc = [1, 2]\n", "wasm:dprint_toml@0.8.0"),
}

BROKEN = {
    # language: (code, line, column, message fragment)
    "python": ("def f(:\n    pass\n", 1, 7, "Expected a parameter"),
    "javascript": ("const a = (;\n", 1, 12, "Expression expected"),
    "typescript": ("let x: = 1;\n", 1, 8, "Expected"),
    "typescriptreact": ("const a = <div>;\n", 1, 12, "Unexpected token `div`"),
    "go": ("package main\nfunc main( {\n}\n", 2, 12, "expected ')'"),
}


@pytest.mark.parametrize("language", sorted(MESSY))
async def test_formats_each_language(booster: WASMBooster, language: str):
    code, expected, provider = MESSY[language]
    result = await booster.transform(code=code, operation=BoosterOperation.FORMAT, language=language)
    assert result.success, result.error
    assert result.transformed_code == expected
    assert result.used_wasm and result.provider == provider
    again = await booster.transform(code=expected, operation=BoosterOperation.FORMAT, language=language)
    assert again.transformed_code == expected  # idempotent


@pytest.mark.parametrize("language", sorted(MESSY))
def test_a_byte_order_mark_is_kept(booster: WASMBooster, language: str):
    """Every module drops it; formatting keeps it, as Ruff's and dprint's CLIs do."""
    code, expected, _ = MESSY[language]
    result = booster.transform_sync("\ufeff" + code, "format", language)
    assert result.success, result.error
    assert result.transformed_code == "\ufeff" + expected
    assert booster.transform_sync(result.transformed_code, "format", language).transformed_code == result.transformed_code


def test_a_syntax_error_after_a_byte_order_mark_is_placed_in_the_text_after_it(booster: WASMBooster):
    result = booster.transform_sync("\ufeffdef f(:\n    pass\n", "format", "python")
    assert not result.success and result.transformed_code == "\ufeffdef f(:\n    pass\n"
    assert (result.error_location.line, result.error_location.column) == (1, 7)


@pytest.mark.parametrize("language", sorted(BROKEN))
def test_syntax_error_is_reported_with_location_and_changes_nothing(booster: WASMBooster, language: str):
    code, line, column, fragment = BROKEN[language]
    result = booster.transform_sync(code, "format", language)
    assert not result.success
    assert result.transformed_code == code
    assert result.error_kind == "syntax"
    assert fragment in result.error
    assert (result.error_location.line, result.error_location.column) == (line, column)


def test_python_options_reach_ruff_as_a_real_object(booster: WASMBooster):
    code = "def f(a,b,):\n    return {'x':a,'y':b}\n"
    result = booster.transform_sync(
        code, "format", "python", line_width=30, indent_width=2, python={"quote_style": "single", "magic_trailing_comma": "ignore"}
    )
    assert result.transformed_code == "def f(a, b):\n  return {'x': a, 'y': b}\n"
    tabs = booster.transform_sync("if x:\n    y = 1\n", "format", "python", use_tabs=True)
    assert tabs.transformed_code == "if x:\n\ty = 1\n"
    crlf = booster.transform_sync("x=1\r\ny=2\r\n", "format", "python")
    assert crlf.transformed_code == "x = 1\r\ny = 2\r\n"
    to_lf = booster.transform_sync("x=1\r\ny=2\r\n", "format", "python", line_ending="lf")
    assert to_lf.transformed_code == "x = 1\ny = 2\n"
    to_crlf = booster.transform_sync("x=1\ny=2\n", "format", "python", line_ending="crlf")
    assert to_crlf.transformed_code == "x = 1\r\ny = 2\r\n"


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"line_width": 60, "indent_width": 2, "python": {"quote_style": "single", "magic_trailing_comma": "ignore"}},
        {"use_tabs": True, "line_ending": "crlf", "python": {"docstring_code": True, "preview": True}},
    ],
    ids=["defaults", "narrow-single-quotes", "tabs-crlf-preview"],
)
def test_both_ruff_builds_format_alike(booster: WASMBooster, options: dict):
    """Whole files go to Ruff's own build, ranges to wasm-fmt's: one Ruff, one style, and the
    options mean the same to both (one maps them to ruff.toml keys, the other to its own)."""
    import os

    from booster_lsp.core.providers import FormatRequest, RuffFormatProvider, RuffWorkspaceFormatProvider

    config = booster.config.model_copy(update={k: v for k, v in options.items() if k != "python"})
    config = config.model_copy(update={"python": config.python.model_copy(update=options.get("python", {}))})
    whole = booster.format_provider("python")
    assert isinstance(whole, RuffWorkspaceFormatProvider)
    ranges = RuffFormatProvider(booster.registry.specs["ruff_fmt"], booster.registry, booster.runtime, config)
    stdlib = Path(os.__file__).parent
    files = [stdlib / name for name in ("shlex.py", "textwrap.py", "argparse.py", "dataclasses.py", "typing.py", "ast.py")]
    compared = 0
    for path in files:
        request = FormatRequest(path.read_text(encoding="utf-8"), "python", config)
        formatted = whole.format(request).text
        try:
            other = ranges.format(request).text
        except TransformationError as error:
            # wasm-fmt's build traps on ast.py's docstring examples; Ruff's own does not.
            assert options.get("python", {}).get("docstring_code") and path.name == "ast.py", error
            continue
        assert formatted == other, path.name
        compared += 1
    assert compared >= len(files) - 1


def test_python_formats_with_ruff_fmt_while_ruffs_own_build_compiles(tmp_path: Path):
    runtime = WasmRuntime(artifact_dir=tmp_path)  # a machine that has compiled nothing yet
    runtime.compile_in_background = True  # as the language server runs it
    booster = WASMBooster(BoosterConfig(cache_enabled=False), runtime=runtime, stats_path=None)
    first = booster.transform_sync("x=1", "format", "python")
    # Ruff's own build takes ~6 s to compile, ruff_fmt 0.6 s: the first request does not wait.
    assert first.success and first.transformed_code == "x = 1\n"
    assert first.provider == "wasm:ruff_fmt@0.15.20"
    provider = booster.format_provider("python")
    assert provider.ready.wait(300), "Ruff's own build did not compile"
    later = booster.transform_sync("y=2", "format", "python")
    assert later.transformed_code == "y = 2\n" and later.provider == "wasm:ruff_workspace@0.15.20"
    assert runtime.artifacts.is_compiled(provider.spec.sha256)  # the next process loads it at once
    runtime.close()


def test_new_settings_keep_loaded_modules_unless_the_module_directory_changes(tmp_path: Path):
    booster = WASMBooster(BoosterConfig(cache_enabled=False), stats_path=None)
    provider = booster.format_provider("python")
    spelled_out = booster.config.model_copy(update={"wasm_dir": str(booster.registry.wasm_dir), "line_width": 100})
    booster.update_config(spelled_out)
    assert booster.format_provider("python") is provider  # same directory, written differently
    booster.update_config(booster.config.model_copy(update={"wasm_dir": str(tmp_path)}))
    assert booster.registry.wasm_dir == tmp_path
    with pytest.raises(WASMModuleNotFound):  # looked up again, in the new (empty) directory
        booster.format_provider("python")


def test_dprint_options_global_and_plugin(booster: WASMBooster):
    code = "const s = 'a' + \"b\"\n"
    result = booster.transform_sync(code, "format", "typescript", indent_width=4,
                                    dprint={"typescript": {"quoteStyle": "alwaysSingle", "semiColons": "asi"}})
    assert result.transformed_code == "const s = 'a' + 'b'\n"
    wrapped = booster.transform_sync("call(aaaaaaaa, bbbbbbbb, cccccccc)\n", "format", "javascript", line_width=20)
    assert wrapped.transformed_code == "call(\n  aaaaaaaa,\n  bbbbbbbb,\n  cccccccc,\n);\n"


def test_invalid_dprint_option_is_a_config_error(booster: WASMBooster):
    result = booster.transform_sync("let a = 1;\n", "format", "typescript", dprint={"typescript": {"quoteStyle": "fancy"}})
    assert not result.success and result.error_kind == "config" and "quoteStyle" in result.error


def test_range_formatting_python_touches_only_the_range(booster: WASMBooster):
    code = "a  =  1\nb  =  2\nc  =  3\n"
    start = code.index("b")
    result = booster.transform_sync(code, "format", "python", byte_range=(start, start + 7))
    assert result.transformed_code == "a  =  1\nb = 2\nc  =  3\n"


def test_unsupported_operations_say_so(booster: WASMBooster):
    result = booster.transform_sync('{"a": 1}\n', BoosterOperation.EXTRACT_FUNCTION, "json", _llm=False)
    assert not result.success and result.error_kind == "unsupported"
    assert result.error == "no module performs extract_function for json"
    assert result.transformed_code == '{"a": 1}\n'


def test_language_from_path_and_unknown_language(booster: WASMBooster):
    assert booster.transform_sync("x=1", "format", path="a/b.py").transformed_code == "x = 1\n"
    unknown = booster.transform_sync("x", "format", "cobol")
    assert not unknown.success and unknown.error == "no module formats cobol"


def test_cache_hit_and_module_hash_in_key(cached_booster: WASMBooster):
    cached_booster.clear_cache()
    first = cached_booster.transform_sync("y  =  2", "format", "python")
    second = cached_booster.transform_sync("y  =  2", "format", "python")
    assert not first.cache_hit and second.cache_hit and second.provider == "cache"
    assert second.transformed_code == first.transformed_code
    other_options = cached_booster.transform_sync("y  =  2", "format", "python", line_width=50)
    assert not other_options.cache_hit
    uncached = cached_booster.transform_sync("y  =  2", "format", "python", _cache=False)
    assert not uncached.cache_hit


def test_cache_hits_only_the_same_text(cached_booster: WASMBooster):
    cached_booster.clear_cache()
    text = "".join(["z  =  ", "[1,", "2]\n"] * 50)
    cached_booster.transform_sync(text, "format", "python")
    equal = "".join(["z  =  ", "[1,", "2]\n"] * 50)  # another string object, the same text
    assert equal is not text and cached_booster.transform_sync(equal, "format", "python").cache_hit
    one_more_space = text[:-2] + " ]\n"
    other = cached_booster.transform_sync(one_more_space, "format", "python")
    assert not other.cache_hit and other.transformed_code == cached_booster.transform_sync(text, "format", "python").transformed_code


def test_statistics_count_what_happened():
    from booster_lsp import BoosterConfig

    booster = WASMBooster(BoosterConfig(), stats_path=None)
    booster.transform_sync("a=1", "format", "python")
    booster.transform_sync("a=1", "format", "python")
    booster.transform_sync("def (", "format", "python")
    stats = booster.get_statistics()
    assert (stats.total_transformations, stats.wasm_hits, stats.cache_hits, stats.failures) == (3, 1, 1, 1)
    assert stats.operation_stats["format"].count == 3
    assert stats.total_time_saved_ms > 9000 and stats.estimated


def test_stubs_are_formatted_as_ruff_formats_stubs(tmp_path: Path, cached_booster: WASMBooster):
    """A `.pyi` file in Ruff's stub style, as `ruff format` writes it, on the stubs installed in
    this venv; and the same text as a `.py` file the usual way (the two are cached apart)."""
    import site
    import subprocess
    import sys

    ruff = Path(sys.executable).parent / "ruff"
    stubs = sorted(path for root in site.getsitepackages() for path in Path(root).rglob("*.pyi"))
    assert len(stubs) >= 10, stubs
    differences = []
    for number, stub in enumerate(stubs):
        text = stub.read_text(encoding="utf-8")
        target = tmp_path / f"stub{number}.pyi"  # no project configuration around it, for both
        target.write_text(text, encoding="utf-8")
        native = subprocess.run([ruff, "format", "--stdin-filename", target.name, "-"], input=text, capture_output=True,
                                text=True, cwd=tmp_path)
        ours = cached_booster.transform_sync(text, "format", "python", path=str(target))
        if native.returncode != 0 or not ours.success or ours.transformed_code != native.stdout:
            differences.append(stub)
    assert not differences, differences
    stub_text = "class A:\n\n    def f(self) -> int: ...\n\n\n    def g(self) -> None: ...\n"
    as_stub = cached_booster.transform_sync(stub_text, "format", "python", path=str(tmp_path / "a.pyi"))
    as_module = cached_booster.transform_sync(stub_text, "format", "python", path=str(tmp_path / "a.py"))
    assert as_stub.transformed_code == "class A:\n    def f(self) -> int: ...\n    def g(self) -> None: ...\n"
    assert as_module.transformed_code == "class A:\n    def f(self) -> int: ...\n\n    def g(self) -> None: ...\n"
