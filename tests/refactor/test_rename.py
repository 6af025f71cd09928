"""Rename: scope rules per language, keyword arguments, every refusal with its message."""

from __future__ import annotations

import pytest

from booster_lsp.core.refactor.rename import prepare_rename, rename
from booster_lsp.errors import TransformationError

PY = '''import os
x = 1
def f(a, b=x, *args, **kw):
    y = a + b
    def g():
        nonlocal y
        y += x
        return [y for y in range(3)] + [y]
    class C:
        y = 2
        def m(self):
            return y
    print(f"{y!r}", os.path.y, "y")  # y
    return g(), a
f(a=1, b=2)
'''


def test_spec_example(booster) -> None:
    result = booster.transform_sync("def old_function(): pass", "rename", "python", old_name="old_function",
                                    new_name="new_function")
    assert result.success and result.transformed_code == "def new_function(): pass"


def test_python_shadowing_nonlocal_class_scope_fstring(syntax) -> None:
    out = rename(syntax, "python", PY, "y", "zz", line=4, column=5)
    assert out == PY.replace("    y = a + b", "    zz = a + b").replace("nonlocal y", "nonlocal zz") \
        .replace("        y += x", "        zz += x").replace("+ [y]", "+ [zz]") \
        .replace("            return y", "            return zz").replace('f"{y!r}"', 'f"{zz!r}"')


def test_python_parameter_updates_keyword_arguments(syntax) -> None:
    out = rename(syntax, "python", PY, "a", "alpha", line=3)
    assert "def f(alpha, b=x" in out and "return g(), alpha" in out and "f(alpha=1, b=2)" in out


def test_python_module_name_without_position(syntax) -> None:
    out = rename(syntax, "python", PY, "x", "xx")
    assert "xx = 1" in out and "b=xx" in out and "y += xx" in out


@pytest.mark.parametrize(("language", "code", "old", "new", "line", "column", "expected"), [
    ("javascript", "function f(a) { let x = a; const y = () => x; return {x, y}; }\nf(1);\n", "x", "z", 1, 21,
     "function f(a) { let z = a; const y = () => z; return {x: z, y}; }\nf(1);\n"),
    ("javascript", "function f(a) { return a; }\nf(1);\n", "f", "g", None, None, "function g(a) { return a; }\ng(1);\n"),
    ("typescript", "class C { m(a: number): number { return a; } }\nconst c: C = new C();\n", "C", "D", None, None,
     "class D { m(a: number): number { return a; } }\nconst c: D = new D();\n"),
    ("go", "package main\n\nfunc add(a int, b int) int {\n\tx := a + b\n\tx, y := x+1, 2\n\treturn x + y\n}\n",
     "x", "total", 4, 2, "package main\n\nfunc add(a int, b int) int {\n\ttotal := a + b\n\tx, y := total+1, 2\n\treturn x + y\n}\n"),
    ("rust", "fn helper(n: i32) -> i32 { n * 2 }\nfn main() {\n    let mut x = 1;\n    let x = x + helper(x);\n    println!(\"{}\", x);\n}\n",
     "x", "count", 3, 13,
     "fn helper(n: i32) -> i32 { n * 2 }\nfn main() {\n    let mut count = 1;\n    let x = count + helper(count);\n    println!(\"{}\", x);\n}\n"),
    ("rust", "struct P { x: i32 }\nfn main() {\n    let x = 1;\n    let p = P { x };\n}\n", "x", "y", 3, 9,
     "struct P { x: i32 }\nfn main() {\n    let y = 1;\n    let p = P { x: y };\n}\n"),
])
def test_other_languages(syntax, language, code, old, new, line, column, expected) -> None:
    assert rename(syntax, language, code, old, new, line, column) == expected


REFUSALS = [
    ("python", PY, "y", "g", 4, 5, "'g' is already defined in the same scope (line 5)"),
    ("python", PY, "y", "class", 4, 5, "'class' is a Python keyword and cannot be used as a name"),
    ("python", PY, "y", "1a", 4, 5, "'1a' is not a valid Python identifier"),
    ("python", PY, "x", "y", None, None,
     "renaming 'x' to 'y' would make the use at line 7 refer to the other 'y' defined at line 4"),
    ("python", "def f():\n    a = 1\n    return b\n", "a", "b", 2, 5,
     "renaming 'a' to 'b' would capture the existing use of 'b' at line 3"),
    ("python", "def f():\n    a = 1\n", "a", "b", 9, 1, "line 9 is past the end of the code"),
    ("python", "def f():\n    a = 1\n", "a", "b", 2, 9, "no renameable symbol at 2:9 named 'a'"),
    ("python", "def f():\n    a = 1\n", "b", "c", 2, 5, "the symbol at 2:5 is 'a', not 'b'"),
    ("python", "def f():\n    a = 1\ndef g():\n    a = 2\n", "a", "b", None, None,
     "2 different bindings are named 'a' (lines 2, 4); give line and column to pick one"),
    ("python", "print(1)\n", "print", "p", None, None, "no binding named 'print' in this code"),
    ("python", "print(1)\n", "print", "p", 1, 1,
     "'print' is not defined in this code (a builtin or a name from elsewhere); nothing to rename"),
    ("python", "x = 1\n", None, "y", None, None, "rename needs old_name or a position"),
    ("python", "x = (\n", "x", "y", None, None, "the code has a syntax error"),
    ("javascript", "let a = 1;\n", "a", "class", None, None, "'class' is a JavaScript keyword"),
    ("go", "package main\nvar a = 1\n", "a", "func", None, None, "'func' is a Go keyword"),
    ("rust", "fn main() { let a = 1; }\n", "a", "fn", 1, 17, "'fn' is a Rust keyword"),
    ("typescript", "function k(a: number) { let q = a; return q; }\n", "a", "q", 1, 12,
     "renaming 'a' to 'q' would make the use at line 1 refer to the other 'q' defined at line 1"),
]


