"""Print duplicate-detection quality on labeled copies, and its cost at corpus scale.

    python -m benchmarks.dedup [--sites 40] [--pages 25] [--seed 11]
                               [--corpus clean|noisy|both]
                               [--docs 1000000] [--new 10000] [--skip-quality] [--skip-scale]

Quality: generates sites whose articles reappear on other sites with edits
(``duplicate_pages``), ingests them with the real ``ingest`` flow and prints precision and
recall of duplicate pairs (two articles in one cluster vs. telling the same story), recall per
kind of edit, and precision and recall of the distinct sidebar headlines. The *noisy* corpus
adds to every page 10-40% more words of its own site's leftovers and near-miss pages (a
follow-up reusing one paragraph, a round-up quoting a short article whole, another story on
the same topic), and prints how many near misses were merged and how much leftover text the
bodies kept, as the labeler cleaned them and after site evidence.

Scale: generates ``--docs`` article bodies (10% of them edited copies of another) in worker
processes, fingerprints them there, stages them as one load and times
``warehouse.dedup.find_duplicates`` over them; then does the same for ``--new`` more bodies
against that history (the incremental case). Prints wall times and peak RSS.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.duplicate_pages import EDITS, NEAR_MISSES, generate_duplicates
from benchmarks.shingle_metric import shingle_prf
from benchmarks.synthetic_pages import Article, new_article
from runtime.settings import apply_prefect_defaults, worker_count
from transforms.keys import headline_key, word_count
from warehouse import loads
from warehouse.dedup import find_duplicates, match_final_bodies
from warehouse.layout import Layout, new_load_id
from warehouse.query import run_query
from warehouse.rows import BatchRows

CHUNK = 10_000


def _peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, children / 1024


def _pairs(clusters: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (a, b)
        for members in clusters.values()
        for a, b in itertools.combinations(sorted(members), 2)
    }


def _quartiles(values: list[float]) -> str:
    values = sorted(values) or [0.0]
    q = [values[min(len(values) - 1, int(f * len(values)))] for f in (0.25, 0.5, 0.75)]
    return " / ".join(f"{v:.0%}" for v in q)


def quality(sites: int, pages: int, work: Path, noisy: bool, seed: int = 11) -> None:
    from flows.ingest import ingest

    corpus = generate_duplicates(
        n_sites=sites,
        pages_per_site=pages,
        seed=seed,
        leftovers=(0.1, 0.4) if noisy else None,
        near_misses=noisy,
    )
    inbox = work / "inbox"
    for sp in corpus:
        path = inbox / sp.page.site / sp.page.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sp.page.text, encoding="utf-8")
    ingest(str(inbox), str(work / "wh"))
    layout = Layout.at(work / "wh")
    by_source = {f"{sp.page.site}/{sp.page.name}": sp for sp in corpus}
    articles = run_query(layout, "SELECT doc_id, source FROM articles").rows
    story = {doc: by_source[source].story for doc, source in articles}
    edit = {doc: by_source[source].edit for doc, source in articles}
    canonical = dict(run_query(layout, "SELECT doc_id, canonical_doc_id FROM duplicates").rows)
    predicted: dict[str, set[str]] = defaultdict(set)
    gold: dict[int, set[str]] = defaultdict(set)
    for doc in story:
        predicted[canonical.get(doc, doc)].add(doc)
        gold[story[doc]].add(doc)
    found, wanted = _pairs(predicted), _pairs({str(k): v for k, v in gold.items()})
    hit = found & wanted
    kind = "noisy: leftovers 10-40%, near misses" if noisy else "clean"
    print(f"{kind} corpus")
    print(
        f"pages                     {len(corpus)} ({sites} sites x {pages} + copies, seed {seed})"
    )
    print(f"gold duplicate pairs      {len(wanted)}")
    print(
        f"pair precision / recall   {len(hit) / max(1, len(found)):.3f} / "
        f"{len(hit) / max(1, len(wanted)):.3f}"
    )
    for kind in sorted(EDITS):
        copies = [d for d in story if edit[d] == kind]
        caught = sum(
            1
            for d in copies
            if canonical.get(d, d) in gold[story[d]] and len(predicted[canonical.get(d, d)]) > 1
        )
        print(f"  recall, {kind:<23} {caught / max(1, len(copies)):.3f} of {len(copies)}")
    for kind in NEAR_MISSES:
        near = [d for d in story if edit[d] == kind]
        if near:
            wrongly = sum(1 for d in near if len(predicted[canonical.get(d, d)]) > 1)
            print(f"near misses merged, {kind:<13} {wrongly} of {len(near)}")
    if noisy:
        for table in ("labeled_articles", "articles"):
            bodies = run_query(layout, f"SELECT source, body FROM {table}").rows
            extra = []
            for source, body in bodies:
                p = shingle_prf(body, by_source[source].body)[0]
                extra.append((1 - p) / max(p, 1e-9))
            print(f"leftover words per story word, quartiles, {table:<16} {_quartiles(extra)}")
    gold_keys = {headline_key(h) for sp in corpus for h in sp.page.headlines}
    keys = {k for (k,) in run_query(layout, "SELECT headline_key FROM headlines").rows}
    both = gold_keys & keys
    print(
        f"distinct headlines P / R  {len(both) / max(1, len(keys)):.3f} / "
        f"{len(both) / max(1, len(gold_keys)):.3f} ({len(gold_keys)} gold)"
    )


def _bodies(seed: int, start: int, n: int) -> list[tuple[str, str]]:
    """``n`` (doc_id, body) pairs; one in ten is an edited copy of an earlier one of them."""
    rng = random.Random(seed * 1_000_003 + start)
    out: list[tuple[str, str]] = []
    kinds = sorted(EDITS)
    for i in range(n):
        if out and rng.random() < 0.1:
            _, original = rng.choice(out)
            article = Article("t", tuple(original.split("\n\n")))
            body = "\n\n".join(EDITS[rng.choice(kinds)](rng, article).paragraphs)
        else:
            body = "\n\n".join(new_article(rng, "en").paragraphs)
        out.append((f"{seed:02x}{start + i:014x}", body))
    return out


def _stage_chunk(root: str, load_id: str, seed: int, start: int, n: int) -> int:
    layout = Layout.at(root)
    at = datetime.now(UTC)
    out = BatchRows()
    rows = out.tables
    for doc, body in _bodies(seed, start, n):
        source = f"site/{doc}.txt"
        rows["documents"].append(
            {
                "doc_id": doc,
                "source": source,
                "version": 1,
                "site": "site",
                "format": "text",
                "bytes": len(body),
                "ingested_at": at,
                "load_id": load_id,
            }
        )
        rows["articles"].append(
            {
                "doc_id": doc,
                "source": source,
                "site": "site",
                "title": None,
                "title_key": None,
                "body": "",
                "n_words": word_count(body),
                "load_id": load_id,
            }
        )
        out.add_fingerprint(doc, body, load_id)
    for table, table_rows in rows.items():
        loads.stage(layout, load_id, table, f"{start:09d}", table_rows)
    return n


def _load(layout: Layout, n: int, seed: int, pool: ProcessPoolExecutor) -> None:
    load_id = new_load_id()
    started = time.perf_counter()
    jobs = [
        pool.submit(_stage_chunk, str(layout.root), load_id, seed, start, min(CHUNK, n - start))
        for start in range(0, n, CHUNK)
    ]
    for job in jobs:
        job.result()
    fingerprinted = time.perf_counter()
    counts = find_duplicates(layout, load_id)
    match_final_bodies(layout, load_id)  # no site evidence here: nothing new, a few queries
    matched = time.perf_counter()
    row = {
        "load_id": load_id,
        "source": "benchmark",
        "started_at": datetime.now(UTC),
        "finished_at": datetime.now(UTC),
        "files_seen": n,
        "ingested": n,
        "skipped": 0,
        "quarantined": 0,
        "articles": n,
        "new_pairs": counts.new_pairs,
        "duplicates": counts.duplicates,
        "lines_removed": {},
    }
    loads.publish(layout, load_id, row)
    own, _ = _peak_rss_mb()
    print(
        f"  {n:,} bodies: generate + fingerprint + stage {fingerprinted - started:.1f} s "
        f"({n / (fingerprinted - started):,.0f}/s on {worker_count()} processes), "
        f"find duplicates {matched - fingerprinted:.1f} s; {counts.new_pairs:,} new pairs, "
        f"{counts.duplicates:,} duplicates; peak RSS {own:.0f} MB (this process)"
    )


def scale(n_docs: int, n_new: int, work: Path) -> None:
    layout = Layout.at(work / "scale")
    loads.initialize(layout)
    print(f"near-duplicate detection at scale ({worker_count()} worker processes)")
    with ProcessPoolExecutor(worker_count()) as pool:
        _load(layout, n_docs, 1, pool)
        _load(layout, n_new, 2, pool)
    print(f"  peak RSS of the largest worker process {_peak_rss_mb()[1]:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--pages", type=int, default=25)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--corpus", choices=["clean", "noisy", "both"], default="both")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pagewash-dedup-"))
    work.mkdir(parents=True, exist_ok=True)
    apply_prefect_defaults()
    try:
        if not args.skip_quality:
            for noisy in (False, True):
                if args.corpus in ("both", "noisy" if noisy else "clean"):
                    name = "noisy" if noisy else "clean"
                    quality(args.sites, args.pages, work / f"quality-{name}", noisy, args.seed)
        if not args.skip_scale:
            scale(args.docs, args.new, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
