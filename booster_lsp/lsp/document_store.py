"""Open documents as immutable snapshots, updated by incremental (or full) changes.

Each change creates a new ``DocumentSnapshot`` with a new ``revision`` (a server-side
counter: some clients reuse version numbers). A handler holds the snapshot it started with
and compares revisions afterwards to drop results for a stale document.
The LineIndex of a snapshot is built once, on first use.
"""

from __future__ import annotations

import functools
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

from booster_lsp.core.operations import LANGUAGE_BY_EXTENSION, language_for_path, normalize_language
from booster_lsp.text.line_index import LineIndex
from booster_lsp.text.positions import PositionCodec, PositionEncoding, Range

_revisions = itertools.count(1)
KNOWN_LANGUAGES = frozenset(LANGUAGE_BY_EXTENSION.values())


@functools.lru_cache(maxsize=1024)
def uri_path(uri: str) -> str:
    """The path of a ``file:`` URI (else the URI). Kept per URI: each revision of a document
    is a new snapshot, and parsing its URI again took ~45 us of a formatting request on the
    benchmark VM (cold caches)."""
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme in ("file", "") else uri


def document_language(language_id: str | None, uri: str) -> str | None:
    if language_id:
        language = normalize_language(language_id)
        if language in KNOWN_LANGUAGES:
            return language
    return language_for_path(uri_path(uri))


def json_content_changes(changes: list[dict[str, Any]]) -> list[tuple[Range | None, str]]:
    """``content_changes`` of a didChange message's JSON itself, no lsprotocol objects (the
    stdin reader thread's lane for didChange, the prelude). Raises KeyError / TypeError /
    ValueError for a malformed change, before anything is applied."""
    result: list[tuple[Range | None, str]] = []
    for change in changes:
        text = change["text"]
        if not isinstance(text, str):
            raise TypeError("text is not a string")
        range_ = change.get("range")
        if range_ is None:
            result.append((None, text))
            continue
        start, end = range_["start"], range_["end"]
        positions = (start["line"], start["character"], end["line"], end["character"])
        if not all(type(value) is int for value in positions):
            raise TypeError("positions are not integers")
        result.append((((positions[0], positions[1]), (positions[2], positions[3])), text))
    return result


@dataclass(frozen=True, eq=False)
class DocumentSnapshot:
    uri: str
    language: str | None
    version: int | None
    text: str
    revision: int = field(default_factory=lambda: next(_revisions))
    _index: list[LineIndex] = field(default_factory=list, repr=False)

    @property
    def index(self) -> LineIndex:
        if not self._index:
            self._index.append(LineIndex(self.text))
        return self._index[0]

    def codec(self, encoding: PositionEncoding) -> PositionCodec:
        return PositionCodec(self.index, encoding)

    @property
    def indexed(self) -> bool:
        """Are its lines indexed yet (the first position conversion of a revision does it)?"""
        return bool(self._index)

    @property
    def path(self) -> str:
        return uri_path(self.uri)  # kept per URI there, for every revision

    @property
    def file_path(self) -> str | None:
        """The file's path for a ``file:`` URI (where a project's configuration is looked
        up), else ``None`` (an untitled buffer has no project)."""
        return self.path if self.uri.startswith("file:") else None


class DocumentStore:
    def __init__(self) -> None:
        self._documents: dict[str, DocumentSnapshot] = {}
        self._lock = threading.Lock()  # workers read; the event loop and the reader thread write
        #: held across a change's read-modify-write: the event loop and the stdin reader
        #: thread (which applies didChange itself when the loop has nothing pending) never
        #: change a document at once by design; this makes it so whatever the timing
        self._change_lock = threading.Lock()

    def open(self, uri: str, language_id: str | None, version: int | None, text: str) -> DocumentSnapshot:
        snapshot = DocumentSnapshot(uri, document_language(language_id, uri), version, text)
        with self._lock:
            self._documents[uri] = snapshot
        return snapshot

    def change(
        self,
        uri: str,
        version: int | None,
        changes: list[tuple[Range | None, str]],
        encoding: PositionEncoding,
    ) -> DocumentSnapshot | None:
        """Apply changes in order; a ``None`` range replaces the whole text."""
        with self._change_lock:
            current = self.get(uri)
            if current is None:
                return None
            text = current.text
            for number, (range_, new_text) in enumerate(changes):
                if range_ is None:
                    text = new_text
                    continue
                # each change is relative to the text after the previous ones
                index = current.index if number == 0 else LineIndex(text)
                start, end = PositionCodec(index, encoding).offsets(range_)
                text = text[:start] + new_text + text[end:]
            snapshot = DocumentSnapshot(uri, current.language, version, text)
            with self._lock:
                self._documents[uri] = snapshot
            return snapshot

    def close(self, uri: str) -> None:
        with self._lock:
            self._documents.pop(uri, None)

    def get(self, uri: str) -> DocumentSnapshot | None:
        with self._lock:
            return self._documents.get(uri)

    def is_current(self, snapshot: DocumentSnapshot) -> bool:
        current = self.get(snapshot.uri)
        return current is not None and current.revision == snapshot.revision

    def __iter__(self):
        with self._lock:
            return iter(list(self._documents.values()))
