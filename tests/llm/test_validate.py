"""Answer extraction and the model-free checks of LLM answers (no server, no modules)."""

from __future__ import annotations

import pytest

from booster_lsp.errors import TransformationError
from booster_lsp.llm.budget import TokenBudget
from booster_lsp.llm.fallback import excluded
from booster_lsp.llm.prompts import build_prompt, extract_code, extract_name, line_range
from booster_lsp.core.operations import BoosterOperation
from booster_lsp.llm.validate import format_difference, rename_difference

pytestmark = [pytest.mark.unit, pytest.mark.llm]


@pytest.mark.parametrize("answer, code", [
    ("ok\n<booster-code>\nx = 1\n</booster-code>\n", "x = 1"),
    ("<booster-code>\n```python\nx = 1\n```\n</booster-code>", "x = 1"),
    ("<booster-code>\ns = '</booster-code>'\n</booster-code> done", "s = '</booster-code>'"),
    ("Here:\n```rust\nfn main() {}\n```\nThat's all.", "fn main() {}"),
    ("<booster-code>\r\na\r\n\r\nb\r\n</booster-code>", "a\n\nb"),
])
def test_extract_code(answer: str, code: str):
    assert extract_code(answer) == code


@pytest.mark.parametrize("answer, why", [
    ("The code looks fine to me.", "the answer has no code block"),
    ("```\na\n```\nor\n```\nb\n```", "several code blocks and no <booster-code> block"),
])
def test_extract_code_rejects(answer: str, why: str):
    with pytest.raises(TransformationError, match=f"LLM answer rejected: {why}") as info:
        extract_code(answer)
    assert info.value.kind == "llm"


def test_extract_name():
    assert extract_name("<booster-name> total_area </booster-name>") == "total_area"
    assert extract_name("no name") is None


def test_format_difference_allows_whitespace_and_trailing_commas_only():
    before = "foo(a,b,)\n// a   comment\n"
    assert format_difference("rust", before, "foo(\n    a,\n    b\n)\n// a comment\n") is None
    assert format_difference("rust", before, "foo(a, c)\n// a comment\n") == "token 5 changed from 'b' to 'c'"
    assert format_difference("rust", "x", "x;") == "token 2 added: ';'"
    assert format_difference("python", "s = 'a  b'", "s = 'a b'") is not None  # strings are kept verbatim
    assert format_difference("rust", 'let s = r#"a "q" b"#;', 'let  s  =  r#"a "q" b"#;') is None


def test_rename_difference():
    before = "let x = 1; f(x); // x\n"
    assert rename_difference("rust", before, "let n = 1; f(n); // x\n", "x", "n") is None
    assert rename_difference("rust", before, before, "x", "n") == "`x` was not renamed"
    assert rename_difference("rust", before, "let n = 2; f(n); // x\n", "x", "n") == "'1' became '2', which is not the rename"
    assert rename_difference("rust", before, before, "x", "1n") == "'1n' is not an identifier"


def test_budget_window_expires():
    now = [0.0]
    budget = TokenBudget(clock=lambda: now[0])
    budget.charge(90)
    with pytest.raises(TransformationError, match="90 of 100 tokens"):
        budget.check(100, 20)
    budget.check(None, 10**9)  # no limit
    now[0] = 3601.0
    budget.check(100, 20)


def test_excluded_globs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    globs = ["*.env", "secrets/**", "/vendor/"]
    assert excluded(globs, "config/prod.env")
    assert excluded(globs, str(tmp_path / "secrets" / "a.rs"))
    assert excluded(globs, "vendor/lib.rs")
    assert not excluded(globs, "src/main.rs")
    assert not excluded([], "secrets/a.rs") and not excluded(globs, None)


def test_prompts_send_only_what_the_operation_needs():
    code = "".join(f"line{i} = {i}\n" for i in range(100))
    start, end = line_range(code, 50, 50)
    prompt = build_prompt(BoosterOperation.REFACTOR_SIMPLE, "python", code, (start, end), {})
    assert prompt.scope == "selection" and (prompt.start, prompt.end) == (start, end)
    assert "line49 = 49" in prompt.user and "line0 = 0" not in prompt.user and "line99" not in prompt.user
    whole = build_prompt(BoosterOperation.FORMAT, "python", code, None, {})
    assert whole.scope == "document" and "line0 = 0" in whole.user and "line99 = 99" in whole.user
    with pytest.raises(TransformationError, match="extract function needs a selection"):
        build_prompt(BoosterOperation.EXTRACT_FUNCTION, "python", code, None, {})
    with pytest.raises(TransformationError, match="the LLM does not perform lint"):
        build_prompt(BoosterOperation.LINT, "python", code, None, {})
