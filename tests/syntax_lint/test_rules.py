"""booster's JS/TS/Go/Rust lint rules: for every rule a positive fixture (exact code and
position), a negative fixture (idiomatic code that must not be flagged) and, where the rule
has a fix, the exact fixed text; every fixed text parses without errors (syntax module)."""

from __future__ import annotations

import pytest

from booster_lsp import BoosterConfig, WASMBooster
from booster_lsp.core.syntax_lint import ALL_RULES

pytestmark = pytest.mark.wasm

# code: (language, positive, (line, column), negative, fixed or None)
CASES = {
    "BJS001": ("javascript", "function f() {\n  debugger;\n  return 1;\n}\n", (2, 3),
               "function f() {\n  return 1;\n}\n", "function f() {\n  return 1;\n}\n"),
    "BJS002": ("javascript", "const o = { a: 1, b: 2, a: 3 };\n", (1, 25),
               "const o = { a: 1, b: { a: 2 } };\n", None),
    "BJS003": ("javascript", "function f() {\n  return 1;\n  g();\n}\n", (3, 3),
               "function f() {\n  if (x) return 1;\n  g();\n  function h() {}\n}\n", None),
    "BJS004": ("javascript", "if (x) {}\n", (1, 8), "if (x) {\n  // nothing to do yet\n}\n", None),
    "BJS005": ("javascript", "if (a.b === a.b) g();\n", (1, 5), "if (a.b === a.c) g();\n", None),
    "BJS006": ("javascript", "const t = a > b ? true : false;\nconst u = c ? false : true;\n", (1, 11),
               "const t = a ? b : false;\n", "const t = a > b;\nconst u = !c;\n"),
    "BJS007": ("javascript", "if (done === true) g();\n", (1, 5), "if (done) g();\n", "if (done) g();\n"),
    "BJS008": ("javascript", "if (x == 0) g();\n", (1, 5), "if (x === 0 || y == z || y != null) g();\n",
               "if (x === 0) g();\n"),
    "BGO001": ("go", "package p\n\nfunc f(x bool) {\n\tif x == false {\n\t\tg()\n\t}\n}\n", (4, 5),
               "package p\n\nfunc f(x bool) {\n\tif !x {\n\t\tg()\n\t}\n}\n",
               "package p\n\nfunc f(x bool) {\n\tif !x {\n\t\tg()\n\t}\n}\n"),
    "BGO002": ("go", "package p\n\nfunc f(a, b int) bool {\n\tif a < b {\n\t\treturn true\n\t} else {\n\t\treturn false\n\t}\n}\n",
               (4, 2), "package p\n\nfunc f(a, b int) bool {\n\tif a < b {\n\t\tg()\n\t\treturn true\n\t}\n\treturn false\n}\n",
               "package p\n\nfunc f(a, b int) bool {\n\treturn a < b\n}\n"),
    "BGO003": ("go", "package p\n\nfunc f(x int) {\n\tx = x\n}\n", (4, 2), "package p\n\nfunc f(x, y int) {\n\tx, y = y, x\n}\n",
               None),
    "BGO004": ("go", "package p\n\nfunc f(x bool) {\n\tif x {\n\t}\n}\n", (4, 7),
               "package p\n\nfunc f(x bool) {\n\tif x {\n\t\t// TODO\n\t}\n}\n", None),
    "BGO005": ("go", "package p\n\nfunc f() int {\n\treturn 1\n\tg()\n}\n", (5, 2),
               "package p\n\nfunc f() int {\n\tg()\n\treturn 1\n}\n", None),
    "BGO006": ("go", "package p\n\nfunc f(x int) bool {\n\treturn x != x\n}\n", (4, 9),
               "package p\n\nfunc f(x, y int) bool {\n\treturn x != y\n}\n", None),
    "BGO007": ("go", "package p\n\nfunc f(x int) {\n\tswitch x {\n\tcase 1:\n\t\tg()\n\t\tbreak\n\t}\n}\n", (7, 3),
               "package p\n\nfunc f(x int) {\n\tfor {\n\t\tswitch x {\n\t\tcase 1:\n\t\t\tbreak\n\t\t}\n\t}\n}\n"[:0]
               + "package p\n\nfunc f(x int) {\n\tfor x > 0 {\n\t\tbreak\n\t}\n}\n",
               "package p\n\nfunc f(x int) {\n\tswitch x {\n\tcase 1:\n\t\tg()\n\t}\n}\n"),
    "BGO008": ("go", "package p\n\nfunc f() {\n\tfor true {\n\t\tg()\n\t}\n}\n", (4, 6),
               "package p\n\nfunc f() {\n\tfor {\n\t\tg()\n\t}\n}\n", "package p\n\nfunc f() {\n\tfor {\n\t\tg()\n\t}\n}\n"),
    "BRS001": ("rust", "fn f(x: bool) {\n    if x == true {\n        g();\n    }\n}\n", (2, 8),
               "fn f(x: bool) {\n    if x {\n        g();\n    }\n}\n", "fn f(x: bool) {\n    if x {\n        g();\n    }\n}\n"),
    "BRS002": ("rust", "fn f(a: i32) -> bool {\n    if a > 2 { false } else { true }\n}\n", (2, 5),
               "fn f(a: i32) -> bool {\n    if a > 2 { a < 9 } else { true }\n}\n", "fn f(a: i32) -> bool {\n    !(a > 2)\n}\n"),
    "BRS003": ("rust", "fn f(mut x: i32) {\n    x = x;\n}\n", (2, 5), "fn f(mut x: i32, y: i32) {\n    x = y;\n}\n", None),
    "BRS004": ("rust", "fn f(x: i32) -> i32 {\n    g();\n    return x + 1;\n}\n", (3, 5),
               "fn f(x: i32) -> i32 {\n    if x > 0 {\n        return x;\n    }\n    x + 1\n}\n",
               "fn f(x: i32) -> i32 {\n    g();\n    x + 1\n}\n"),
    "BRS005": ("rust", "fn f() {\n    loop {}\n}\n", (2, 10), "fn f() {\n    loop {\n        tick();\n    }\n}\n", None),
    "BRS006": ("rust", "fn f(x: f64) -> bool {\n    x == x\n}\n", (2, 5), "fn f(x: f64) -> bool {\n    x.is_nan()\n}\n", None),
    "BRS007": ("rust", "fn f() -> i32 {\n    return 1;\n    g();\n}\n", (3, 5), "fn f() -> i32 {\n    g();\n    1\n}\n", None),
    "BRS008": ("rust", "fn f(x: bool) {\n    if x {} else {\n        g();\n    }\n}\n", (2, 10),
               "fn f(x: bool) {\n    if !x {\n        g();\n    }\n}\n", None),
}


