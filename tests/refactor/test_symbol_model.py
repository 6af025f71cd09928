"""The scope model of one top-level statement (`symbol_model`) against the whole text's.

A rename of a local binding is decided from the model of its top-level statement only; these
tests check that it gives exactly the whole model's answer, that it is used only where it is
sound, and that a tree the language server keeps open is queried instead of parsing again.
"""

from __future__ import annotations

import ast
import random

import pytest

from booster_lsp.core.refactor.rename import plan_rename, rename
from booster_lsp.core.refactor.scopes import _model, local_model, symbol_model
from booster_lsp.core.refactor.languages import apply_edits, line_col_to_offset
from booster_lsp.errors import TransformationError
from tests.conftest import STDLIB
from tests.refactor.conftest import FIXTURES


def _plan_or_refusal(model, offset: int, new_name: str):
    occurrence = model.occurrence_at(offset)
    try:
        return sorted(plan_rename(model, occurrence.binding, new_name).edits)
    except TransformationError as error:
        return f"refused: {error.message}"


@pytest.mark.parametrize("name", ["textwrap.py", "argparse.py", "logging/__init__.py", "json/decoder.py"])
def test_local_renames_match_the_whole_model(syntax, name):
    """300 identifiers of a stdlib file: when the statement's model is used, renaming the
    symbol there (to a fresh name, and to a name already used nearby) gives the same edits or
    the same refusal as the whole text's model."""
    text = (STDLIB / name).read_bytes()
    full = _model(syntax, "python", text, None)
    partial_used = 0
    rng = random.Random(7)
    for occurrence in rng.sample(full.occurrences, min(300, len(full.occurrences))):
        if occurrence.binding is None or not occurrence.binding.defined:
            continue
        model = local_model(syntax, "python", text, occurrence.start)
        if model is None:
            # only names seen outside the function around them: module-level names, class
            # attributes and methods used from another method, parameters (keyword arguments)
            binding = occurrence.binding
            assert binding.scope is full.module or binding.scope.kind == "class" or binding.kind == "param"
            continue
        partial_used += 1
        nearby = rng.choice([o.name for o in model.occurrences])
        for new_name in ("fresh_name_xyz", nearby):
            assert _plan_or_refusal(model, occurrence.start, new_name) == \
                _plan_or_refusal(full, occurrence.start, new_name), (name, occurrence, new_name)
    assert partial_used > 50


def test_module_level_names_and_top_level_parameters_use_the_whole_text(syntax):
    code = (
        "def area(width, height):\n"
        "    scale = 2\n"
        "    return width * height * scale\n"
        "\n"
        "\n"
        "def main():\n"
        "    return area(width=3, height=4)\n"
    )
    text = code.encode()
    local = symbol_model(syntax, "python", text, text.index(b"scale"))
    assert local.span == (0, text.index(b"\n\n\ndef main"))  # the function only
    param = symbol_model(syntax, "python", text, text.index(b"width"))
    assert param.span is None
    # the keyword argument in main() is renamed with the parameter
    assert rename(syntax, "python", code, "width", "w", 1, 10) == code.replace("width", "w")
    function = symbol_model(syntax, "python", text, text.index(b"area"))
    assert function.span is None


@pytest.mark.parametrize("language, fixture", [
    ("javascript", "multiple_values.js"), ("typescript", "multiple_values.ts"),
    ("go", "multiple_values.go"), ("rust", "multiple_values.rs"),
])
def test_block_languages_local_renames_match_the_whole_model(syntax, language, fixture):
    text = (FIXTURES / language / fixture).read_bytes()
    full = _model(syntax, language, text, None)
    partial_used = 0
    for occurrence in full.occurrences:
        if occurrence.binding is None or not occurrence.binding.defined:
            continue
        model = local_model(syntax, language, text, occurrence.start)
        if model is None:
            continue
        partial_used += 1
        for new_name in ("freshName", "total", "main"):
            assert _plan_or_refusal(model, occurrence.start, new_name) == \
                _plan_or_refusal(full, occurrence.start, new_name), (occurrence, new_name)
    assert partial_used > 0


def test_an_open_tree_of_the_same_text_is_queried_not_parsed_again(syntax):
    """The language server keeps each open document's tree up to date; a refactoring of that
    exact text queries it. A text nobody holds is parsed into a document of its own."""
    source = (STDLIB / "textwrap.py").read_text() + "\n# held by the editor\n"
    syntax.open("file:///held/textwrap.py", "python", source.encode())
    try:
        before = {uri for uri in syntax._docs if uri.startswith("booster-refactor:")}
        tree = ast.parse(source)
        target = next(node for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
                      and node.col_offset > 4)
        result = rename(syntax, "python", source, target.id, "renamed_here", target.lineno, target.col_offset + 1)
        assert "renamed_here" in result
        after = {uri for uri in syntax._docs if uri.startswith("booster-refactor:")}
        assert after == before
        # the same text with one more line is nobody's tree: it gets its own document
        rename(syntax, "python", source + "\n", target.id, "renamed_here", target.lineno, target.col_offset + 1)
        assert len({uri for uri in syntax._docs if uri.startswith("booster-refactor:")} - before) == 1
    finally:
        syntax.close("file:///held/textwrap.py")