@pytest.mark.parametrize(("language", "code", "old", "new", "line", "column", "message"), REFUSALS)
def test_refusals(syntax, language, code, old, new, line, column, message) -> None:
    with pytest.raises(TransformationError) as info:
        rename(syntax, language, code, old, new, line, column)
    assert message in info.value.message
    assert info.value.kind in ("refused", "syntax")


MEMBERS = [
    ("python", "class A:\n    def foo(self):\n        return 1\n\n    def bar(self):\n        return self.foo()\n",
     "foo", 2, 9, 6),
    ("python", "class A:\n    limit = 3\n\nprint(A().limit)\n", "limit", 2, 5, 4),
    ("go", "package main\n\ntype T struct{}\n\nfunc (t T) Foo() int { return 1 }\n\nfunc main() {\n\tvar t T\n\tt.Foo()\n}\n",
     "Foo", 5, 12, 9),
    ("rust", "struct T;\nimpl T {\n    fn foo(&self) -> i32 { 1 }\n}\nfn main() {\n    let t = T;\n    t.foo();\n}\n",
     "foo", 3, 8, 7),
    ("rust", "struct T;\nimpl T {\n    fn new() -> T { T }\n}\nfn main() {\n    let t = T::new();\n}\n", "new", 3, 8, 6),
]


@pytest.mark.parametrize(("language", "code", "old", "line", "column", "use_line"), MEMBERS)
def test_a_member_used_through_a_value_is_refused_not_half_renamed(syntax, language, code, old, line, column, use_line):
    """Renaming only a method's definition broke every `value.method()` call: without types
    booster cannot tell which `.name` uses are this member's, so it refuses."""
    with pytest.raises(TransformationError) as info:
        rename(syntax, language, code, old, "renamed", line, column)
    assert info.value.message.startswith(f"{old!r} is a member of a type, used as `.{old}` at line {use_line}: ")
    assert info.value.kind == "refused" and info.value.line == use_line


@pytest.mark.parametrize(("language", "code", "old", "expected"), [
    # a module-level function whose name is also some object's attribute: not a member
    ("python", "def helper():\n    return 1\n\nprint(obj.helper, helper())\n", "helper",
     "def util():\n    return 1\n\nprint(obj.helper, util())\n"),
    # a class attribute used only in the class body, a method with no `.name` use in the document
    ("python", "class A:\n    x = 1\n    y = x + 1\n\n    def m(self):\n        return 2\n", "x",
     "class A:\n    util = 1\n    y = util + 1\n\n    def m(self):\n        return 2\n"),
    ("go", "package main\n\nfunc helper() int { return 1 }\n\nfunc main() {\n\tx.helper()\n\thelper()\n}\n", "helper",
     "package main\n\nfunc util() int { return 1 }\n\nfunc main() {\n\tx.helper()\n\tutil()\n}\n"),
])
def test_a_name_that_is_not_a_member_is_renamed_even_where_an_attribute_has_it(syntax, language, code, old, expected):
    assert rename(syntax, language, code, old, "util") == expected


def test_refusal_through_the_api_is_a_failed_result(booster) -> None:
    result = booster.transform_sync("x = 1\n", "rename", "python", old_name="x", new_name="for")
    assert not result.success and result.error_kind == "refused" and "keyword" in result.error


def test_prepare_rename(syntax) -> None:
    code = "def f(a):\n    return a\n"
    assert prepare_rename(syntax, "python", code, code.index("a)")) == (6, 7, "a")
    with pytest.raises(TransformationError, match="no renameable symbol here"):
        prepare_rename(syntax, "python", code, code.index("return"))


@pytest.mark.parametrize(
    ("language", "code", "old", "expected"),
    [
        ("python", "from pkg.shapes import area\nprint(area(2))\n", "area",
         "from pkg.shapes import area as renamed\nprint(renamed(2))\n"),
        ("python", "import os\nprint(os.sep)\n", "os", "import os as renamed\nprint(renamed.sep)\n"),
        ("python", "from m import (a,\n  b)\nprint(b)\n", "b", "from m import (a,\n  b as renamed)\nprint(renamed)\n"),
        ("python", "from m import b as c\nprint(c)\n", "c", "from m import b as renamed\nprint(renamed)\n"),
        ("typescript", 'import { clamp } from "./lib";\nclamp(1);\n', "clamp",
         'import { clamp as renamed } from "./lib";\nrenamed(1);\n'),
        ("javascript", 'import clamp from "./lib";\nclamp(1);\n', "clamp", 'import renamed from "./lib";\nrenamed(1);\n'),
    ],
)
def test_an_imported_name_is_renamed_through_an_alias(booster, language, code, old, expected):
    """Renaming the name inside the import statement would import something else."""
    result = booster.transform_sync(code, "rename", language, old_name=old, new_name="renamed", _llm=False)
    assert result.success, result.error
    assert result.transformed_code == expected


def test_a_dotted_import_binding_is_refused(booster):
    result = booster.transform_sync("import os.path\nprint(os.sep)\n", "rename", "python", old_name="os",
                                               new_name="renamed", _llm=False)
    assert not result.success
    assert result.error == "'os' is bound by a dotted import (line 1); renaming it would change what is imported"
