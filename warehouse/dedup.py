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

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from transforms.body_fingerprint import (
    NUM_PERM,
    estimated_containment,
    fingerprint,
    is_near_duplicate,
    shingle_count,
)
from transforms.clusters import Member, canonical_documents
from warehouse.catalog import connect_read_only, parquet_list
from warehouse.layout import Layout, file_name, part_file
from warehouse.load_view import load_connection
from warehouse.loads import stage_arrow, staged_files
from warehouse.parquet_files import to_table
from warehouse.schemas import SCHEMAS


def _similarity(a: str, b: str) -> str:
    """SQL for the estimated Jaccard similarity of two signature columns."""
    return f"len(list_filter(list_zip({a}, {b}), lambda x: x[1] = x[2])) / {NUM_PERM}"


# The band join runs in parts of about this many new band rows, each over the buckets whose
# hash falls in it, so that a load of a million bodies (32 million rows) joins within
# DuckDB's memory cap; a small load is one part.
BAND_ROWS_PER_PART = 2_000_000
# The staged part of the rows ``match_final_bodies`` adds.
FINAL_PART = "final"

CANDIDATES_SQL = """
INSERT INTO candidate_pairs
WITH new AS (
    SELECT DISTINCT body_key, band, bucket FROM read_parquet({new_bands})
    WHERE hash(band, bucket) % {parts} = {part}
)
SELECT DISTINCT
    least(n.body_key, e.body_key) AS body_key_a,
    greatest(n.body_key, e.body_key) AS body_key_b
FROM new AS n
JOIN (SELECT * FROM bands WHERE hash(band, bucket) % {parts} = {part}) AS e USING (band, bucket)
WHERE n.body_key <> e.body_key
"""

# A new body whose key is a final body's (after site evidence), as a candidate with itself:
# the same final body can be that of several articles whose labeler's bodies differ (copies
# that each kept their own site's chrome), or the labeler's body of another; equal keys share
# every bucket but are no pair of ``CANDIDATES_SQL``. ``LABELER_PAIRS_SQL`` turns it into the
# pairs of the labeler's keys of the articles that have that body. (Band 0: one row a body.)
SELF_CANDIDATES_SQL = """
INSERT INTO candidate_pairs
SELECT DISTINCT body_key, body_key FROM read_parquet({new_bands})
WHERE band = 0 AND body_key IN (SELECT body_key FROM final_signatures)
"""

# Every candidate with its estimated Jaccard similarity and the word counts of both bodies
# (of any version that has the body, as the labeler cleaned it or after site evidence: equal
# body keys are equal folded texts);
# ``is_near_duplicate`` decides which are pairs.
CANDIDATES_SCORED_SQL = f"""
WITH candidates AS (SELECT DISTINCT body_key_a, body_key_b FROM candidate_pairs),
keys AS (SELECT body_key_a AS body_key FROM candidates UNION SELECT body_key_b FROM candidates),
sigs AS (
    SELECT body_key, any_value(signature) AS signature, min(n_words) AS n_words FROM (
        SELECT s.body_key, s.signature, a.n_words
        FROM signatures AS s JOIN article_versions AS a USING (doc_id)
        UNION ALL
        SELECT body_key, signature, n_words FROM final_signatures
    ) WHERE body_key IN (SELECT body_key FROM keys) GROUP BY body_key
)
SELECT
    c.body_key_a, c.body_key_b,
    {_similarity("a.signature", "b.signature")} AS jaccard,
    a.n_words AS n_words_a, b.n_words AS n_words_b
FROM candidates AS c
JOIN sigs AS a ON a.body_key = c.body_key_a
JOIN sigs AS b ON b.body_key = c.body_key_b
ORDER BY c.body_key_a, c.body_key_b
"""

# The labeler's word counts, not the site-refined ones: site evidence counts clusters, so
# clusters must not depend on it. Only articles that can have a copy: whose body key another
# current article shares or a pair names (``new_pairs``: this load's); any other article is
# alone in its cluster, and holding every article in Python grows with the corpus.
MEMBERS_SQL = """
WITH members AS (
    SELECT s.doc_id, s.body_key, a.n_words
    FROM (SELECT DISTINCT doc_id, body_key FROM signatures) AS s
    JOIN labeled_articles AS a USING (doc_id)
),
linked AS (
    SELECT body_key FROM members GROUP BY body_key HAVING count(*) > 1
    UNION SELECT body_key_a FROM body_pairs UNION SELECT body_key_b FROM body_pairs
    UNION SELECT body_key_a FROM new_pairs UNION SELECT body_key_b FROM new_pairs
)
SELECT * FROM members SEMI JOIN linked USING (body_key)
"""
# A verified pair of bodies as pairs of the labeler's body keys of the articles that have them:
# a final body (after site evidence) stands for every article it was the final body of, a
# labeler's body for itself. ``body_pairs`` and clusters are over the labeler's keys alone.
LABELER_PAIRS_SQL = """
WITH keys AS (SELECT body_key_a AS body_key FROM verified UNION SELECT body_key_b FROM verified),
keymap AS (
    SELECT DISTINCT body_key, body_key AS labeler_key FROM signatures
    WHERE body_key IN (SELECT body_key FROM keys)
    UNION
    SELECT f.body_key, s.body_key FROM final_signatures AS f JOIN signatures AS s USING (doc_id)
    WHERE f.body_key IN (SELECT body_key FROM keys)
)
SELECT least(ma.labeler_key, mb.labeler_key) AS body_key_a,
       greatest(ma.labeler_key, mb.labeler_key) AS body_key_b,
       max(v.similarity) AS similarity
FROM verified AS v
JOIN keymap AS ma ON ma.body_key = v.body_key_a
JOIN keymap AS mb ON mb.body_key = v.body_key_b
WHERE ma.labeler_key <> mb.labeler_key
GROUP BY ALL
ORDER BY body_key_a, body_key_b
"""

