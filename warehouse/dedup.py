"""Find duplicate articles against the whole warehouse, incrementally, in DuckDB.

Rules (the fingerprints are ``transforms.body_fingerprint``'s, the survivor rule
``transforms.clusters``'s):

- A load's new band buckets are joined with the buckets of every stored body (history and
  this load); each candidate body pair that ``is_near_duplicate`` (estimated containment and
  length ratio, from the signatures and the bodies' word counts) is stored in ``body_pairs``
  with its estimated containment as ``similarity``. Old bodies are never fingerprinted again,
  and since a pair is found whichever of its two bodies comes second, the set of pairs does
  not depend on ingestion order or batching.
- ``duplicates`` is then rebuilt from all pairs over the current articles: one row per article
  that is a copy of another, naming its cluster's survivor, ``exact`` when both bodies have the
  same ``body_key``, else ``near`` with the estimated containment of the two bodies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from transforms.body_fingerprint import (
    estimated_containment,
    fingerprint,
    is_near_duplicate,
    shingle_count,
)
from transforms.clusters import Member, canonical_documents
from transforms.keys import word_count
from warehouse.catalog import connect_read_only
from warehouse.duck import sql_file, statements
from warehouse.layout import Layout, file_name, part_file
from warehouse.load_view import load_connection
from warehouse.loads import stage_arrow, staged_files
from warehouse.parquet_files import read_metadata, to_table
from warehouse.schemas import SCHEMAS

# The band join runs in parts of about this many new band rows, each over the buckets whose
# hash falls in it, so that a load of a million bodies (32 million rows) joins within
# DuckDB's memory cap; a small load is one part.
BAND_ROWS_PER_PART = 2_000_000
# The staged part of the rows ``match_final_bodies`` adds.
FINAL_PART = "final"

PAIR_KEYS = pa.schema([("body_key_a", pa.string()), ("body_key_b", pa.string())])


@dataclass(frozen=True)
class DedupCounts:
    new_pairs: int  # near-duplicate body pairs this load found
    duplicates: int  # current articles that are copies of another, after this load


def _containment(jaccard: float, n_words_a: int, n_words_b: int) -> float:
    if jaccard >= 1.0:
        return 1.0
    return estimated_containment(jaccard, shingle_count(n_words_a), shingle_count(n_words_b))


def _verified_pairs(con: duckdb.DuckDBPyConnection, load_id: str) -> pa.Table:
    """The candidates that ``is_near_duplicate``, scored by their estimated containment, as
    pairs of the labeler's body keys (``dedup_labeler_pairs.sql``)."""
    rows = [
        (a, b, _containment(j, na, nb))
        for a, b, j, na, nb in con.execute(sql_file("dedup_candidates_scored.sql")).fetchall()
        if is_near_duplicate(j, na, nb)
    ]
    con.register(
        "verified",
        pa.table(
            {name: [r[i] for r in rows] for i, name in enumerate(SCHEMAS["body_pairs"].names[:3])},
            schema=pa.schema(list(SCHEMAS["body_pairs"])[:3]),
        ),
    )
    pairs = con.sql(sql_file("dedup_labeler_pairs.sql")).to_arrow_table()
    con.unregister("verified")
    return pairs.append_column("load_id", pa.array([load_id] * pairs.num_rows, pa.string()))


