"""Trap recovery and memory release."""

from __future__ import annotations

import pytest

from booster_lsp.errors import TransformationError

TEXT = "def f(x):\n    return x + 1\n" * 40  # 1,000-ish bytes, 80 lines


def test_trap_recovery_reopens_documents(service):
    service.open("a.py", "python", "x = (\n")
    service.open("b.rs", "rust", "fn main() {}\n")
    before = service.errors("a.py")
    module = service._module
    # Make the instance trap: a document whose text pointer lies outside linear memory.
    with pytest.raises(TransformationError):
        module.sandbox.call("bs_open", 1, 0xFFFFFF00, 0x100)
    assert module.broken
    # The next call replaces the instance and re-opens both documents from the kept texts.
    assert service.errors("a.py") == before
    assert service.errors("b.rs") == []
    assert service.restarts == 1
    assert service._module is not module
    service.edit("b.rs", 0, 0, "x")
    assert [i.kind for i in service.errors("b.rs")] == ["error"]


def test_deadline_trap_then_recovery(loaded):
    from booster_lsp.core.syntax import SyntaxService
    from booster_lsp.wasm.runtime import Limits

    service = SyntaxService(loaded, Limits(deadline_ms=5))
    service.open("small.py", "python", "x = 1\n")
    huge = "[" * 200_000 + "]" * 200_000  # parses for far longer than 5 ms
    with pytest.raises(TransformationError, match="deadline"):
        service.parse_errors("python", huge)
    assert service.errors("small.py") == []  # fresh instance, document re-opened


def test_closed_documents_release_memory(service):
    def cycle(n: int) -> None:
        for i in range(n):
            service.open(f"d{i}", "python", TEXT + f"y{i} = (\n")
            assert service.errors(f"d{i}")
            service.close(f"d{i}")

    cycle(100)  # reach the plateau: allocator arenas, parser stacks, result buffer
    plateau = service.memory_bytes()
    cycle(1000)
    assert service.memory_bytes() == plateau


def test_unknown_document_and_language(service):
    with pytest.raises(KeyError):
        service.errors("nope")
    with pytest.raises(TransformationError):
        service.open("x.rb", "ruby", "puts 1")
