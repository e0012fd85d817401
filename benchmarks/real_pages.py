"""Print cleaning quality on real pages: the WCXB development pages (``../shared/wcxb-dev``).

    python -m benchmarks.real_pages [--no-cv | --model-only]

Side by side, as plain text and as HTML, on the article pages and on all page types, scored
by the benchmark's own ``score.py`` (shingle F1, mean page precision and recall): the line
model cross-validated by site (5 folds: no site's pages in both the training and the scoring
part; ``training.train``), the rules alone (the model's evidence), keeping the lines of 20+
words, keeping every line, and trafilatura on the HTML (when installed: ``[bench]``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from training.train import cross_validate, merged, texts_kept, wcxb_corpora
from training.wcxb import Page, load_pages, score
from transforms.cleaning import read_document
from transforms.keys import word_count
from transforms.records import Rejection

LONG_LINE_WORDS = 20
Extractor = Callable[[Page, str], str]


def _rules(page: Page, fmt: str) -> str:
    raw = page.html() if fmt == "html" else page.text()
    read = read_document(raw.encode("utf-8"), fmt)
    return "" if isinstance(read, Rejection) else read.page.reading.document().body


def _long_lines(page: Page, fmt: str) -> str:
    return "\n".join(
        line for line in page.text().splitlines() if word_count(line) >= LONG_LINE_WORDS
    )


def _every_line(page: Page, fmt: str) -> str:
    return page.text()


def _trafilatura(page: Page, fmt: str) -> str:
    import trafilatura

    return trafilatura.extract(page.html()) or ""


def _row(name: str, fmt: str, pages: Sequence[Page], predicted: dict[str, str]) -> None:
    for kind in ("article", None):
        chosen = [p for p in pages if kind is None or p.page_type == kind]
        r = score(chosen, {p.id: predicted.get(p.id, "") for p in chosen})
        print(f"| {name} | {fmt} | {kind or 'all types'} ({len(chosen)}) | {r['f1']:.3f} | "
              f"{r['precision']:.3f} | {r['recall']:.3f} |", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-cv", dest="cv", action="store_false", help="baselines only")
    parser.add_argument("--model-only", action="store_true", help="the line model's CV only")
    args = parser.parse_args()
    pages = load_pages()
    print("| cleaner | input | pages | F1 | P | R |\n|---|---|---|---|---|---|")
    baselines: list[tuple[str, str, Extractor]] = [
        ("rules alone", "text", _rules),
        ("rules alone", "html", _rules),
        ("lines of 20+ words", "text", _long_lines),
        ("every line", "text", _every_line),
    ]
    try:
        import trafilatura  # noqa: F401

        baselines.append(("trafilatura", "html", _trafilatura))
    except ImportError:
        print("(trafilatura is not installed: pip install -e '.[bench]')")
    for name, fmt, extract in [] if args.model_only else baselines:
        _row(name, fmt, pages, {p.id: extract(p, fmt) for p in pages})
    if not args.cv:
        return
    t = time.time()
    corpora = wcxb_corpora(pages, ("text", "html"), generated=True)
    p = cross_validate(merged(corpora))
    at = 0
    for fmt, corpus in zip(("text", "html"), corpora, strict=True):
        part = np.asarray(p[at : at + len(corpus.y)])
        at += len(corpus.y)
        _row("line model, CV by site", fmt, pages, texts_kept(corpus, part))
    print(f"(cross-validation took {time.time() - t:.0f} s)")


if __name__ == "__main__":
    main()