@pytest.fixture(scope="module")
def linter() -> WASMBooster:
    return WASMBooster(BoosterConfig(cache_enabled=False, lint={"select": list(ALL_RULES)}), stats_path=None)


def codes(linter: WASMBooster, language: str, code: str) -> list[tuple[str, int, int]]:
    result = linter.transform_sync(code, "lint", language, _llm=False)
    assert result.success, result.error
    return [(d["code"], d["line"], d["column"]) for d in result.diagnostics]


def test_every_rule_has_cases_and_at_least_eight_per_language():
    assert set(CASES) == set(ALL_RULES)
    for prefix in ("BJS", "BGO", "BRS"):
        assert sum(code.startswith(prefix) for code in ALL_RULES) >= 8


@pytest.mark.parametrize("code", sorted(CASES))
def test_positive(linter: WASMBooster, code: str):
    language, positive, position, _negative, _fixed = CASES[code]
    assert (code, *position) in codes(linter, language, positive)


@pytest.mark.parametrize("code", sorted(CASES))
def test_negative(linter: WASMBooster, code: str):
    language, _positive, _position, negative, _fixed = CASES[code]
    assert [c for c in codes(linter, language, negative) if c[0] == code] == []


@pytest.mark.parametrize("code", sorted(c for c in CASES if CASES[c][4] is not None))
def test_fix(linter: WASMBooster, code: str):
    language, positive, _position, _negative, fixed = CASES[code]
    config_only = {"lint": {"select": [code]}}
    result = linter.transform_sync(positive, "lint", language, fix="unsafe", _llm=False, **config_only)
    assert result.success, result.error
    assert result.transformed_code == fixed
    assert linter.syntax.parse_errors(language, result.transformed_code) == []
    safety = ALL_RULES[code].fix
    safe_only = linter.transform_sync(positive, "lint", language, fix="safe", _llm=False, **config_only)
    assert (safe_only.transformed_code == fixed) == (safety == "safe")


@pytest.mark.parametrize("language", ["typescript", "typescriptreact"])
def test_typescript_uses_the_same_rules(linter: WASMBooster, language: str):
    code = "const o: Record<string, number> = { a: 1, a: 2 };\ndebugger;\n"
    assert codes(linter, language, code) == [("BJS002", 1, 43), ("BJS001", 2, 1)]


def test_suppression_directive(linter: WASMBooster):
    code = "debugger; // booster-ignore: BJS001\nif (x == 1) g(); // booster-ignore\nif (y == 1) g();\n"
    assert codes(linter, "javascript", code) == [("BJS008", 3, 5)]


def test_transformed_code_is_annotated(linter: WASMBooster):
    result = linter.transform_sync("package p\n\nfunc f(x int) {\n\tx = x\n}\n", "lint", "go", _llm=False)
    assert result.transformed_code == "package p\n\nfunc f(x int) {\n\tx = x  // booster: BGO003: `x` is assigned to itself\n}\n"


def test_fixes_of_a_whole_file_parse(linter: WASMBooster):
    code = ("function f(a, b) {\n  debugger;\n  const t = a > b ? true : false;\n  if (b === true) { return t; }\n"
            "  if (a == 0) { debugger }\n  return 3;\n}\n")
    result = linter.transform_sync(code, "lint", "javascript", fix="unsafe", _llm=False)
    assert result.transformed_code == ("function f(a, b) {\n  const t = a > b;\n  if (b) { return t; }\n"
                                       "  if (a === 0) {  }\n  return 3;\n}\n")
    assert linter.syntax.parse_errors("javascript", result.transformed_code) == []
