"""Incremental reparse: after edits, errors and query captures equal those of a fresh parse."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booster_lsp.core.syntax import SyntaxService

SOURCE = Path("/root/.pyenv/versions/3.11.7/lib/python3.11/textwrap.py").read_bytes()
GO_SOURCE = b'package main\n\nimport "fmt"\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}\n}\n'
SNIPPETS = [b"", b"(", b")", b":", b"\n", b"    ", b"x", b"def ", b"return 1\n", b"]", b"'", b'"""', b"\xc3\xa9", b"if x:\n    pass\n"]


def _fresh(service: SyntaxService, language: str, text: bytes, query: str):
    service.open("fresh", language, text)
    try:
        return service.errors("fresh"), service.query("fresh", query), service.tree_string("fresh")
    finally:
        service.close("fresh")


def _apply(service: SyntaxService, uri: str, text: bytes, edits) -> bytes:
    """Apply (where in 0..1, length, inserted bytes) edits to the document and to `text`."""
    for where, length, insert in edits:
        start = int(where * len(text))
        end = min(len(text), start + length)
        service.edit(uri, start, end, insert)
        text = text[:start] + insert + text[end:]
        assert service.text(uri) == text
    return text


edits = st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 40), st.sampled_from(SNIPPETS)), min_size=1, max_size=6
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits)
def test_random_edits_match_a_fresh_parse(service, edits):
    query = service.query_file("python", "locals")
    service.open("doc", "python", SOURCE)
    text = _apply(service, "doc", SOURCE, edits)
    errors, captures, tree = _fresh(service, "python", text, query)
    assert service.tree_string("doc") == tree
    assert service.errors("doc") == errors
    assert service.query("doc", query) == captures
    service.close("doc")


def test_edit_and_undo_restores_no_errors(service):
    service.open("a.go", "go", GO_SOURCE)
    assert service.errors("a.go") == []
    at = GO_SOURCE.index(b"(i)") + 2
    service.edit("a.go", at, at + 1, "")  # drop ')'
    issues = service.errors("a.go")
    assert [(i.kind, i.message) for i in issues] == [("missing", "expected ')'")]
    service.edit("a.go", at, at, ")")
    assert service.errors("a.go") == []
    assert service.text("a.go") == GO_SOURCE


def test_edit_with_multibyte_and_newlines_keeps_points_right(service):
    service.open("m.py", "python", "a = 1\nb = 2\n")
    service.edit("m.py", 6, 6, "é = (\n")
    issues = service.errors("m.py")
    fresh = service.parse_errors("python", "a = 1\né = (\nb = 2\n")
    assert issues == fresh and issues


def test_bad_edit_range_is_refused(service):
    service.open("r.py", "python", "x = 1\n")
    import pytest
    with pytest.raises(ValueError):
        service.edit("r.py", 3, 100, "")
    assert service.text("r.py") == b"x = 1\n"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits)
def test_an_edited_copy_matches_a_fresh_parse_and_leaves_the_original(service, edits):
    """bs_copy shares the tree; editing the copy reparses it as a fresh parse would, and the
    original keeps its text, tree and (no) errors."""
    query = "(identifier) @id (string) @s"
    service.open("original", "python", SOURCE)
    original_tree = service.tree_string("original")
    service.copy("original", "copy")
    try:
        text = _apply(service, "copy", SOURCE, edits)
        assert (service.errors("copy"), service.query("copy", query), service.tree_string("copy")) == \
            _fresh(service, "python", text, query)
        assert service.text("original") == SOURCE
        assert service.tree_string("original") == original_tree
        assert service.errors("original") == []
    finally:
        service.close("copy")
        service.close("original")


def test_copy_of_an_unknown_document_is_refused(service):
    import pytest

    with pytest.raises(KeyError):
        service.copy("never-opened", "copy")
