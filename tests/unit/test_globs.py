"""Globs as globset reads them (core/globs.py): any pattern a configuration holds compiles
(a broken one matches nothing rather than failing the request), and a literal matches itself."""

from __future__ import annotations

import re
import warnings

from hypothesis import given, strategies as st

from booster_lsp.core.globs import globset_regex
from booster_lsp.files import excluded_by_project

GLOB_TEXT = st.text(alphabet="ab/*?[]{},!^\\.-é", max_size=12)
LITERAL = st.text(alphabet="abc/._-é0", min_size=1, max_size=12)


@given(GLOB_TEXT, st.booleans())
def test_every_pattern_compiles_without_warnings(glob: str, literal_separator: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # re's FutureWarning on `[[` is a broken class in waiting
        re.compile(globset_regex(glob, literal_separator=literal_separator))


@given(LITERAL, st.booleans())
def test_a_literal_matches_itself_only(text: str, literal_separator: bool) -> None:
    regex = re.compile(globset_regex(text, literal_separator=literal_separator))
    assert regex.fullmatch(text) and not regex.fullmatch(text + "x")


def test_star_crosses_slashes_only_without_a_literal_separator() -> None:
    assert re.fullmatch(globset_regex("src/*.py", literal_separator=False), "src/gen/b.py")
    assert not re.fullmatch(globset_regex("src/*.py", literal_separator=True), "src/gen/b.py")
    assert re.fullmatch(globset_regex("**/x/{a,b}[0-9].[!c]s", literal_separator=True), "p/q/x/b7.ts")


def test_broken_patterns_in_a_project_configuration_fail_no_request(tmp_path) -> None:
    (tmp_path / "ruff.toml").write_text('extend-exclude = ["[!]", "{a,", "[z-a]", "gen_[!].py"]\n')
    (tmp_path / "dprint.json").write_text('{ "excludes": ["[!]", "{a,"], "includes": ["**/*.{ts", "[]"] }\n')
    assert not excluded_by_project(tmp_path / "mod.py", "format")
    assert excluded_by_project(tmp_path / "app.ts", "format")  # broken includes match nothing: the file is left alone


def test_includes_that_are_not_a_list_are_not_taken_for_an_empty_one(tmp_path) -> None:
    (tmp_path / "dprint.json").write_text('{ "includes": "src/**" }\n')  # dprint refuses this config
    assert not excluded_by_project(tmp_path / "app.ts", "format")
    (tmp_path / "dprint.json").write_text('{ "includes": [] }\n')  # as dprint: nothing is included
    import os

    os.utime(tmp_path / "dprint.json", ns=(5, 5))
    assert excluded_by_project(tmp_path / "app.ts", "format")
