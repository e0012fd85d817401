"""The one declaration of every stored table's columns.

Each table is a folder of Parquet files written with exactly this schema; the DuckDB
catalog exposes each as a view of the same name, except ``articles``, whose stored rows (every
version) are the view ``article_versions`` and whose view ``articles`` shows current versions
(``catalog.sql``).
"""

from __future__ import annotations

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("doc_id", pa.string()),
            ("source", pa.string()),
            ("version", pa.int32()),
            ("site", pa.string()),
            ("format", pa.string()),
            ("bytes", pa.int64()),
            ("file_size", pa.int64()),
            ("file_mtime_ns", pa.int64()),
            ("encoding", pa.string()),  # null for bytes already stored under another path
            ("replaced_bytes", pa.int64()),
            ("ingested_at", _TS),
            ("load_id", pa.string()),
        ]
    ),
    "articles": pa.schema(
        [
            ("doc_id", pa.string()),
            ("source", pa.string()),
            ("site", pa.string()),
            ("title", pa.string()),
            ("title_key", pa.string()),
            ("body", pa.string()),
            ("n_words", pa.int32()),
            ("load_id", pa.string()),
        ]
    ),
    "lines": pa.schema(
        [
            ("doc_id", pa.string()),
            ("line_no", pa.int32()),
            ("text", pa.string()),
            ("label", pa.string()),
            ("rule", pa.string()),
            # the line model's probability that the line is article text (null: blank line)
            ("p_content", pa.float32()),
            ("load_id", pa.string()),
        ]
    ),
    "headline_mentions": pa.schema(
        [
            ("doc_id", pa.string()),
            ("site", pa.string()),
            ("headline", pa.string()),
            ("headline_key", pa.string()),
            ("section", pa.string()),
            ("position", pa.int32()),
            ("truncated", pa.bool_()),
            ("load_id", pa.string()),
        ]
    ),
    "signatures": pa.schema(
        [
            ("doc_id", pa.string()),
            ("body_key", pa.string()),
            ("signature", pa.list_(pa.uint32())),
            ("load_id", pa.string()),
        ]
    ),
    "bands": pa.schema(
        [
            ("body_key", pa.string()),
            ("band", pa.int16()),
            ("bucket", pa.int64()),
            ("load_id", pa.string()),
        ]
    ),
    # the fingerprint of an article's body after site evidence (``articles``), once per distinct
    # refined body of the article; its bands are in ``bands`` under this body_key
    "final_signatures": pa.schema(
        [
            ("doc_id", pa.string()),
            ("body_key", pa.string()),
            ("signature", pa.list_(pa.uint32())),
            ("n_words", pa.int32()),
            ("load_id", pa.string()),
        ]
    ),
    "body_pairs": pa.schema(
        [
            ("body_key_a", pa.string()),
            ("body_key_b", pa.string()),
            ("similarity", pa.float64()),
            ("load_id", pa.string()),
        ]
    ),
    "duplicates": pa.schema(
        [
            ("doc_id", pa.string()),
            ("canonical_doc_id", pa.string()),
            ("method", pa.string()),
            ("similarity", pa.float64()),
            ("load_id", pa.string()),
        ]
    ),
    "paragraphs": pa.schema(
        [
            ("doc_id", pa.string()),
            ("site", pa.string()),
            ("position", pa.int32()),  # 1-based, among the body's paragraphs
            ("paragraph_key", pa.uint64()),  # md5_number_upper of the lower-cased text
            ("n_chars", pa.int32()),
            ("n_words", pa.int32()),
            ("load_id", pa.string()),
        ]
    ),
    "site_boilerplate": pa.schema(
        [
            ("site", pa.string()),
            ("paragraph_key", pa.uint64()),
            ("paragraph", pa.string()),  # its text in the smallest doc_id that has it
            ("n_stories", pa.int64()),  # distinct stories (duplicate clusters) that carry it
            ("site_stories", pa.int64()),  # distinct stories on the site
            ("load_id", pa.string()),
        ]
    ),
    "refined_bodies": pa.schema(
        [
            ("doc_id", pa.string()),
            ("site", pa.string()),
            (
                "removed",  # the body paragraphs site evidence removes, in order
                pa.list_(
                    pa.struct(
                        [
                            ("position", pa.int32()),
                            ("paragraph_key", pa.uint64()),
                            ("rule", pa.string()),
                        ]
                    )
                ),
            ),
            ("load_id", pa.string()),
        ]
    ),
    "quarantine": pa.schema(
        [
            ("source", pa.string()),
            ("content_hash", pa.string()),
            ("reason", pa.string()),
            ("detail", pa.string()),
            ("quarantined_at", _TS),
            ("load_id", pa.string()),
        ]
    ),
    "loads": pa.schema(
        [
            ("load_id", pa.string()),
            ("source", pa.string()),
            ("started_at", _TS),
            ("finished_at", _TS),
            ("files_seen", pa.int64()),
            ("ingested", pa.int64()),
            ("skipped", pa.int64()),
            ("quarantined", pa.int64()),
            ("articles", pa.int64()),
            ("new_pairs", pa.int64()),
            ("duplicates", pa.int64()),
            ("lines_removed", pa.map_(pa.string(), pa.int64())),
            ("labeler_model", pa.string()),  # the line model's version (labeler.model_version)
        ]
    ),
    "maintenance": pa.schema(
        [
            ("load_id", pa.string()),  # the maintenance run's own id (as a load's)
            ("table_name", pa.string()),
            ("action", pa.string()),  # "compact" (small files merged) or "refresh" (rebuilt)
            ("replaced", pa.list_(pa.string())),  # names of the table files it hid
            ("files_before", pa.int64()),
            ("files_after", pa.int64()),
            ("rows", pa.int64()),
            ("bytes_before", pa.int64()),
            ("bytes_after", pa.int64()),
            ("finished_at", _TS),
        ]
    ),
}

# Tables of commit records: a load (or maintenance run) is committed once its row is written
# here, and from then on the files named after its id are visible.
RECORD_TABLES = ("loads", "maintenance")
# Tables whose rows belong to a load and become visible once that load is in ``loads``.
LOAD_TABLES = tuple(name for name in SCHEMAS if name not in RECORD_TABLES)
# Tables each load rewrites whole from all history: only the newest committed id's file counts.
DERIVED_TABLES = frozenset({"duplicates", "site_boilerplate", "refined_bodies"})