def test_a_held_tree_with_a_syntax_error_is_refused_and_left_open(syntax):
    source = "def f():\n    x = (1,\n    return x\n"
    syntax.open("file:///held/broken.py", "python", source.encode())
    try:
        with pytest.raises(TransformationError) as caught:
            rename(syntax, "python", source, "x", "y", 2, 5)
        assert caught.value.kind == "syntax"
        assert syntax.text("file:///held/broken.py") == source.encode()  # still open, unchanged
    finally:
        syntax.close("file:///held/broken.py")


def test_partial_and_whole_models_give_the_same_renamed_text(syntax):
    """End to end through rename(): a local of a method in a class in a long file."""
    code = (STDLIB / "argparse.py").read_text()
    text = code.encode()
    line = code.splitlines().index("        formatter = self._get_formatter()") + 1
    offset = line_col_to_offset(text, line, 9)
    model = local_model(syntax, "python", text, offset)
    assert model is not None and model.span[1] - model.span[0] < len(text) // 2
    binding = model.occurrence_at(offset).binding
    expected = apply_edits(text, plan_rename(_model(syntax, "python", text, None),
                                             _model(syntax, "python", text, None).occurrence_at(offset).binding,
                                             "fmt").edits).decode()
    assert rename(syntax, "python", code, "formatter", "fmt", line, 9) == expected
    assert len(binding.occurrences) >= 3


def test_refactorings_on_a_held_tree_survive_a_trap_of_the_module(booster):
    """The instance traps between two refactorings of a document the editor holds: the service
    re-opens the held document on a fresh instance, the rename and the extraction (whose check
    copies the held tree) still give the right results."""
    from booster_lsp.core.refactor.extract import extract_function
    from booster_lsp.core.syntax import SyntaxService

    service = SyntaxService(booster.syntax._loaded)
    code = "function total(items) {\n  let sum = 0;\n  for (const x of items) {\n    sum += x;\n  }\n  return sum;\n}\n"
    service.open("file:///held/total.js", "javascript", code.encode())
    assert "let total_ = 0" in rename(service, "javascript", code, "sum", "total_", 2, 7)
    with pytest.raises(TransformationError):
        service._module.sandbox.call("bs_open", 2, 0xFFFFFF00, 0x100)  # a pointer outside memory
    assert service._module.broken
    assert "let total_ = 0" in rename(service, "javascript", code + "\n", "sum", "total_", 2, 7)
    out = extract_function(service, "javascript", code, 2, 5, "extracted")
    assert "function extracted(items)" in out and "let sum = extracted(items);" in out
    assert service.restarts == 1
    assert service.text("file:///held/total.js") == code.encode()


def test_repeating_a_refactoring_does_not_pile_up_open_documents(booster):
    """The same extraction computed again (a code action resolved twice) gives the same
    result text: its tree replaces the earlier one instead of staying open beside it."""
    from booster_lsp.core.refactor.extract import extract_function
    from booster_lsp.core.refactor.scopes import _MAX_OPEN
    from booster_lsp.core.syntax import SyntaxService

    service = SyntaxService(booster.syntax._loaded)
    code = "function total(items) {\n  let sum = 0;\n  for (const x of items) {\n    sum += x;\n  }\n  return sum;\n}\n"
    service.open("file:///held/total.js", "javascript", code.encode())
    results = {extract_function(service, "javascript", code, 2, 5, "extracted") for _ in range(3 * _MAX_OPEN)}
    assert len(results) == 1
    ours = [uri for uri in service._docs if uri.startswith("booster-refactor:")]
    assert len(ours) == 1  # the result's tree, once
    assert service.text(ours[0]) == results.pop().encode()


def test_a_def_that_error_recovery_left_without_a_body_opens_no_scope(syntax):
    """Found by the rename property test: `def f(...):` followed by an unindented line has no
    body in the tree; the model of its statement must not fail on it, and every position
    still either renames consistently or is refused."""
    code = (b"def first_big(items, limit):\nfirst_big([1, 5, 20, 3], 4)\n    count = 0\n"
            b"    for i in items:\n        count += 1\n    return count\n\nfirst_big([1, 2], 10)\n")
    model = _model(syntax, "python", code, (0, code.index(b"\n")))
    assert not [scope for scope in model.scopes if scope.kind == "function"]
    lines = code.decode().split("\n")
    for line, text in enumerate(lines, 1):
        for column in range(1, len(text) + 2):
            try:
                renamed = rename(syntax, "python", code.decode(), None, "renamed_x", line, column)
            except TransformationError:
                continue
            assert "renamed_x" in renamed and renamed.count("\n") == code.count(b"\n")
