"""Property tests: random and mutated real files through format, lint, rename and extract.

- nothing raises: every outcome is a result (success, or an error with a kind);
- a failed transformation returns the input unchanged;
- formatting is idempotent;
- the LSP edits made from a result (UTF-16 and UTF-8 positions), applied as a client
  applies them, give exactly the result's text (line endings kept, as the server does).
"""

from __future__ import annotations

import os
import re
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.lsp.document_store import DocumentSnapshot
from booster_lsp.lsp.convert import document_edits, text_edits_of
from booster_lsp.lsp.format_engine import format_snapshot
from booster_lsp.text.edits import keep_line_endings
from booster_lsp.text.positions import PositionEncoding

pytestmark = pytest.mark.wasm

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "refactor"
EXTENSIONS = {"python": "py", "javascript": "js", "typescript": "ts", "go": "go", "rust": "rs"}
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _seeds() -> dict[str, list[str]]:
    seeds = {lang: [p.read_text() for p in sorted((FIXTURES / lang).glob(f"*.{ext}"))] for lang, ext in EXTENSIONS.items()}
    for name in ("textwrap.py", "bisect.py", "colorsys.py", "shlex.py"):  # real files, tabs/form feeds/docstrings
        seeds["python"].append((STDLIB / name).read_text(encoding="utf-8"))
    return seeds


SEEDS = _seeds()
#: characters that break code in interesting ways, multi-unit ones included (UTF-16 surrogates)
NOISE = st.sampled_from(list("()[]{}:;,.=+-*/<>\"'`#\\\n\r\t ") + ["\r\n", "é", "😀", "中", "\x0c", "def ", "fn ",
                                                                      "func ", "let ", "return ", "if ", "    "])


@st.composite
def mutated(draw: st.DrawFn, language: str) -> str:
    text = draw(st.sampled_from(SEEDS[language]))
    for _ in range(draw(st.integers(0, 4))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "crlf", "swap"]))
        if kind == "insert":
            text = text[:at] + "".join(draw(st.lists(NOISE, min_size=1, max_size=4))) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "duplicate":
            text = text[:at] + text[at:at + draw(st.integers(1, 80))] + text[at:]
        elif kind == "crlf":
            text = text.replace("\n", "\r\n")
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def source(language: str) -> st.SearchStrategy[str]:
    return st.one_of(mutated(language), st.lists(NOISE, max_size=60).map("".join),
                     st.text(max_size=80))


@pytest.fixture(scope="module")
def booster() -> WASMBooster:
    return WASMBooster(BoosterConfig(cache_enabled=False, fallback_to_llm=False, quarantine_after=0), stats_path=None)


