"""REFACTOR_SIMPLE for JavaScript, TypeScript, Go and Rust: simplify, inline, extract constant,
with every refusal."""

from __future__ import annotations

import pytest

from booster_lsp.core.refactor.constant import extract_constant
from booster_lsp.core.refactor.inline import inline_variable
from booster_lsp.core.refactor.simplify import simplify
from booster_lsp.errors import TransformationError

SIMPLIFY = [
    # boolean returns: JS returns c only when it is known boolean, else !!c
    ("javascript", "function f(a) {\n  if (a > 1) {\n    return true;\n  } else {\n    return false;\n  }\n}\n",
     "function f(a) {\n  return a > 1;\n}\n"),
    ("javascript", "function g(c) {\n  if (c) {\n    return true;\n  }\n  return false;\n}\n",
     "function g(c) {\n  return !!c;\n}\n"),
    ("typescript", "function g(c: number): boolean {\n  if (c) return false;\n  else return true;\n}\n",
     "function g(c: number): boolean {\n  return !c;\n}\n"),
    ("javascript", "const x = !!(a > 1);\nconst y = !!!z;\nconst w = !!q;\n",
     "const x = (a > 1);\nconst y = !z;\nconst w = !!q;\n"),
    ("javascript", "const t = (a > 1) === true;\nconst s = q === true;\nconst r = (a < 2) !== true;\nconst p = q == true;\n",
     "const t = (a > 1);\nconst s = q === true;\nconst r = !(a < 2);\nconst p = q == true;\n"),
    ("javascript", "const v = c ? a : a;\nconst u = f() ? a : a;\n", "const v = a;\nconst u = f() ? a : a;\n"),
    ("javascript", "function h(c, x) {\n  if (c) {\n    return x;\n  } else {\n    const y = 1;\n    return y;\n  }\n}\n",
     "function h(c, x) {\n  if (c) {\n    return x;\n  }\n  const y = 1;\n  return y;\n}\n"),
    # the else body declares a name the enclosing block uses: left alone
    ("javascript", "function h(c) {\n  const y = 2;\n  if (c) {\n    return y;\n  } else {\n    const y = 1;\n    return y;\n  }\n}\n",
     "function h(c) {\n  const y = 2;\n  if (c) {\n    return y;\n  } else {\n    const y = 1;\n    return y;\n  }\n}\n"),
    ("go", "package main\n\nfunc f(c bool, a int) bool {\n\tif a > 1 {\n\t\treturn true\n\t} else {\n\t\treturn false\n\t}\n}\n",
     "package main\n\nfunc f(c bool, a int) bool {\n\treturn a > 1\n}\n"),
    ("go", "package main\n\nfunc f(c bool) bool {\n\tif c {\n\t\treturn true\n\t}\n\treturn false\n}\n",
     "package main\n\nfunc f(c bool) bool {\n\treturn c\n}\n"),
    ("go", "package main\n\nvar a, b = c == true, !!c != false\n", "package main\n\nvar a, b = c, c\n"),
    ("go", "package main\n\nfunc h(c bool) int {\n\tif c {\n\t\treturn 1\n\t} else {\n\t\tx := 2\n\t\treturn x\n\t}\n}\n",
     "package main\n\nfunc h(c bool) int {\n\tif c {\n\t\treturn 1\n\t}\n\tx := 2\n\treturn x\n}\n"),
    ("rust", "fn f(a: i32) -> bool {\n    if a > 1 {\n        return true;\n    } else {\n        return false;\n    }\n}\n",
     "fn f(a: i32) -> bool {\n    return a > 1;\n}\n"),
    ("rust", "fn g(c: bool) -> bool {\n    if c == false { true } else { false }\n}\n", "fn g(c: bool) -> bool {\n    !c\n}\n"),
    ("rust", "fn g(c: bool) -> bool {\n    let x = !!c;\n    if c { x } else { x }\n}\n",
     "fn g(c: bool) -> bool {\n    let x = c;\n    if c { x } else { x }\n}\n"),
    ("rust", "fn h(c: bool) -> i32 {\n    if c {\n        return 1;\n    } else {\n        let x = 2;\n        return x;\n    }\n}\n",
     "fn h(c: bool) -> i32 {\n    if c {\n        return 1;\n    }\n    let x = 2;\n    return x;\n}\n"),
]


@pytest.mark.parametrize(("language", "code", "expected"), SIMPLIFY, ids=[f"{c[0]}-{i}" for i, c in enumerate(SIMPLIFY)])
def test_simplify(syntax, language, code, expected) -> None:
    assert simplify(syntax, language, code) == expected


def test_simplify_range(syntax) -> None:
    code = "const a = !!!x;\nconst b = !!!y;\n"
    assert simplify(syntax, "javascript", code, 2, 2) == "const a = !!!x;\nconst b = !y;\n"


JS = ('import fs from "fs";\n\nfunction f(a, b) {\n  const total = a + b;\n  console.log(total * 2, {total});\n'
      '  const k = g();\n  console.log(k);\n  return "https://example.org" + "https://example.org";\n}\n')
GO = ('package main\n\nimport "fmt"\n\nfunc f(a, b int) {\n\ttotal := a + b\n\tfmt.Println(total*2, total)\n\tk := 1\n'
      '\tk = 2\n\tfmt.Println(k, "hello world", 42, "hello world")\n}\n')