def _find_candidates(
    con: duckdb.DuckDBPyConnection, layout: Layout, new_bands: Sequence[str]
) -> None:
    """Fill the temporary table ``candidate_pairs`` with the body pairs sharing a band bucket
    with the bands of the files ``new_bands``, and each new body that is a final body with
    itself (``dedup_self_candidates.sql``)."""
    rows = sum(read_metadata(layout, path).num_rows for path in new_bands)
    parts = max(1, -(-rows // BAND_ROWS_PER_PART))
    create, insert = statements("dedup_candidates.sql")
    con.execute(create)
    files = [layout.sql_path(p) for p in new_bands]
    for part in range(parts):
        con.execute(insert, {"new_bands": files, "parts": parts, "part": part})
    con.execute(sql_file("dedup_self_candidates.sql"), {"new_bands": files})


def stored_duplicates(layout: Layout) -> int:
    """How many current articles the warehouse holds as copies of another."""
    with connect_read_only(layout) as con:
        row = con.execute("SELECT count(*) FROM duplicates").fetchone()
    return int(row[0]) if row else 0


def find_duplicates(layout: Layout, load_id: str) -> DedupCounts:
    """Stage this load's ``body_pairs`` and the rebuilt ``duplicates`` table."""
    return _match(layout, load_id, staged_files(layout, load_id, "bands"), "dedup")


def match_final_bodies(layout: Layout, load_id: str) -> DedupCounts | None:
    """Fingerprint the bodies site evidence changed this load (after ``find_site_boilerplate``),
    match them against every stored body, stage the pairs found and rebuild ``duplicates``.

    Site evidence removes chrome that each copy of a story kept from its own site, so two
    copies can be near duplicates after it and not before. Site evidence reads the clusters
    of ``find_duplicates``; the pairs found here count from the next load on. None when no
    body is new (``duplicates`` as ``find_duplicates`` staged it stands).
    """
    with load_connection(layout, load_id) as con:
        fresh = con.execute(sql_file("dedup_final_bodies.sql")).fetchall()
        con.register("fresh", pa.table({"doc_id": pa.array([d for d, _ in fresh], pa.string())}))
        known = set(con.execute(sql_file("dedup_known_final.sql")).fetchall())
    signatures: list[dict[str, object]] = []
    bands: list[dict[str, object]] = []
    for doc, body in fresh:
        fp = fingerprint(body)
        if fp is None or (doc, fp.body_key) in known:
            continue
        signatures.append(
            {
                "doc_id": doc,
                "body_key": fp.body_key,
                "signature": fp.signature,
                "n_words": word_count(body),
                "load_id": load_id,
            }
        )
        bands.extend(
            {"body_key": fp.body_key, "band": band, "bucket": bucket, "load_id": load_id}
            for band, bucket in enumerate(fp.buckets)
        )
    if not signatures:
        return None
    stage_arrow(
        layout, load_id, "final_signatures", FINAL_PART, to_table("final_signatures", signatures)
    )
    stage_arrow(layout, load_id, "bands", FINAL_PART, to_table("bands", bands))
    final = part_file(load_id, FINAL_PART)
    new_bands = [p for p in staged_files(layout, load_id, "bands") if file_name(p) == final]
    return _match(layout, load_id, new_bands, FINAL_PART)


def _match(layout: Layout, load_id: str, new_bands: list[str], part: str) -> DedupCounts:
    """Stage the verified pairs of ``new_bands`` against every stored body under ``part``,
    and the rebuilt ``duplicates`` table."""
    with load_connection(layout, load_id) as con:
        con.execute(sql_file("estimated_similarity.sql"))
        edges = con.execute("SELECT body_key_a, body_key_b FROM body_pairs").fetchall()
        new_pairs = 0
        pairs = PAIR_KEYS.empty_table()
        if new_bands:
            _find_candidates(con, layout, new_bands)
            pairs = _verified_pairs(con, load_id)
            new_pairs = stage_arrow(layout, load_id, "body_pairs", part, pairs)
            edges += zip(
                pairs.column("body_key_a").to_pylist(),
                pairs.column("body_key_b").to_pylist(),
                strict=True,
            )
        con.register("new_pairs", pairs.select(PAIR_KEYS.names))
        duplicates = _duplicates(con, edges, load_id)
    stage_arrow(layout, load_id, "duplicates", "all", duplicates)
    return DedupCounts(new_pairs, duplicates.num_rows)


def _duplicates(
    con: duckdb.DuckDBPyConnection, edges: list[tuple[str, str]], load_id: str
) -> pa.Table:
    """The ``duplicates`` rows of the current articles clustered by ``edges``."""
    members = [Member(*row) for row in con.execute(sql_file("dedup_members.sql")).fetchall()]
    n_words = {m.doc_id: m.n_words for m in members}
    copies = [(d, c) for d, c in canonical_documents(members, edges).items() if d != c]
    con.register(
        "copies",
        pa.table(
            {
                "doc_id": [d for d, _ in copies],
                "canonical_doc_id": [c for _, c in copies],
                "n_words": [n_words[d] for d, _ in copies],
                "canonical_n_words": [n_words[c] for _, c in copies],
            },
            schema=pa.schema(
                [
                    ("doc_id", pa.string()),
                    ("canonical_doc_id", pa.string()),
                    ("n_words", pa.int64()),
                    ("canonical_n_words", pa.int64()),
                ]
            ),
        ),
    )
    rows = con.execute(sql_file("dedup_duplicates.sql")).fetchall()
    return pa.Table.from_pylist(
        [
            {
                "doc_id": d,
                "canonical_doc_id": c,
                "method": method,
                "similarity": _containment(j, na, nc),
                "load_id": load_id,
            }
            for d, c, method, j, na, nc in rows
        ],
        SCHEMAS["duplicates"],
    )
