"""Fixtures of the refactoring tests: the session booster's syntax service."""

from __future__ import annotations

from pathlib import Path

import pytest

from booster_lsp.core.syntax import SyntaxService

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "refactor"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.wasm)


@pytest.fixture(scope="session")
def syntax(booster) -> SyntaxService:
    return booster.syntax