RS = ('use std::fmt;\n\nfn f(a: i32, b: i32) -> i32 {\n    let total = a + b;\n    let x: u64 = 42;\n'
      '    println!("{}", total * 2);\n    let s = "hello";\n    total + 7 + 7\n}\n')


def test_inline(syntax) -> None:
    out = inline_variable(syntax, "javascript", JS, 4, 9)
    assert "  console.log((a + b) * 2, {total: (a + b)});\n" in out and "const total" not in out
    assert "  console.log(g());\n" in inline_variable(syntax, "javascript", JS, 6, 9)
    assert "\tfmt.Println((a + b)*2, (a + b))\n" in inline_variable(syntax, "go", GO, 6, 2)
    out = inline_variable(syntax, "rust", RS, 4, 9)
    assert "    (a + b) + 7 + 7\n" in out and "let total" not in out


@pytest.mark.parametrize(("language", "code", "line", "col", "message"), [
    ("go", GO, 8, 2, "'k' is assigned 2 times"),
    ("javascript", "function f(x) {\n  return x;\n}\n", 2, 10, "is not declared by a plain declaration with an initializer"),
    ("javascript", "function f() {\n  const x = g();\n  return x + x;\n}\n", 2, 9, "inlining would evaluate it 2 times"),
    ("javascript", "function f() {\n  const x = g();\n  h();\n  return x;\n}\n", 2, 9,
     "moving it past other statements could change behaviour"),
    ("javascript", "function f(a) {\n  const x = a;\n  a = 2;\n  return x;\n}\n", 2, 9,
     "'a', read by the initializer, is reassigned at line 3"),
    ("javascript", "function f() {\n  const x = 1;\n  return () => x;\n}\n", 2, 9, "is used in a nested function"),
    ("javascript", "function f() {\n  const x = 1;\n}\n", 2, 9, "'x' is never used"),
    ("javascript", "function f() {\n  let x = 1, y = 2;\n  return x + y;\n}\n", 2, 7, "declared together with other variables"),
    ("rust", RS, 5, 9, "'x' is declared with an explicit type"),
    ("go", "package main\n\nfunc f() *int {\n\tx := 1\n\treturn &x\n}\n", 4, 2, "the address of 'x' is taken"),
    ("rust", "fn f() {\n    let v = 1;\n    g(&mut v);\n}\n", 2, 9, "'v' is borrowed mutably"),
])
def test_inline_refusals(syntax, language, code, line, col, message) -> None:
    with pytest.raises(TransformationError) as info:
        inline_variable(syntax, language, code, line, col)
    assert message in info.value.message
    assert info.value.kind == "refused"


def test_extract_constant(syntax) -> None:
    out = extract_constant(syntax, "javascript", JS, 8, 11)
    assert out.startswith('import fs from "fs";\n\nconst HTTPS_EXAMPLE_ORG = "https://example.org";\n\nfunction f(a, b) {')
    assert "return HTTPS_EXAMPLE_ORG + HTTPS_EXAMPLE_ORG;" in out
    one = extract_constant(syntax, "typescript", JS, 8, 11, "URL", replace_all=False)
    assert 'return URL + "https://example.org";' in one
    out = extract_constant(syntax, "go", GO, 10, 20)
    assert 'import "fmt"\n\nconst HelloWorld = "hello world"\n\nfunc f' in out
    assert "fmt.Println(k, HelloWorld, 42, HelloWorld)" in out
    assert "const Value42 = 42\n" in extract_constant(syntax, "go", GO, 10, 33)
    out = extract_constant(syntax, "rust", RS, 8, 17)
    assert "use std::fmt;\n\nconst VALUE_7: i32 = 7;\n\nfn f" in out and "total + VALUE_7 + VALUE_7" in out
    assert "const VALUE_42: u64 = 42;" in extract_constant(syntax, "rust", RS, 5, 19)
    assert 'const HELLO: &str = "hello";' in extract_constant(syntax, "rust", RS, 7, 14)
    assert "const LIMIT: u8 = 3u8;" in extract_constant(syntax, "rust", "fn f() -> u8 {\n    3u8\n}\n", 2, 5, "LIMIT")


@pytest.mark.parametrize(("language", "code", "line", "col", "name", "message"), [
    ("javascript", "const x = a + 1;\n", 1, 7, None, "no string or number literal at 1:7"),
    ("rust", RS, 6, 15, None, "the literal is inside a macro invocation"),
    ("javascript", 'import x from "./x.js";\nf("./x.js");\n', 1, 16, None, "inside a import statement"),
    ("javascript", "const Y = 2;\nconst x = 1;\n", 2, 11, "Y", "'Y' is already used in this file"),
    ("go", "package main\n\nvar x = 1\n", 3, 9, "not valid", "'not valid' is not a valid Go identifier"),
    ("go", "package main\n\nconst k = 1\n", 3, 11, None, "the literal is inside a constant"),
])
def test_extract_constant_refusals(syntax, language, code, line, col, name, message) -> None:
    with pytest.raises(TransformationError) as info:
        extract_constant(syntax, language, code, line, col, name)
    assert message in info.value.message
