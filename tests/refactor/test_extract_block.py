"""Extract function for JavaScript, TypeScript, Go and Rust: executable fixtures print the same
before and after (node; tsc -> node; go run; rustc), through the API (formatted by dprint / gofmt /
rustfmt); every refusal says why."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from booster_lsp.core.refactor.extract import extract_function
from booster_lsp.errors import TransformationError
from tests.refactor.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "tests" / "tools" / "node_modules" / ".bin" / "tsc"

CASES = [  # (language, fixture, start_line, end_line, a string the result must contain)
    ("javascript", "early_return.js", 3, 9, "return extracted(x, label, limit);"),
    ("javascript", "loop_break.js", 4, 13, "[count, found] = extracted(items, count, limit, found);"),
    ("javascript", "multiple_values.js", 2, 5, "let [n, total, mean] = extracted(values);"),
    ("javascript", "async.js", 6, 7, "const [a, b] = await extracted(base);"),
    ("javascript", "method.js", 7, 9, "const left = this.extracted(amount, fee);"),
    ("javascript", "generator.js", 3, 6, "yield* extracted(i, start, n);"),
    ("typescript", "early_return.ts", 3, 9, "function extracted(x: number, label: string, limit: number): string {"),
    ("typescript", "loop_break.ts", 4, 10, "): [number, number | null] {"),
    ("typescript", "multiple_values.ts", 2, 6, "function extracted(values: number[]): [number, number, string, number]"),
    ("typescript", "async.ts", 6, 7, "async function extracted(base: number): Promise<[number, number]> {"),
    ("typescript", "method.ts", 9, 11, "extracted(amount: number, fee: number): number {"),
    ("go", "early_return.go", 7, 13, "return extracted(x, label, limit)"),
    ("go", "loop_break.go", 8, 17, "count, found = extracted(items, count, limit, found)"),
    ("go", "multiple_values.go", 6, 11, "func extracted(values []float64) (int, float64, float64) {"),
    ("go", "method.go", 10, 12, "func (a *Account) extracted(amount int, fee int) int {"),
    ("rust", "early_return.rs", 3, 9, "fn extracted(x: i32, label: &str, limit: i32) -> String {"),
    ("rust", "loop_break.rs", 4, 13, "(count, found) = extracted(items, count, limit, found);"),
    ("rust", "multiple_values.rs", 2, 8, "-> (usize, f64, Vec<String>, f64) {"),
    ("rust", "method.rs", 7, 9, "fn extracted(&mut self, amount: i32, fee: i32) -> i32 {"),
]


def _run(language: str, source: str, tmp_path: Path, stem: str) -> str:
    if language == "javascript":
        path = tmp_path / f"{stem}.js"
        path.write_text(source)
        cmd = ["node", str(path)]
    elif language == "typescript":
        path = tmp_path / f"{stem}.ts"
        path.write_text(source)
        out = tmp_path / stem
        subprocess.run([str(TSC), "--strict", "--target", "es2020", "--lib", "es2020,dom", "--outDir", str(out),
                        str(path)], capture_output=True, text=True, check=True)
        cmd = ["node", str(out / f"{stem}.js")]
    elif language == "go":
        path = tmp_path / stem / "main.go"
        path.parent.mkdir()
        path.write_text(source)
        cmd = ["go", "run", str(path)]
    else:
        path = tmp_path / f"{stem}.rs"
        path.write_text(source)
        exe = tmp_path / f"{stem}.bin"
        subprocess.run(["rustc", "--edition", "2021", "-o", str(exe), str(path)], capture_output=True, text=True,
                       check=True)
        cmd = [str(exe)]
    return subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=tmp_path).stdout


def _require(language: str) -> None:
    tool = {"javascript": "node", "typescript": "node", "go": "go", "rust": "rustc"}[language]
    if shutil.which(tool) is None or (language == "typescript" and not TSC.exists()):
        pytest.fail(f"{tool} is needed for the executable extract-function fixtures of {language}")


@pytest.mark.parametrize(("language", "fixture", "start", "end", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_extract_preserves_behaviour(booster, tmp_path, language, fixture, start, end, expected) -> None:
    _require(language)
    code = (FIXTURES / language / fixture).read_text()
    raw = extract_function(booster.syntax, language, code, start, end, "extracted")
    assert expected in raw, raw
    result = booster.transform_sync(code, "extract_function", language, start_line=start, end_line=end,
                                    function_name="extracted")
    assert result.success, result.error
    out = result.transformed_code
    try:
        before = _run(language, code, tmp_path, "before")
        after = _run(language, out, tmp_path, "after")
    except subprocess.CalledProcessError as e:  # show the compiler's complaint with the code
        pytest.fail(f"{e.cmd}: {e.stderr}\n{e.stdout}\n{out}")
    assert before and after == before


REFUSALS = [  # (language, code, start, end, message)
    ("javascript", "function f(x) {\n  if (x) {\n    return 1;\n  }\n  const y = 2;\n  return y;\n}\n", 2, 4,
     "line 3: the selection contains a `return` but does not end the function"),
    ("javascript", "function f(xs) {\n  for (const x of xs) {\n    if (x) {\n      break;\n    }\n    g(x);\n  }\n}\n", 3, 5,
     "line 4: `break` belongs to a loop outside the selection"),
    ("javascript", "function f(xs) {\n  for (const x of xs) {\n    if (x) {\n      continue;\n    }\n    g(x);\n  }\n}\n",
     3, 5, "line 4: `continue` belongs to a loop outside the selection"),
    ("javascript", "function f(xs) {\n  outer: for (const x of xs) {\n    for (const y of x) {\n      break outer;\n    }\n  }\n}\n",
     3, 5, "line 4: `break` belongs to a loop outside the selection"),
    ("javascript", "function f(x) {\n  if (x) {\n    g(1);\n    g(2);\n  }\n}\n", 2, 3,
     "the selection ends inside a compound statement"),
    ("javascript", "function f(x) {\n  if (x) {\n    g(1);\n  }\n  g(2);\n}\n", 3, 5,
     "the selection starts inside a statement"),
    ("javascript", "function f(x) {\n  const y = 1;\n}\n", 2, 2, "'f' is already used in this file", "f"),
    ("javascript", "function f() {\n  g(this.x);\n}\n", 2, 2, "uses `this` / `super` outside a class method"),
    ("javascript", "async function* f(c) {\n  const r = await c;\n  yield r;\n  g(r);\n}\n", 2, 3, "both awaits and yields"),
    ("javascript", "function* f(n) {\n  yield n;\n  return 5;\n}\n", 2, 3, "returns from a generator"),
    ("typescript", "function f(a: number) {\n  const x = g();\n  const y = x + a;\n  return y;\n}\n", 3, 3,
     "the type of 'x' (declared at line 2) is unknown"),
    ("go", "package main\n\nfunc f(a int) int {\n\tx := g()\n\ty := x + a\n\treturn y\n}\n", 5, 5,
     "the type of 'x' (declared at line 4) is unknown, and the extracted function needs it; declare it with an "
     "explicit type (`var x T`)"),
    ("go", "package main\n\nfunc f(a int) (n int) {\n\tif a > 0 {\n\t\treturn\n\t}\n\tn = 1\n\treturn\n}\n", 4, 8,
     "the enclosing function has named results"),
    ("go", "package main\n\ntype T struct{ n int }\n\nfunc (t T) f() {\n\tt.n = 1\n\tprintln(t.n)\n}\n", 6, 6,
     "assigns to the value receiver 't'"),
    ("go", "package main\n\nvar x = 1\n", 3, 3, "select statements inside a function body"),
    ("rust", "fn f(a: i32) -> i32 {\n    let x = g();\n    let y = x + a;\n    y\n}\n", 3, 3,
     "the type of 'x' (declared at line 2) is unknown, and the extracted function needs it; declare it with an "
     "explicit type (`let x: T`)"),
    ("rust", "fn f(a: i32) -> Result<i32, String> {\n    let x: i32 = g()?;\n    let y = x + a;\n    Ok(y)\n}\n", 2, 3,
     "line 2: the selection uses `?` but does not end the function"),
    ("rust", "fn f(a: i32) -> i32 {\n    let y = {\n        let z = a;\n        z + 1\n    };\n    y\n}\n", 3, 4,
     "the selection includes the value of its block"),
    ("rust", "fn f(v: &[i32]) {\n    for x in v {\n        if *x > 0 {\n            break;\n        }\n    }\n}\n", 3, 5,
     "line 4: `break` belongs to a loop outside the selection"),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[f"{c[0]}-{i}" for i, c in enumerate(REFUSALS)])
def test_extract_refusals(syntax, case) -> None:
    language, code, start, end, message = case[:5]
    name = case[5] if len(case) > 5 else "extracted"
    with pytest.raises(TransformationError) as info:
        extract_function(syntax, language, code, start, end, name)
    assert message in info.value.message
    assert info.value.kind == "refused"


def test_plain_typescript_may_stay_untyped(syntax) -> None:
    code = "function f(a) {\n  const x = g();\n  const y = x + a;\n  return y;\n}\n"
    out = extract_function(syntax, "typescript", code, 3, 3, "h")
    assert "function h(x, a) {\n  const y = x + a;\n  return y;\n}" in out
