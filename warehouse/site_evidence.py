"""Site-level boilerplate: what the structural labeler kept that the rest of its site shows up.

One page cannot tell a site's cookie notice, newsletter prompt or a leaked "Most viewed" list
from article text; its site's other pages can. Counted over every current article of the site
in the warehouse (DuckDB), by rule:

- ``site_repeated``: a body paragraph that appears in the bodies of at least
  ``MIN_STORIES`` distinct stories of the site, and in at least ``MIN_SHARE`` of them, is
  boilerplate. A *story* is a duplicate cluster (``duplicates``): copies of one article, on
  one site or re-crawled, count once, so an article is never taken for its site's template
  because it was stored several times, and a syndicated article is counted per site.
- ``site_headline``: a headline-sized paragraph equal to the title of another story of the
  site, or to a sidebar headline listed on another of its pages, is a sidebar entry.
- A body is never emptied: when every paragraph would go, it is kept whole.

The evidence (``site_boilerplate``) and the bodies it changes (``refined_bodies``) are derived
tables, rebuilt by every load for the sites the load touches (its own sites, and those whose
stories it merged), and carried over for the others; the catalog's ``articles`` and ``lines``
views apply them. Earlier pages therefore lose boilerplate that only later pages revealed,
and since the counts depend only on the set of current articles and their clusters, the
result does not depend on the order or batching of ingestion.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.catalog import parquet_list
from warehouse.layout import Layout
from warehouse.load_view import load_connection
from warehouse.loads import stage_arrow, stage_batches
from warehouse.parquet_files import ROW_GROUP_SIZE, to_table

MIN_STORIES = 3
MIN_SHARE = 0.1
# A paragraph is headline-sized with at most this many words, and is compared with titles
# only when its text has at least this many characters (short subheads like "Background"
# could equal a short title by chance).
MAX_HEADLINE_WORDS = 25
MIN_HEADLINE_CHARS = 20

# A paragraph is known by a stable 64-bit key of its lower-cased text (md5, not DuckDB's
# hash(), which may change between versions), so the corpus-wide counts run over integers.
_KEY = "md5_number_upper(lower({}))"
_PARTS = "string_split(a.body, chr(10) || chr(10))"

# Every article's paragraphs, once: those of this load's articles (its files alone are read:
# each file holds one load, so the filter on load_id skips all others by their statistics),
# or with ``every_site`` those of any article that has none yet (a warehouse written before
# paragraphs were kept).
PARAGRAPHS_SQL = f"""
WITH split AS (
    SELECT a.doc_id, a.site, unnest({_PARTS}) AS paragraph,
           generate_subscripts({_PARTS}, 1) AS position
    FROM article_versions AS a
    WHERE {{which}}
)
SELECT doc_id, site, position, {_KEY.format("paragraph")} AS paragraph_key,
       length(paragraph) AS n_chars, len(string_split(paragraph, ' ')) AS n_words,
       $load_id AS load_id
FROM split WHERE paragraph <> ''
ORDER BY site, doc_id, position
"""

NEW_PARAGRAPHS_SQL = "CREATE TEMP VIEW new_paragraphs AS SELECT * FROM read_parquet({files})"

TOUCHED_ALL_SQL = "CREATE TEMP TABLE touched AS SELECT DISTINCT site FROM labeled_articles"

# The load's own sites, and the sites of articles whose story (cluster) the load changed.
TOUCHED_SQL = """
CREATE TEMP TABLE touched AS
SELECT DISTINCT site FROM documents WHERE load_id = $load_id
UNION
SELECT DISTINCT a.site FROM labeled_articles AS a JOIN (
    (SELECT doc_id, canonical_doc_id FROM duplicates
     EXCEPT SELECT doc_id, canonical_doc_id FROM stored_duplicates)
    UNION
    (SELECT doc_id, canonical_doc_id FROM stored_duplicates
     EXCEPT SELECT doc_id, canonical_doc_id FROM duplicates)
) AS changed USING (doc_id)
"""

# The paragraphs of the current articles of the touched sites, with their story.
CURRENT_SQL = """
CREATE TEMP TABLE current AS
SELECT p.doc_id, p.site, coalesce(d.canonical_doc_id, p.doc_id) AS story, p.position,
       p.paragraph_key, p.n_chars, p.n_words
