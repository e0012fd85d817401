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

from warehouse.layout import Layout
from warehouse.load_view import load_connection
from warehouse.loads import stage_arrow

MIN_STORIES = 3
MIN_SHARE = 0.1
# A paragraph is headline-sized with at most this many words, and is compared with titles
# only when its text has at least this many characters (short subheads like "Background"
# could equal a short title by chance).
MAX_HEADLINE_WORDS = 25
MIN_HEADLINE_CHARS = 20

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

PARAGRAPHS_SQL = """
CREATE TEMP TABLE paragraphs AS
WITH stories AS (
    SELECT a.doc_id, a.site, coalesce(d.canonical_doc_id, a.doc_id) AS story,
           string_split(a.body, chr(10) || chr(10)) AS parts
    FROM labeled_articles AS a LEFT JOIN duplicates AS d USING (doc_id)
    WHERE a.site IN (SELECT site FROM touched)
),
split AS (
    SELECT doc_id, site, story, unnest(parts) AS paragraph,
           generate_subscripts(parts, 1) AS position
    FROM stories
)
SELECT *, lower(paragraph) AS paragraph_key FROM split WHERE paragraph <> ''
"""

BOILERPLATE_SQL = """
CREATE TEMP TABLE boilerplate AS
WITH sizes AS (SELECT site, count(DISTINCT story) AS site_stories FROM paragraphs GROUP BY site)
SELECT p.site, p.paragraph_key, arg_min(p.paragraph, p.doc_id) AS paragraph,
       count(DISTINCT p.story) AS n_stories, any_value(s.site_stories) AS site_stories
FROM paragraphs AS p JOIN sizes AS s USING (site)
GROUP BY p.site, p.paragraph_key
HAVING count(DISTINCT p.story) >= greatest($min_stories, $min_share * any_value(s.site_stories))
"""

SITE_BOILERPLATE_SQL = """
SELECT *, $load_id AS load_id FROM boilerplate
UNION ALL
SELECT * REPLACE ($load_id AS load_id) FROM stored_site_boilerplate
WHERE site NOT IN (SELECT site FROM touched)
ORDER BY site, paragraph_key
"""

REFINED_BODIES_SQL = """
WITH stories AS (SELECT DISTINCT doc_id, story FROM paragraphs),
headlines AS (
    SELECT a.site, lower(a.title) AS paragraph_key, s.story
    FROM labeled_articles AS a JOIN stories AS s USING (doc_id)
    WHERE a.title IS NOT NULL
    UNION
    SELECT m.site, lower(m.headline), s.story
    FROM headline_mentions AS m JOIN stories AS s USING (doc_id)
    WHERE NOT m.truncated
),
removed AS (
    SELECT p.doc_id, p.position, 'site_repeated' AS rule
    FROM paragraphs AS p JOIN boilerplate AS b USING (site, paragraph_key)
    UNION ALL
    SELECT p.doc_id, p.position, 'site_headline'
    FROM paragraphs AS p JOIN headlines AS h USING (site, paragraph_key)
    WHERE h.story <> p.story
      AND length(p.paragraph) >= $min_headline_chars
      AND len(string_split(p.paragraph, ' ')) <= $max_headline_words
),
ruled AS (SELECT doc_id, position, min(rule) AS rule FROM removed GROUP BY ALL),
refined AS (
    SELECT p.doc_id, any_value(p.site) AS site,
           string_agg(p.paragraph, chr(10) || chr(10) ORDER BY p.position)
               FILTER (WHERE r.rule IS NULL) AS body,
           list({'paragraph_key': p.paragraph_key, 'rule': r.rule} ORDER BY p.position)
               FILTER (WHERE r.rule IS NOT NULL) AS removed
    FROM paragraphs AS p LEFT JOIN ruled AS r USING (doc_id, position)
    GROUP BY p.doc_id
    HAVING count(r.rule) > 0 AND count(r.rule) < count(*)
)
SELECT doc_id, site, body, len(regexp_split_to_array(body, '\\s+')) AS n_words, removed,
       $load_id AS load_id
FROM refined
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
    refined: int  # current articles whose body lost site-level boilerplate


def find_site_boilerplate(layout: Layout, load_id: str, every_site: bool = False) -> SiteEvidence:
    """Stage ``site_boilerplate`` and ``refined_bodies`` for the warehouse as it will be after
    ``load_id`` (call after ``dedup.find_duplicates`` staged its ``duplicates``). With
    ``every_site``, count every site again instead of those the load touched."""
    params = {
        "load_id": load_id,
        "min_stories": MIN_STORIES,
        "min_share": MIN_SHARE,
        "min_headline_chars": MIN_HEADLINE_CHARS,
        "max_headline_words": MAX_HEADLINE_WORDS,
    }
    with load_connection(layout, load_id) as con:
        if every_site:
            con.execute(TOUCHED_ALL_SQL)
        else:
            con.execute(TOUCHED_SQL, {"load_id": load_id})
        con.execute(PARAGRAPHS_SQL)
        con.execute(BOILERPLATE_SQL, _used(BOILERPLATE_SQL, params))
        evidence = _arrow(con, SITE_BOILERPLATE_SQL, params)
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
