"""The one declaration of every stored table's columns.

Each table is a folder of Parquet files written with exactly this schema; the DuckDB
catalog (``catalog.sql``) exposes them as views of the same name.
"""

from __future__ import annotations

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("doc_id", pa.string()),
            ("source", pa.string()),
            ("site", pa.string()),
            ("format", pa.string()),
            ("bytes", pa.int64()),
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
            ("lines_removed", pa.map_(pa.string(), pa.int64())),
        ]
    ),
}

# Tables whose rows belong to a load and become visible once that load is in ``loads``.
LOAD_TABLES = tuple(name for name in SCHEMAS if name != "loads")
