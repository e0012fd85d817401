"""Print cleaning quality on real pages: the WCXB development pages (``../shared/wcxb-dev``).

    python -m benchmarks.real_pages [--no-cv | --model-only]

Side by side, as plain text and as HTML, on the article pages and on all page types, scored
by the benchmark's own ``score.py`` (shingle F1, mean page precision and recall): the line
model cross-validated by site (5 folds: no site's pages in both the training and the scoring
part; ``training.train``), the rules alone (the model's evidence), keeping the lines of 20+
words, keeping every line, and trafilatura on the HTML (when installed: ``[bench]``). Then
the titles: the share of the pages with a reference title (``meta.jsonl``) whose title, as
cleaning gives it, has the same words (``training.wcxb.title_key``), for the model's title
ranker (the same cross-validation) and for the rules alone.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from functools import cache

from training.train import Predicted, cross_validate, merged, texts_kept, titles_found, wcxb_corpora
from training.wcxb import Page, load_pages, score, title_key
from transforms.cleaning import read_document
from transforms.keys import word_count
from transforms.labeler.rules import RuleReading
from transforms.records import Rejection

LONG_LINE_WORDS = 20
Extractor = Callable[[Page, str], str]


@cache
def _reading(page: Page, fmt: str) -> RuleReading | None:
    """What the rules make of ``page`` as ``fmt`` (None: cleaning rejects it), read once for
    both its body and its title."""
    raw = page.html() if fmt == "html" else page.text()
    read = read_document(raw.encode("utf-8"), fmt)
    return None if isinstance(read, Rejection) else read.page.reading


def _rules(page: Page, fmt: str) -> str:
    reading = _reading(page, fmt)
    return "" if reading is None else reading.document().body


def _rules_title(page: Page, fmt: str) -> str | None:
    reading = _reading(page, fmt)
    return None if reading is None else reading.title


def _long_lines(page: Page, fmt: str) -> str:
    return "\n".join(
        line for line in page.text().splitlines() if word_count(line) >= LONG_LINE_WORDS
    )


def _every_line(page: Page, fmt: str) -> str:
    return page.text()


def _trafilatura(page: Page, fmt: str) -> str:
    import trafilatura

    return trafilatura.extract(page.html()) or ""


def _title_row(name: str, fmt: str, pages: Sequence[Page], titles: dict[str, str | None]) -> None:
    for kind in ("article", None):
        chosen = [p for p in pages if p.title and (kind is None or p.page_type == kind)]
        same = sum(title_key(titles.get(p.id)) == title_key(p.title) for p in chosen)
        print(f"| {name} | {fmt} | {kind or 'all types'} ({len(chosen)}) | "
              f"{same / len(chosen):.3f} |", flush=True)  # fmt: skip


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
    found = cross_validate(merged(corpora))
    at = page_at = 0
    titles: list[tuple[str, dict[str, str | None]]] = []
    for fmt, corpus in zip(("text", "html"), corpora, strict=True):
        n_pages = len(corpus.pages)
        part = Predicted(
            found.p[at : at + len(corpus.y)], found.titles[page_at : page_at + n_pages]
        )
        at, page_at = at + len(corpus.y), page_at + n_pages
        _row("line model, CV by site", fmt, pages, texts_kept(corpus, part))
        titles.append((fmt, titles_found(corpus, part)))
    print(f"(cross-validation took {time.time() - t:.0f} s)")
    print("\n| titles | input | pages with a title | same words |\n|---|---|---|---|")
    for fmt, found_titles in titles:
        _title_row("title ranker, CV by site", fmt, pages, found_titles)
    for fmt in [] if args.model_only else ("text", "html"):
        _title_row("the rules alone", fmt, pages, {p.id: _rules_title(p, fmt) for p in pages})


if __name__ == "__main__":
    main()
