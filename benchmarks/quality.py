"""Print the cleaner's extraction quality on generated labeled pages.

    python -m benchmarks.quality [--sites 60] [--pages 20] [--seed 1]

Figures: mean shingle precision/recall/F1 (see ``shingle_metric``), share of pages with
F1 >= 0.95, title exact-match rate (pages whose title is in the text), distinct sidebar
headline precision/recall, and text-labeler speed on one core.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from benchmarks.shingle_metric import shingle_prf
from benchmarks.synthetic_pages import SyntheticPage, generate_corpus
from transforms.headline_key import headline_key
from transforms.labeler import label_lines


@dataclass(frozen=True)
class Quality:
    pages: int
    precision: float
    recall: float
    f1: float
    share_f1_095: float
    title_exact: float
    headline_precision: float
    headline_recall: float
    docs_per_second: float


def measure_quality(pages: list[SyntheticPage]) -> Quality:
    scores, titles = [], []
    found_keys: set[str] = set()
    gold_keys: set[str] = set()
    started = time.perf_counter()
    docs = [label_lines(page.lines) for page in pages]
    elapsed = time.perf_counter() - started
    for page, doc in zip(pages, docs, strict=True):
        scores.append(shingle_prf(doc.body, page.gold_body))
        if page.gold_title is not None:
            titles.append(doc.title == page.gold_title)
        found_keys |= {m.headline_key for m in doc.mentions}
        gold_keys |= {headline_key(h) for h in page.headlines}
    hits = len(found_keys & gold_keys)
    return Quality(
        pages=len(pages),
        precision=statistics.fmean(s[0] for s in scores),
        recall=statistics.fmean(s[1] for s in scores),
        f1=statistics.fmean(s[2] for s in scores),
        share_f1_095=sum(s[2] >= 0.95 for s in scores) / len(scores),
        title_exact=sum(titles) / max(len(titles), 1),
        headline_precision=hits / max(len(found_keys), 1),
        headline_recall=hits / max(len(gold_keys), 1),
        docs_per_second=len(pages) / elapsed,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=60)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pages = generate_corpus(args.sites, args.pages, args.seed)
    q = measure_quality(pages)
    print(
        f"generated pages           {q.pages} ({args.sites} sites x {args.pages}, seed {args.seed})"
    )
    print(f"shingle P / R / F1        {q.precision:.3f} / {q.recall:.3f} / {q.f1:.3f}")
    print(f"pages with F1 >= 0.95     {q.share_f1_095:.1%}")
    print(f"title exact match         {q.title_exact:.1%}")
    print(f"sidebar headlines P / R   {q.headline_precision:.3f} / {q.headline_recall:.3f}")
    print(f"text labeler speed        {q.docs_per_second:,.0f} docs/s on one core")


if __name__ == "__main__":
    main()
