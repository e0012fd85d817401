"""Time site-level evidence (``warehouse.site_evidence``) on a large warehouse.

    python -m benchmarks.site_evidence [--sites 500] [--pages 200] [--new 0.01]

Stages ``--sites`` x ``--pages`` generated articles (their gold bodies, plus the site's cookie
notice and footers where the template has them, as a labeler would miss them) as one load,
counts every site's evidence, publishes; then stages ``--new`` as many more articles spread
over all sites as a second load and counts again (every site is touched, the worst case for
an incremental load). Prints seconds and peak RSS of this process (DuckDB runs in it).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.synthetic_pages import iter_corpus
from transforms.keys import word_count
from warehouse import loads
from warehouse.layout import Layout, new_load_id
from warehouse.site_evidence import find_site_boilerplate

CHUNK = 50_000


def _stage(layout: Layout, load_id: str, sites: int, pages: int, seed: int) -> int:
    now = datetime.now(UTC)
    documents, articles, part, n = [], [], 0, 0
    for page in iter_corpus(sites, pages, seed):
        parts = page.parts
        extra = [*parts.footers, *([parts.cookie] if parts.cookie else [])] if parts else []
        doc_id = f"{seed}-{n:09d}"
        source = f"{page.site}/{seed}-{page.name}"
        documents.append({"doc_id": doc_id, "source": source, "version": 1, "site": page.site,
                          "format": "text", "bytes": len(page.text), "ingested_at": now,
                          "load_id": load_id})  # fmt: skip
        body = "\n\n".join([page.gold_body, *extra])
        articles.append({"doc_id": doc_id, "source": source, "site": page.site,
                         "title": page.gold_title, "title_key": None, "body": body,
                         "n_words": word_count(body), "load_id": load_id})  # fmt: skip
        n += 1
        if len(articles) == CHUNK:
            loads.stage(layout, load_id, "documents", f"{part:04d}", documents)
            loads.stage(layout, load_id, "articles", f"{part:04d}", articles)
            documents, articles, part = [], [], part + 1
    loads.stage(layout, load_id, "documents", f"{part:04d}", documents)
    loads.stage(layout, load_id, "articles", f"{part:04d}", articles)
    loads.stage(layout, load_id, "duplicates", "all", [])
    return n


def _timed_load(layout: Layout, sites: int, pages: int, seed: int) -> None:
    load_id = new_load_id()
    started = time.perf_counter()
    n = _stage(layout, load_id, sites, pages, seed)
    staged = time.perf_counter()
    found = find_site_boilerplate(layout, load_id)
    counted = time.perf_counter()
    loads.publish(layout, load_id, {"load_id": load_id, "source": "benchmark"})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{n:>9,} articles: generate + stage {staged - started:6.1f} s, site evidence "
        f"{counted - staged:6.1f} s ({found.sites} sites counted, {found.boilerplate} "
        f"boilerplate paragraphs, {found.refined:,} bodies refined); peak RSS {rss:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--new", type=float, default=0.01, help="share of new articles")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pagewash-site-evidence-") as work:
        layout = Layout.at(Path(work, "wh"))
        loads.initialize(layout)
        _timed_load(layout, args.sites, args.pages, seed=1)
        _timed_load(layout, args.sites, max(1, round(args.pages * args.new)), seed=2)


if __name__ == "__main__":
    main()
