"""Extract function (Python): executable fixtures keep their output; refusals say why."""

from __future__ import annotations

import subprocess
import sys

import pytest

from booster_lsp.core.refactor.extract import extract_function, free_function_name
from booster_lsp.errors import TransformationError
from tests.refactor.conftest import FIXTURES

CASES = [  # (fixture, start_line, end_line, a string the result must contain)
    ("early_return.py", 3, 8, "return extracted(x, label)"),
    ("loop_break.py", 4, 8, "count, found = extracted(items, count, limit, found)"),
    ("multiple_values.py", 2, 5, "n, total, mean, spread = extracted(values)"),
    ("async_fn.py", 11, 12, "a, b = await extracted(base)"),
    ("method.py", 7, 9, "left = self.extracted(amount, fee)"),
    ("generator.py", 3, 4, "yield from extracted(start, n)"),
    ("module_level.py", 3, 4, "x, y = extracted()"),
]


def _run(source: str, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_text(source)
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("fixture", "start", "end", "expected"), CASES)
def test_extract_preserves_behaviour(syntax, tmp_path, fixture, start, end, expected) -> None:
    code = (FIXTURES / "python" / fixture).read_text()
    out = extract_function(syntax, "python", code, start, end, "extracted")
    assert expected in out, out
    compile(out, fixture, "exec")
    assert _run(out, tmp_path, "after.py") == _run(code, tmp_path, "before.py")


def test_spec_example_through_the_api(booster) -> None:
    result = booster.transform_sync("x = a + b\ny = x * 2\nz = x + y", "extract_function", "python",
                                    start_line=1, end_line=2, function_name="calculate_intermediate")
    assert result.success, result.error
    assert result.transformed_code == (
        "def calculate_intermediate():\n    x = a + b\n    y = x * 2\n    return x, y\n\n\n"
        "x, y = calculate_intermediate()\nz = x + y\n"
    )


REFUSALS = [
    ("def f(x):\n    if x:\n        return 1\n    y = 2\n    return y\n", 2, 3,
     "line 3: the selection contains a `return` but does not end the function"),
    ("def f(xs):\n    for x in xs:\n        if x:\n            break\n        print(x)\n", 3, 4,
     "line 4: `break` belongs to a loop outside the selection"),
    ("def f(xs):\n    for x in xs:\n        if x:\n            continue\n        print(x)\n", 3, 4,
     "line 4: `continue` belongs to a loop outside the selection"),
    ("def f(x):\n    if x:\n        y = 1\n        z = 2\n", 2, 3, "the selection ends inside a compound statement"),
    ("def f(x):\n    y = (1 +\n         2)\n", 2, 2, "are not a sequence of complete statements"),
    ("class A:\n    x = 1\n    y = 2\n", 2, 3, "extracting statements of a class body is not supported"),
    ("async def f(c):\n    r = await c\n    yield r\n    print(r)\n", 2, 3, "both awaits and yields"),
    ("def g(n):\n    for i in range(n):\n        yield i\n    return 5\n", 2, 4, "returns from a generator"),
    ("def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n        print(x)\n", 5, 6,
     "which is nonlocal in the enclosing function"),
    ("x = 1\n", 3, 4, "line 4 is past the end"),
    # the new function would replace (or be shadowed by) an existing `extracted`
    ("def extracted():\n    return 1\n\n\ndef f(a):\n    b = a + 1\n    return b\n", 6, 6,
     "'extracted' is already used in this file"),
    ("class A:\n    def m(self, a):\n        b = a + 1\n        return self.extracted(b)\n", 3, 3,
     "'extracted' is already used in this file"),
    ("x = 1\n", 1, 1, None),
]


@pytest.mark.parametrize(("code", "start", "end", "message"), REFUSALS)
def test_extract_refusals(syntax, code, start, end, message) -> None:
    if message is None:
        with pytest.raises(TransformationError, match="is a Python keyword"):
            extract_function(syntax, "python", code, start, end, "def")
        with pytest.raises(TransformationError, match="is not a valid Python identifier"):
            extract_function(syntax, "python", code, start, end, "1x")
        return
    with pytest.raises(TransformationError) as info:
        extract_function(syntax, "python", code, start, end, "extracted")
    assert message in info.value.message
    assert info.value.kind == "refused"


def test_other_languages_are_refused_clearly(syntax) -> None:
    with pytest.raises(TransformationError, match="do not support 'cobol'"):
        extract_function(syntax, "cobol", "x\n", 1, 1, "f")


def test_free_function_name_skips_names_in_use() -> None:
    assert free_function_name("def f():\n    return 1\n") == "extracted"
    assert free_function_name("extracted = 1\nextracted_2 = 2\n") == "extracted_3"
    assert free_function_name("x = obj.extracted\n") == "extracted_2"
    assert free_function_name("extracted_values = 1\n") == "extracted"  # a longer word is another name


UNFORMATTED = (
    "CONFIG = {'a':1}\n"
    "\n"
    "\n"
    "def f(values):\n"
    "    total = sum( values )\n"
    "    mean = total/len(values)\n"
    "    return mean\n"
)


def test_an_unformatted_file_keeps_its_untouched_lines(booster) -> None:
    """The format module formats what the refactoring wrote (the new function, the call), not
    the rest of a file that was not formatted."""
    result = booster.transform_sync(UNFORMATTED, "extract_function", "python", start_line=5, end_line=6,
                                    function_name="stats")
    assert result.success, result.error
    assert result.transformed_code == (
        "CONFIG = {'a':1}\n"  # Ruff would write {"a": 1}
        "\n\n"
        "def stats(values):\n    total = sum(values)\n    mean = total / len(values)\n    return mean\n"
        "\n\n"
        "def f(values):\n    mean = stats(values)\n    return mean\n"
    )


def test_a_formatted_file_stays_formatted(booster) -> None:
    formatted = booster.transform_sync(UNFORMATTED, "format", "python").transformed_code
    assert formatted != UNFORMATTED
    result = booster.transform_sync(formatted, "extract_function", "python", start_line=5, end_line=6,
                                    function_name="stats")
    assert result.success, result.error
    out = result.transformed_code
    assert "def stats(values):" in out
    assert booster.transform_sync(out, "format", "python").transformed_code == out
