"""The record of files found formatted (core/formatted_files.py)."""

from __future__ import annotations

import os

import pytest

from booster_lsp.core import formatted_files
from booster_lsp.core.formatted_files import FormattedFiles, stamp_of

pytestmark = pytest.mark.unit


def test_a_recorded_file_is_formatted_until_it_changes_and_only_under_its_key(tmp_path):
    record = FormattedFiles(tmp_path / "record")
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    record.record(source, "key", stamp_of(source))
    assert record.is_formatted(source, "key")
    assert not record.is_formatted(source, "other settings")
    status = os.stat(source)
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns + 1))
    assert not record.is_formatted(source, "key")


def test_a_file_changed_since_it_was_read_is_not_recorded(tmp_path):
    record = FormattedFiles(tmp_path / "record")
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    read = stamp_of(source)
    source.write_text("x = 10\n")  # edited between the read and the record
    record.record(source, "key", read)
    assert not record.is_formatted(source, "key")


def test_the_record_survives_the_process_and_keeps_the_newest_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(formatted_files, "MAX_ENTRIES", 2)
    files = [tmp_path / f"{n}.py" for n in range(3)]
    record = FormattedFiles(tmp_path / "record")
    for file in files:
        file.write_text("x = 1\n")
        record.record(file, "key", stamp_of(file))
    record.save()
    reloaded = FormattedFiles(tmp_path / "record")
    assert [reloaded.is_formatted(file, "key") for file in files] == [False, True, True]


def test_an_unreadable_record_is_an_empty_one(tmp_path):
    (tmp_path / "record").write_bytes(b"not marshal data")
    source = tmp_path / "a.py"
    source.write_text("x = 1\n")
    assert not FormattedFiles(tmp_path / "record").is_formatted(source, "key")
