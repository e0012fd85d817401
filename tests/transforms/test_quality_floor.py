"""CI gate: extraction quality on generated pages may not drop below pinned floors.

The figures (python -m benchmarks.quality --sites 30 --pages 10 --seed 11 --no-warehouse)
were, when pinned: text F1 0.994, 96.0% of pages >= 0.95, titles 100%, headlines P 0.996 /
R 1.000; HTML F1 0.996, 96.7% of pages >= 0.95, titles 100%, headlines P 0.996 / R 1.000.
On the extended layouts (``extended=True``: menus, left-column sidebars, comment threads,
authors' bios, copyright paragraphs, links inside the article, briefs, text hard-wrapped at
a fixed width, Russian and Chinese sites), same corpus size and seed, they were (pinned
again when hard-wrapped sites joined the generator, which redrew its sites): text F1 0.969,
81.3% >= 0.95, titles 99.2%, headlines P 0.968 / R 0.998; HTML F1 0.973, 84.7%, titles
99.2%, headlines P 0.968 / R 0.998. Most of what the labeler alone misses there is authors'
bios, which only site evidence removes (``tests/test_site_evidence.py``).
Raise the floors when the cleaner improves; never lower them to make a change pass.
"""

import json

import numpy as np
import pytest

from benchmarks.quality import measure_html_quality, measure_quality
from benchmarks.synthetic_pages import generate_corpus

# The held-out title ranker's share of article pages (as text) whose title has the reference
# title's words, pinned below its measured figure (0.711 since the rules' candidate carries
# the line they read as the title; 0.717 before, and 0.613 before the ranker read the words
# its candidates share with the article and with each other; the rules alone: 0.225).
TITLE_FLOOR = 0.68


@pytest.mark.parametrize("measure", [measure_quality, measure_html_quality], ids=["text", "html"])
def test_quality_on_generated_pages_stays_above_the_floors(measure):
    q = measure(generate_corpus(n_sites=30, pages_per_site=10, seed=11))
    assert q.f1 >= 0.99
    assert q.share_f1_095 >= 0.95
    assert q.title_exact is not None and q.title_exact >= 0.98
    assert q.headline_precision is not None and q.headline_recall is not None
    assert q.headline_precision >= 0.98 and q.headline_recall >= 0.98


@pytest.mark.parametrize("measure", [measure_quality, measure_html_quality], ids=["text", "html"])
def test_quality_on_extended_layouts_stays_above_the_floors(measure):
    q = measure(generate_corpus(n_sites=30, pages_per_site=10, seed=11, extended=True))
    assert q.f1 >= 0.965
    assert q.share_f1_095 >= 0.80
    assert q.title_exact is not None and q.title_exact >= 0.98
    assert q.headline_precision is not None and q.headline_recall is not None
    assert q.headline_precision >= 0.96 and q.headline_recall >= 0.99


# Real pages: the WCXB development pages of one fold of sites (``training.train``), scored by
# the benchmark's own scorer, as plain text, with the model ``make train`` trained beside the
# shipped one on the other four folds and the generated pages (``training/held_out_model/``:
# the same run, so the same code and data, without those sites; training it here took three
# minutes of the suite). Pinned below the model's cross-validated F1 over all five folds
# (0.926 on the article pages, text; README "How it works"), where the rules alone score 0.79.
@pytest.mark.slow
def test_quality_on_real_pages_of_sites_never_trained_on_stays_above_the_floor():
    from training.train import (
        HELD_OUT_DIR,
        HELD_OUT_RECORD,
        held_out_pages,
        held_out_record,
        predict,
        texts_kept,
        titles_found,
        wcxb_corpora,
    )
    from training.wcxb import load_pages, score, title_key
    from transforms.labeler.model import Stages

    pages = load_pages()
    # trained with the shipped model, by one `make train`, and never on these pages
    record = json.loads((HELD_OUT_DIR / HELD_OUT_RECORD).read_text(encoding="utf-8"))
    assert record == held_out_record(pages)
    unseen = held_out_pages(pages)
    [corpus] = wcxb_corpora(unseen, ["text"], generated=False)
    every_page = np.ones(len(corpus.pages), dtype=bool)
    found = predict(corpus, every_page, Stages.load(HELD_OUT_DIR))
    articles = [p for p in unseen if p.page_type == "article"]
    assert len(articles) > 100
    assert score(articles, texts_kept(corpus, found))["f1"] >= 0.90
    # the title ranker's pick has the reference title's words on most article pages (the
    # rules alone: 0.23 over all five folds' article pages; the ranker, cross-validated: README)
    titled = titles_found(corpus, found)
    with_title = [p for p in articles if p.title]
    same = sum(title_key(titled[p.id]) == title_key(p.title) for p in with_title) / len(with_title)
    assert same >= TITLE_FLOOR, same