FROM (SELECT * FROM paragraphs UNION ALL BY NAME SELECT * FROM new_paragraphs) AS p
JOIN (SELECT DISTINCT doc_id FROM labeled_articles) AS a USING (doc_id)
LEFT JOIN duplicates AS d USING (doc_id)
WHERE p.site IN (SELECT site FROM touched)
"""

BOILERPLATE_SQL = """
CREATE TEMP TABLE boilerplate AS
WITH sizes AS (SELECT site, count(DISTINCT story) AS site_stories FROM current GROUP BY site),
repeated AS (  -- most paragraphs occur once: a plain count rules them out cheaply
    SELECT site, paragraph_key FROM current
    GROUP BY site, paragraph_key HAVING count(*) >= $min_stories
)
SELECT c.site, c.paragraph_key, count(DISTINCT c.story) AS n_stories,
       any_value(s.site_stories) AS site_stories,
       min({'doc_id': c.doc_id, 'position': c.position}) AS first
FROM current AS c SEMI JOIN repeated AS r USING (site, paragraph_key)
JOIN sizes AS s USING (site)
GROUP BY c.site, c.paragraph_key
HAVING count(DISTINCT c.story) >= greatest($min_stories, $min_share * any_value(s.site_stories))
"""

# A paragraph's text is read from an article's body only when it is new evidence: the text
# of one already known is carried over (reading every body costs seconds at 200,000 pages).
SITE_BOILERPLATE_SQL = f"""
WITH known AS (
    SELECT site, paragraph_key, any_value(paragraph) AS paragraph
    FROM stored_site_boilerplate GROUP BY ALL
),
texts AS (
    SELECT b.first.doc_id AS doc_id, {_PARTS}[b.first.position] AS paragraph
    FROM boilerplate AS b JOIN labeled_articles AS a ON a.doc_id = b.first.doc_id
    WHERE b.first.doc_id IN (
        SELECT b.first.doc_id FROM boilerplate AS b ANTI JOIN known USING (site, paragraph_key)
    )
)
SELECT b.site, b.paragraph_key, coalesce(k.paragraph, t.paragraph) AS paragraph, b.n_stories,
       b.site_stories, $load_id AS load_id
FROM boilerplate AS b
LEFT JOIN known AS k USING (site, paragraph_key)
LEFT JOIN texts AS t ON t.doc_id = b.first.doc_id AND k.paragraph IS NULL
UNION ALL
SELECT * REPLACE ($load_id AS load_id) FROM stored_site_boilerplate
WHERE site NOT IN (SELECT site FROM touched)
ORDER BY site, paragraph_key
"""

# The paragraphs that site evidence removes, one row per paragraph, in steps, each into a
# temporary table: at 1,000,000 pages, one query holding all these joins and aggregates (a
# UNION's distinct over both its inputs above all) ran out of DuckDB's memory, where each
# step alone spills.
REMOVED_STEPS = (
    "CREATE TEMP TABLE stories AS SELECT DISTINCT doc_id, story FROM current",
    f"""
CREATE TEMP TABLE headlines AS
SELECT a.site, {_KEY.format("a.title")} AS paragraph_key, s.story
FROM labeled_articles AS a JOIN stories AS s USING (doc_id)
WHERE a.title IS NOT NULL
UNION ALL  -- a headline twice only matches twice: ``removed`` keeps one row a paragraph
SELECT m.site, {_KEY.format("m.headline")}, s.story
FROM headline_mentions AS m JOIN stories AS s USING (doc_id)
WHERE NOT m.truncated
""",
    """