# The articles whose body after site evidence is new this load (their removals changed, or
# they are new), with that body; ``match_final_bodies`` fingerprints those it has not seen.
FINAL_BODIES_SQL = """
WITH changed AS (
    SELECT doc_id, removed FROM refined_bodies
    EXCEPT SELECT doc_id, removed FROM stored_refined_bodies
)
SELECT a.doc_id, a.body FROM articles AS a SEMI JOIN changed USING (doc_id) ORDER BY a.doc_id
"""
KNOWN_FINAL_SQL = """
SELECT doc_id, body_key FROM final_signatures WHERE doc_id IN (SELECT doc_id FROM fresh)
UNION SELECT doc_id, body_key FROM signatures WHERE doc_id IN (SELECT doc_id FROM fresh)
"""

PAIR_KEYS = pa.schema([("body_key_a", pa.string()), ("body_key_b", pa.string())])

# Each copy and its survivor with their estimated Jaccard similarity and word counts; the
# similarity stored is ``estimated_containment`` of the two (1.0 for an exact copy).
DUPLICATES_SQL = f"""
WITH sigs AS (SELECT DISTINCT ON (doc_id) doc_id, body_key, signature FROM signatures)
SELECT
    c.doc_id,
    c.canonical_doc_id,
    CASE WHEN d.body_key = k.body_key THEN 'exact' ELSE 'near' END AS method,
    CASE WHEN d.body_key = k.body_key THEN 1.0
         ELSE {_similarity("d.signature", "k.signature")} END AS jaccard,
    c.n_words, c.canonical_n_words
FROM copies AS c
JOIN sigs AS d ON d.doc_id = c.doc_id
JOIN sigs AS k ON k.doc_id = c.canonical_doc_id
ORDER BY c.doc_id
"""


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
    pairs of the labeler's body keys (``LABELER_PAIRS_SQL``)."""
    rows = [
        (a, b, _containment(j, na, nb))
        for a, b, j, na, nb in con.execute(CANDIDATES_SCORED_SQL).fetchall()
        if is_near_duplicate(j, na, nb)
    ]
    con.register(
        "verified",
        pa.table(
            {name: [r[i] for r in rows] for i, name in enumerate(SCHEMAS["body_pairs"].names[:3])},
            schema=pa.schema(list(SCHEMAS["body_pairs"])[:3]),
        ),
    )
    pairs = con.sql(LABELER_PAIRS_SQL).to_arrow_table()
    con.unregister("verified")
    return pairs.append_column("load_id", pa.array([load_id] * pairs.num_rows, pa.string()))


def _find_candidates(con: duckdb.DuckDBPyConnection, new_bands: str) -> None:
    """Fill the temporary table ``candidate_pairs`` with the body pairs sharing a band bucket,
    and each new body that is a final body with itself (``SELF_CANDIDATES_SQL``)."""
    row = con.execute(f"SELECT count(*) FROM read_parquet({new_bands})").fetchone()
    parts = max(1, -(-int(row[0] if row else 0) // BAND_ROWS_PER_PART))
    con.execute("CREATE TEMP TABLE candidate_pairs (body_key_a VARCHAR, body_key_b VARCHAR)")
    for part in range(parts):
        con.execute(CANDIDATES_SQL.format(new_bands=new_bands, parts=parts, part=part))
    con.execute(SELF_CANDIDATES_SQL.format(new_bands=new_bands))


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
        fresh = con.execute(FINAL_BODIES_SQL).fetchall()
        con.register("fresh", pa.table({"doc_id": pa.array([d for d, _ in fresh], pa.string())}))
        known = set(con.execute(KNOWN_FINAL_SQL).fetchall())
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
                "n_words": len(body.split()),
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
        edges = con.execute("SELECT body_key_a, body_key_b FROM body_pairs").fetchall()
        new_pairs = 0
        pairs = PAIR_KEYS.empty_table()
        if new_bands:
            _find_candidates(con, parquet_list([layout.sql_path(p) for p in new_bands]))
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
    members = [Member(*row) for row in con.execute(MEMBERS_SQL).fetchall()]
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
    rows = con.execute(DUPLICATES_SQL).fetchall()
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
