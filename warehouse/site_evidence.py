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

from warehouse.duck import bound, parquet_view, sql_file, statements
from warehouse.layout import Layout
from warehouse.load_view import load_connection
from warehouse.loads import stage_arrow, stage_batches
from warehouse.parquet_files import ROW_GROUP_SIZE
from warehouse.schemas import SCHEMAS

MIN_STORIES = 3
MIN_SHARE = 0.1
# A paragraph is headline-sized with at most this many words, and is compared with titles
# only when its text has at least this many characters (short subheads like "Background"
# could equal a short title by chance).
MAX_HEADLINE_WORDS = 25
MIN_HEADLINE_CHARS = 20


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
        "every_site": every_site,
    }
    with load_connection(layout, load_id) as con:
        # streamed to the staged file and read back: a full load's paragraphs (~10 an
        # article) would otherwise be held in Python, outside DuckDB's memory limit
        sql = sql_file("site_paragraphs.sql")
        result = con.sql(sql, params=bound(sql, params)).to_arrow_reader(ROW_GROUP_SIZE)
        staged = stage_batches(layout, load_id, "paragraphs", "evidence", result)
        new = [] if staged is None else [staged]
        parquet_view(con, layout, "new_paragraphs", new, SCHEMAS["paragraphs"])
        touched = "site_touched_all.sql" if every_site else "site_touched.sql"
        for step in (touched, "site_current.sql", "site_repeated.sql"):
            _execute(con, sql_file(step), params)
        evidence = _arrow(con, sql_file("site_boilerplate.sql"), params)
        for step in statements("site_removed.sql"):
            _execute(con, step, params)
        refined = _arrow(con, sql_file("refined_bodies.sql"), params)
        row = con.execute("SELECT count(*) FROM touched").fetchone()
    stage_arrow(layout, load_id, "site_boilerplate", "all", evidence)
    stage_arrow(layout, load_id, "refined_bodies", "all", refined)
    return SiteEvidence(int(row[0]) if row else 0, evidence.num_rows, refined.num_rows)


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> None:
    con.execute(sql, bound(sql, params))


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pa.Table:
    return con.sql(sql, params=bound(sql, params)).to_arrow_table()
