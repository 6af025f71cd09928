"""replace_file: the one way booster writes a file (booster_lsp/atomic_file.py)."""

from __future__ import annotations

import os
import stat

import pytest

from booster_lsp.atomic_file import replace_file

pytestmark = pytest.mark.unit


def test_the_content_is_replaced_with_the_given_mode_else_0600(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(b"old")
    replace_file(target, b"new", mode=0o644)
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o644
    replace_file(target, bytearray(b"newer"))
    assert target.read_bytes() == b"newer" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_replace_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "a-directory"
    target.mkdir()  # a file cannot be renamed over a directory
    with pytest.raises(OSError):
        replace_file(target, b"data")
    assert target.is_dir() and sorted(os.listdir(tmp_path)) == ["a-directory"]
