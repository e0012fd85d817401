"""What a warehouse already holds, so a run can skip it."""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.catalog import connect_read_only
from warehouse.layout import Layout

KNOWN_DOCUMENTS_SQL = (
    "SELECT source, doc_id, version, file_size, file_mtime_ns FROM current_documents"
)
KNOWN_ARTICLES_SQL = "SELECT DISTINCT doc_id FROM article_versions"
KNOWN_QUARANTINE_SQL = "SELECT DISTINCT source, content_hash FROM quarantine"


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """The newest stored version of a source path, and the file it was read from."""

    doc_id: str
    version: int
    file_size: int | None
    file_mtime_ns: int | None


@dataclass(frozen=True)
class KnownState:
    """Keys of what completed loads stored."""

    documents: dict[str, StoredVersion]  # by source path
    articles: frozenset[str]
    quarantined: frozenset[tuple[str, str | None]]


def known_state(layout: Layout) -> KnownState:
    """Read the keys of stored documents, articles and quarantined files."""
    with connect_read_only(layout) as con:
        documents = {
            source: StoredVersion(*rest)
            for source, *rest in con.execute(KNOWN_DOCUMENTS_SQL).fetchall()
        }
        articles = frozenset(row[0] for row in con.execute(KNOWN_ARTICLES_SQL).fetchall())
        quarantined = frozenset(con.execute(KNOWN_QUARANTINE_SQL).fetchall())
    return KnownState(documents, articles, quarantined)