#: BOOSTER_PROPERTY_EXAMPLES=1000 for a longer hunt (CI: 60 per property)
PROPERTY = settings(max_examples=int(os.environ.get("BOOSTER_PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
LANGUAGES = st.sampled_from(sorted(EXTENSIONS))


def _apply(text: str, edits, encoding: str) -> str:
    """Apply LSP edits as a client does: lines split at \\n, \\r\\n and \\r only; ``character``
    counted in the negotiated unit."""
    starts = [0]
    for match in re.finditer(r"\r\n|\r|\n", text):
        starts.append(match.end())

    def at(position) -> int:
        line_start = starts[position.line] if position.line < len(starts) else len(text)
        line_end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
        line = text[line_start:line_end].rstrip("\r\n")
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return line_start + index
            units += len(char.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(char.encode("utf-8"))
        return line_start + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:at(edit.range.start)] + edit.new_text + text[at(edit.range.end):]
    return text


def _mixes_cr_and_crlf(text: str) -> bool:
    """A bare CR next to CRLF: minimal_edits can split a CRLF pair (test_cr_before_crlf below)."""
    return "\r\r\n" in text or ("\r\n" in text and re.search(r"\r(?!\n)", text) is not None)


def _check_result(result, code: str) -> None:
    if not result.success:
        assert result.error and result.error_kind, result
        assert result.transformed_code == code


@PROPERTY
@given(data=st.data(), language=LANGUAGES)
def test_format_never_raises_is_idempotent_and_its_lsp_edits_give_the_result(booster, data, language):
    if language == "rust":
        language = "python"  # rust formatting is native rustfmt, not a module; covered by lint/rename
    code = data.draw(source(language))
    result = booster.transform_sync(code, "format", language)
    _check_result(result, code)
    if not result.success:
        return
    again = booster.transform_sync(result.transformed_code, "format", language)
    assert again.success and again.transformed_code == result.transformed_code, "not idempotent"
    snapshot = DocumentSnapshot(f"file:///p/x.{EXTENSIONS[language]}", language, 1, code)
    for encoding in (PositionEncoding.UTF16, PositionEncoding.UTF8):
        outcome = format_snapshot(booster, snapshot, encoding)
        assert outcome.result_json is not None, outcome.message
        applied = _apply(code, text_edits_of(outcome.result_json), encoding.value)
        assert applied == keep_line_endings(code, result.transformed_code)


@PROPERTY
@given(data=st.data(), language=LANGUAGES)
def test_lint_never_raises(booster, data, language):
    code = data.draw(source(language))
    result = booster.transform_sync(code, "lint", language, fix=data.draw(st.booleans()))
    _check_result(result, code)


@PROPERTY
@given(data=st.data(), language=LANGUAGES)
def test_rename_never_raises_and_its_edits_give_the_result(booster, data, language):
    code = data.draw(source(language))
    lines = code.split("\n")
    line = data.draw(st.integers(1, len(lines)))
    column = data.draw(st.integers(1, len(lines[line - 1]) + 1))
    result = booster.transform_sync(code, "rename", language, line=line, column=column, new_name="renamed_x")
    _check_result(result, code)
    if result.success and not _mixes_cr_and_crlf(code):
        snapshot = DocumentSnapshot(f"file:///p/x.{EXTENSIONS[language]}", language, 1, code)
        for encoding in (PositionEncoding.UTF16, PositionEncoding.UTF8):
            edits = document_edits(snapshot, result.transformed_code, encoding)
            assert _apply(code, edits, encoding.value) == keep_line_endings(code, result.transformed_code)


@PROPERTY
@given(data=st.data(), language=LANGUAGES)
def test_extract_function_never_raises(booster, data, language):
    code = data.draw(source(language))
    count = code.count("\n") + 1
    start = data.draw(st.integers(1, count))
    end = data.draw(st.integers(start, min(count, start + 8)))
    result = booster.transform_sync(code, "extract_function", language, start_line=start, end_line=end,
                                    function_name="extracted")
    _check_result(result, code)
    if result.success and language == "python":
        assert "def extracted" in result.transformed_code


@PROPERTY
@given(data=st.data(), language=LANGUAGES, kind=st.sampled_from(["simplify", "inline", "extract_constant"]))
def test_simple_refactors_never_raise(booster, data, language, kind):
    code = data.draw(source(language))
    lines = code.split("\n")
    line = data.draw(st.integers(1, len(lines)))
    column = data.draw(st.integers(1, len(lines[line - 1]) + 1))
    result = booster.transform_sync(code, "refactor_simple", language, refactor_type=kind, line=line, column=column,
                                    start_line=line, end_line=line, name="CONSTANT")
    _check_result(result, code)


def test_cr_before_crlf_rename_edits_give_the_result(booster):
    """Mixed line endings (a bare CR before a CRLF) are left as they are."""
    code = "import asyncio\r\r\n\r\r\nasyncio.run(main())\r\r\n"
    result = booster.transform_sync(code, "rename", "python", line=1, column=8, new_name="renamed_x")
    assert result.transformed_code == "import asyncio as renamed_x\r\r\n\r\r\nrenamed_x.run(main())\r\r\n"
    snapshot = DocumentSnapshot("file:///p/x.py", "python", 1, code)
    edits = document_edits(snapshot, result.transformed_code, PositionEncoding.UTF16)
    assert _apply(code, edits, "utf-16") == result.transformed_code
