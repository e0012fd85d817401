"""The line model: batching changes nothing, training is reproducible, decisions follow it."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from tests.conftest import REPO, SAMPLES
from transforms.cleaning import build_documents, read_document
from transforms.labeler import body_texts, decide, kept_lines, read_page, title_line
from transforms.labeler.batch import PageBatch, PageEvidence
from transforms.labeler.features import first_stage_matrix
from transforms.labeler.lexicon import BatchWords, Lexicon, batch_texts
from transforms.labeler.model import LEXICON, MODEL_DIR
from transforms.records import Label


def _sample_pages():
    return [read_page(p.read_text(encoding="utf-8").splitlines()) for p in SAMPLES.rglob("*.txt")]


def test_a_batch_of_pages_is_labeled_as_each_page_alone():
    pages = _sample_pages()
    together = decide(pages)
    alone = [decide([page])[0] for page in pages]
    assert together == alone
    assert len(pages) >= 10


def test_a_pages_features_do_not_depend_on_its_neighbours_in_the_batch():
    evidence = [page.evidence for page in _sample_pages()]
    lexicon = Lexicon.load(MODEL_DIR / LEXICON)

    def matrix(batch: PageBatch) -> np.ndarray:
        return first_stage_matrix(batch, lexicon.columns(batch, BatchWords.of(batch_texts(batch))))

    together = matrix(PageBatch.of(evidence))
    alone = np.concatenate([matrix(PageBatch.of([ev])) for ev in evidence])
    np.testing.assert_array_equal(together, alone)


def test_a_page_keeps_its_most_likely_lines_down_to_one_cut():
    # every kept line scores at least as high as every line the model removed (the rules'
    # title and a teaser found repeated in the body are out at any score)
    docs = decide(_sample_pages())
    never = (Label.TITLE, Label.TEASER)
    cuts = 0
    for doc in docs:
        scored = [(label, p) for label, p in zip(doc.labels, doc.p_content, strict=True)
                  if p is not None and label not in never]  # fmt: skip
        kept = [p for label, p in scored if label is Label.CONTENT]
        removed = [p for label, p in scored if label is not Label.CONTENT]
        if kept and removed:
            cuts += 1
            assert min(kept) >= max(removed)
    assert cuts > len(docs) / 2


def test_the_cut_weighs_expected_precision_against_expected_recall():
    page = PageEvidence(["a long clear line of the story"] * 3 + ["Share this", "maybe a line"],
                        [0] * 5, [0] * 5)  # fmt: skip
    confident = np.array([0.97, 0.96, 0.95, 0.02, 0.3])
    assert kept_lines(page, confident).tolist() == [True, True, True, False, False]
    # the same guess (0.3) is kept where nothing on the page is confident
    unsure = np.array([0.45, 0.4, 0.42, 0.02, 0.3])
    assert kept_lines(page, unsure).tolist() == [True, True, True, False, True]


def test_html_and_text_pages_are_decided_in_one_batch():
    html = b"<html><body><nav>Home</nav><article><h1>Storm</h1><p>" + b"Rain fell. " * 30
    text = "Home\n\nStorm\n\n" + "Rain fell all day on the coast. " * 10
    reads = [read_document(html + b"</p></article></body></html>", "html"),
             read_document(text.encode(), "text")]  # fmt: skip
    docs = build_documents(reads)  # type: ignore[arg-type]
    assert [d.body.startswith("Rain fell") for d in docs] == [True, True]  # type: ignore[union-attr]


def test_the_title_is_the_ranked_line_and_never_in_the_body():
    # a head title naming the story and the site; the page's own heading is the title line
    html = (
        b"<html><head><title>Storm closes the coast road | Daily News</title></head><body>"
        b"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><p>Daily News</p>"
        b"<article><h1>Storm closes the coast road</h1><p>"
        + b"Rain fell all day. " * 30
        + b"</p></article><footer>Contact us</footer></body></html>"
    )
    [doc] = build_documents([read_document(html, "html")])  # type: ignore[list-item]
    assert doc.title == "Storm closes the coast road"  # type: ignore[union-attr]
    assert "Storm closes" not in doc.body  # type: ignore[union-attr]
    title_lines = [k for k, label in enumerate(doc.labels) if label is Label.TITLE]  # type: ignore[union-attr]
    assert [doc.texts[k] for k in title_lines] == [doc.title]  # type: ignore[union-attr]


def test_a_page_the_rules_find_without_a_title_gets_none():
    # a teaser-first page: its first line is the body's first sentence cut short
    body = "The district council has agreed to pay farmers to flood their fields in winter."
    text = f"{body[:50]}\n\n{body} " + "Officials say the scheme is cheap. " * 12
    [doc] = build_documents([read_document(text.encode(), "text")])  # type: ignore[list-item]
    assert doc.title is None  # type: ignore[union-attr]


def test_the_rankers_pick_is_the_title_unless_it_is_a_teaser_the_rules_cut():
    teaser = "Farmers will be paid to flood their fields every winter"
    body = (f"Harbor plan splits the council Source: {teaser}, the council said on Monday. "
            + "Officials say the scheme is cheap and quick to build. " * 8)  # fmt: skip
    glued = read_page(["Valley News", "", "Menu", "", teaser, "", body]).reading
    assert glued.title == "Harbor plan splits the council"
    assert title_line(glued, 1) == 1  # the ranker outranked the glued title
    assert title_line(glued, 2) is None  # it picked the cut teaser: the glued title stands
    assert title_line(glued, -1) is None  # the rules' own candidate won
    # a teaser-first page (a cut teaser, no title above it) has no title whatever is picked
    first = "The district council has agreed to pay farmers to flood their fields in winter."
    teaser_first = read_page([first[:50], "", f"{first} " + "It is cheap. " * 12]).reading
    assert teaser_first.title is None and title_line(teaser_first, 1) is None


def test_a_glued_title_leaves_the_body_only_when_it_is_the_title():
    teaser = "Farmers will be paid to flood their fields every winter"
    body = (f"Harbor plan splits the council Source: {teaser}, the council said on Monday. "
            + "Officials say the scheme is cheap and quick to build. " * 8)  # fmt: skip
    reading = read_page(["Valley News", "", teaser, "", body]).reading
    assert body_texts(reading, None)[2].startswith(teaser)  # the glued title stands
    assert body_texts(reading, 0)[2].startswith("Harbor plan splits")  # the ranker's stands


TRAIN_TINY = """
import hashlib
import numpy as np
from benchmarks.synthetic_pages import generate_corpus
from training import train
from training.wcxb import Page

train.ROUNDS = 30  # fewer trees on one thread: the same training, small enough for the suite
train.PARAMS["num_threads"] = 1
examples = [
    (Page(sp.name, sp.site, "article", sp.gold_title, sp.gold_body), sp.text, frozenset())
    for sp in generate_corpus(n_sites=6, pages_per_site=2, seed=3)
]
corpus = train.build_corpus(examples, "text")
stages = train.fit_stages(corpus, np.ones(len(corpus.pages), dtype=bool))
boosters = (stages.first, stages.second, stages.title)
assert all(b.num_trees() == train.ROUNDS for b in boosters[:2])
assert stages.title.num_trees() == train.TITLE_ROUNDS
assert stages.lexicon.weights  # words of 3+ sites were weighed
words = repr(sorted(stages.lexicon.weights.items()))
model = "".join(b.model_to_string() for b in boosters) + words
print(hashlib.sha256(model.encode()).hexdigest())
"""


def test_training_twice_on_the_same_pages_gives_the_same_model():
    # two processes, each with its own string hashing: nothing may depend on either
    digests = [
        subprocess.run(
            [sys.executable, "-c", TRAIN_TINY],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    ]
    assert digests[0] == digests[1] and len(digests[0]) == 64