CREATE TEMP TABLE removed AS
WITH matches AS (
    SELECT c.doc_id, c.position, c.paragraph_key, 'site_repeated' AS rule
    FROM current AS c JOIN boilerplate AS b USING (site, paragraph_key)
    UNION ALL
    SELECT c.doc_id, c.position, c.paragraph_key, 'site_headline'
    FROM current AS c JOIN headlines AS h USING (site, paragraph_key)
    WHERE h.story <> c.story
      AND c.n_chars >= $min_headline_chars AND c.n_words <= $max_headline_words
)
SELECT doc_id, position, any_value(paragraph_key) AS paragraph_key, min(rule) AS rule
FROM matches GROUP BY doc_id, position
""",
    """
CREATE TEMP TABLE paragraph_counts AS
SELECT doc_id, any_value(site) AS site, count(*) AS n FROM current
WHERE doc_id IN (SELECT doc_id FROM removed) GROUP BY doc_id
""",
)

REFINED_BODIES_SQL = """
SELECT r.doc_id, any_value(s.site) AS site,
       list({'position': r.position, 'paragraph_key': r.paragraph_key, 'rule': r.rule}
            ORDER BY r.position) AS removed,
       $load_id AS load_id
FROM removed AS r JOIN paragraph_counts AS s USING (doc_id)
GROUP BY r.doc_id
HAVING count(*) < any_value(s.n)  -- never empty a body
UNION ALL
SELECT * REPLACE ($load_id AS load_id) FROM stored_refined_bodies
WHERE site NOT IN (SELECT site FROM touched)
  AND doc_id IN (SELECT doc_id FROM labeled_articles)
ORDER BY doc_id
"""


@dataclass(frozen=True)
class SiteEvidence:
    sites: int  # sites whose evidence was counted again
    boilerplate: int  # paragraphs known as boilerplate over all sites, after this load
    refined: int  # current articles whose body loses site-level boilerplate


def find_site_boilerplate(layout: Layout, load_id: str, every_site: bool = False) -> SiteEvidence:
    """Stage the load's ``paragraphs``, then ``site_boilerplate`` and ``refined_bodies`` for the
    warehouse as it will be after ``load_id`` (call after ``dedup.find_duplicates`` staged its
    ``duplicates``). With ``every_site``, count every site again, not only those touched."""
    params = {
        "load_id": load_id,
        "min_stories": MIN_STORIES,
        "min_share": MIN_SHARE,
        "min_headline_chars": MIN_HEADLINE_CHARS,
        "max_headline_words": MAX_HEADLINE_WORDS,
    }
    which = (
        "a.doc_id NOT IN (SELECT doc_id FROM paragraphs)" if every_site else "a.load_id = $load_id"
    )
    with load_connection(layout, load_id) as con:
        # streamed to the staged file and read back: a full load's paragraphs (~10 an
        # article) would otherwise be held in Python, outside DuckDB's memory limit
        sql = PARAGRAPHS_SQL.format(which=which)
        result = con.sql(sql, params=_used(sql, params)).to_arrow_reader(ROW_GROUP_SIZE)
        staged = stage_batches(layout, load_id, "paragraphs", "evidence", result)
        if staged is None:
            con.register("new_paragraphs", to_table("paragraphs", []))
        else:
            con.execute(NEW_PARAGRAPHS_SQL.format(files=parquet_list([layout.sql_path(staged)])))
        touched = TOUCHED_ALL_SQL if every_site else TOUCHED_SQL
        con.execute(touched, _used(touched, params))
        con.execute(CURRENT_SQL)
        con.execute(BOILERPLATE_SQL, _used(BOILERPLATE_SQL, params))
        evidence = _arrow(con, SITE_BOILERPLATE_SQL, params)
        for step in REMOVED_STEPS:
            con.execute(step, _used(step, params))
        refined = _arrow(con, REFINED_BODIES_SQL, params)
        row = con.execute("SELECT count(*) FROM touched").fetchone()
    stage_arrow(layout, load_id, "site_boilerplate", "all", evidence)
    stage_arrow(layout, load_id, "refined_bodies", "all", refined)
    return SiteEvidence(int(row[0]) if row else 0, evidence.num_rows, refined.num_rows)


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters ``sql`` names (DuckDB refuses unused ones)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pa.Table:
    return con.sql(sql, params=_used(sql, params)).to_arrow_table()
