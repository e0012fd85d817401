"""Train the line model on the WCXB development pages and measure it by site-grouped CV.

``python -m training.train`` (``make train``) writes the two stages and the title ranker into
``transforms/labeler/model/``, and the same training without one fold's sites into
``training/held_out_model/`` (for the suite's floor on real pages it never saw);
``python -m benchmarks.real_pages`` prints the same training's figures, cross-validated by
site, beside other cleaners.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import lightgbm as lgb
import numpy as np

from benchmarks.synthetic_pages import generate_corpus
from training.wcxb import Page, aligned_labels, load_pages, reference_title_line, title_key
from transforms.cleaning import read_document
from transforms.labeler import body_texts, decided_probability, kept_lines, title_line
from transforms.labeler.batch import Floats, PageBatch, PageEvidence
from transforms.labeler.features import (
    CATEGORICAL,
    FIRST_STAGE_FEATURES,
    SECOND_STAGE_EXTRA,
    first_stage_matrix,
    second_stage_matrix,
)
from transforms.labeler.lexicon import (
    LEXICAL_FEATURES,
    MIN_SITES,
    BatchWords,
    Lexicon,
    WordIds,
    batch_texts,
    lexical_columns,
)
from transforms.labeler.model import LEXICON, MODEL_DIR, STAGES, TITLE_RANKER, Stages, model_version
from transforms.labeler.rules import RuleReading
from transforms.labeler.title import TITLE_EXTRA, title_matrix
from transforms.records import Rejection

FOLDS = 5
SEED = 20261205
PARAMS = {
    "objective": "binary",
    "learning_rate": 0.1,
    "max_bin": 63,
    "num_leaves": 63,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": SEED,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
ROUNDS = 150
# The title ranker: candidates of a page ranked against each other (LambdaRank).
TITLE_PARAMS = {**PARAMS, "objective": "lambdarank", "num_leaves": 31, "min_data_in_leaf": 20,
                "lambdarank_truncation_level": 5}  # fmt: skip
TITLE_ROUNDS = 100
# The second stage learns from first-stage probabilities of pages the first stage did not see:
# out-of-fold, over this many groups of sites.
INNER_FOLDS = 2
# So does the first stage from word weights: a page's words are weighed by the pages of the
# other groups of sites (of this many), as an unseen page's words will be.
WORD_GROUPS = 5
# A word's counts are smoothed toward the share of article lines by this many lines.
WORD_SMOOTHING = 5.0
_LEXICAL = [FIRST_STAGE_FEATURES.index(name) for name in LEXICAL_FEATURES]
# The shipped model's training again without this fold's sites, written beside it by the same
# run: tests/transforms/test_quality_floor.py scores it on those sites' pages, which it never
# saw, without training in the suite. Its record names the shipped model it was trained with.
HELD_OUT_FOLD = 0
HELD_OUT_DIR = Path(__file__).parent / "held_out_model"
HELD_OUT_RECORD = "trained_with.json"


def fold_of_site(site: str) -> int:
    """A real site's fold (each site's pages in one fold); -1 for generated pages (no site)."""
    return zlib.crc32(site.encode()) % FOLDS if site else -1


@dataclass
class Corpus:
    """Labeled lines of many pages: the evidence batch, the first-stage features (lexical ones
    NaN: see ``fit_stages``), the labels, which line is its page's title (1), whether the
    rules' title is the page's (per page) and every line's words."""

    pages: list[Page]
    readings: list[RuleReading]  # what the rules made of each page
    batch: PageBatch
    x1: np.ndarray
    y: np.ndarray
    is_title: np.ndarray
    rules_title_right: np.ndarray
    words: WordIds
    vocabulary: list[str]

    @staticmethod
    def of(
        pages: list[Page],
        readings: list[RuleReading],
        batch: PageBatch,
        x1: np.ndarray,
        y: np.ndarray,
        is_title: np.ndarray,
    ) -> Corpus:
        vocabulary: dict[str, int] = {}
        words = WordIds.of(batch_texts(batch), vocabulary)
        pairs = zip(pages, readings, strict=True)
        right = np.array([title_key(r.title) == title_key(p.title) for p, r in pairs], dtype=bool)
        return Corpus(pages, readings, batch, x1, y, is_title, right, words, list(vocabulary))

    def fold_of_page(self) -> np.ndarray:
        """Each page's fold, by its site (-1, no fold, for generated pages)."""
        return np.array([fold_of_site(p.site) for p in self.pages])

    def word_group_of_line(self) -> np.ndarray:
        """Each line's group of sites for weighing words (``WORD_GROUPS``)."""
        groups = [zlib.crc32(f"words {p.site}".encode()) % WORD_GROUPS for p in self.pages]
        return np.array(groups)[self.batch.page]

    def word_weights(self, line_mask: np.ndarray) -> Floats:
        """Each word's weight (``lexicon``'s rule) learned from the real pages' lines of
        ``line_mask``; NaN for a word on fewer than ``MIN_SITES`` sites."""
        sites = np.unique([p.site for p in self.pages], return_inverse=True)[1][self.batch.page]
        chosen = (line_mask & (self.fold_of_page() >= 0)[self.batch.page])[self.words.line]
        ids, line = self.words.ids[chosen], self.words.line[chosen]
        n = len(self.vocabulary)
        article = np.bincount(ids, weights=self.y[line], minlength=n)
        other = np.bincount(ids, weights=1.0 - self.y[line], minlength=n)
        n_sites = int(sites.max(initial=0)) + 1
        on_sites = np.bincount(np.unique(ids * n_sites + sites[line]) // n_sites, minlength=n)
        prior = float(self.y[line_mask].mean()) if line_mask.any() else 0.5
        prior = min(max(prior, 1e-3), 1 - 1e-3)
        a = WORD_SMOOTHING
        weights = np.log((article + a * prior) / (other + a * (1 - prior)))
        weights -= np.log(prior / (1 - prior))
        weights[on_sites < MIN_SITES] = np.nan
        return weights.astype(np.float32)

    def with_word_weights(self, x1: np.ndarray, weights: Floats, rows: np.ndarray) -> None:
        """Fill the lexical features of the lines ``rows`` of ``x1`` (one row per corpus line)
        with words weighing ``weights``."""
        columns = lexical_columns(self.words, weights, self.batch)
        for at, name in zip(_LEXICAL, LEXICAL_FEATURES, strict=True):
            x1[rows, at] = columns[name][rows]


Example = tuple[Page, str, frozenset[str]]  # a page, its raw text or HTML, lines never content


def build_corpus(examples: Sequence[Example], fmt: str) -> Corpus:
    """Every page read as cleaning reads it (``read_document``), each line labeled by its
    reference (``aligned_labels``)."""
    evidence: list[PageEvidence] = []
    labels: list[bool] = []
    titles: list[bool] = []
    read = []  # a page that cleaning rejects (an empty file) is scored as an empty prediction
    readings: list[RuleReading] = []
    for page, raw, never in examples:
        ruled = read_document(raw.encode("utf-8"), fmt)
        if isinstance(ruled, Rejection):
            continue
        read.append(page)
        readings.append(ruled.page.reading)
        evidence.append(ruled.page.evidence)
        texts = ruled.page.evidence.texts
        aligned = aligned_labels(texts, page.gold)
        labels += [ok and text not in never for ok, text in zip(aligned, texts, strict=True)]
        title = reference_title_line(texts, page.title)
        titles += [i == title for i in range(len(texts))]
    batch = PageBatch.of(evidence)
    x1 = first_stage_matrix(batch, None)
    y, is_title = np.array(labels, np.float32), np.array(titles, np.float32)
    return Corpus.of(read, readings, batch, x1, y, is_title)


def wcxb_corpora(pages: Sequence[Page], formats: Sequence[str], generated: bool) -> list[Corpus]:
    """A corpus of ``pages`` in each format ("text", "html"); the generated pages (see
    ``generated_examples``) join the text corpus when ``generated``."""
    extra = generated_examples() if generated else []
    corpora = []
    for fmt in formats:
        real = [(p, p.html() if fmt == "html" else p.text(), frozenset[str]()) for p in pages]
        corpora.append(build_corpus(real + (extra if fmt == "text" else []), fmt))
    return corpora


def generated_examples() -> list[Example]:
    """Pages of the project's generator (``benchmarks.synthetic_pages``), classic and extended
    layouts, from a seed the quality benchmark does not use: they teach the model the seed
    patterns (sidebar sections, teasers, breadcrumbs). Always trained on, never scored. A
    teaser-first page's cut teaser is no article text, though the body repeats its words."""
    examples = []
    for extended in (False, True):
        for sp in generate_corpus(GENERATED_SITES, GENERATED_PAGES, GENERATED_SEED, extended):
            teaser = sp.parts.teaser if sp.parts and sp.parts.teaser else None
            page = Page(
                f"gen-{sp.site}-{sp.name}", GENERATED_SITE, "generated", sp.gold_title, sp.gold_body
            )
            examples.append((page, sp.text, frozenset([teaser] if teaser else [])))
    return examples


GENERATED_SEED = 7919
GENERATED_SITES = 80
GENERATED_PAGES = 5
# A generated page's lines weigh this much more than a real page's: its pages are short, and
# the seed patterns must not drown in real pages' lines (measured: real-page CV unchanged).
GENERATED_WEIGHT = 3.0
GENERATED_SITE = ""  # generated pages have no fold: always in the training part


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, names: Sequence[str]) -> lgb.Booster:
    data = lgb.Dataset(x, y, weight=w, feature_name=list(names),
                       categorical_feature=[c for c in CATEGORICAL if c in names],
                       free_raw_data=False)  # fmt: skip
    return lgb.train(PARAMS, data, num_boost_round=ROUNDS)


SECOND_NAMES = (*FIRST_STAGE_FEATURES, *SECOND_STAGE_EXTRA)
TITLE_NAMES = (*SECOND_NAMES, *TITLE_EXTRA)


def _sub_batch(corpus: Corpus, page_mask: np.ndarray) -> tuple[PageBatch, np.ndarray]:
    line_mask = page_mask[corpus.batch.page]
    pages = [ev for ev, keep in zip(corpus.batch.pages, page_mask, strict=True) if keep]
    return PageBatch.of(pages), line_mask


def fit_stages(corpus: Corpus, page_mask: np.ndarray) -> Stages:
    """Both stages and the lexicon on the pages of ``page_mask``. The first stage learns from
    out-of-fold word weights and the second from out-of-fold first-stage probabilities
    (grouped by site), so each sees what unseen pages look like."""
    folds = corpus.fold_of_page()
    batch, line_mask = _sub_batch(corpus, page_mask)
    x_all = corpus.x1.copy()
    groups = corpus.word_group_of_line()
    for g in range(WORD_GROUPS):
        weights = corpus.word_weights(line_mask & (groups != g))
        corpus.with_word_weights(x_all, weights, line_mask & (groups == g))
    x1, y = x_all[line_mask], corpus.y[line_mask]
    w = np.where(folds < 0, GENERATED_WEIGHT, 1.0)[corpus.batch.page][line_mask]
    line_folds = (np.maximum(folds, 0) % INNER_FOLDS)[corpus.batch.page][line_mask]
    p_oof = np.zeros(len(y), dtype=np.float32)
    for f in np.unique(line_folds):
        part = line_folds != f
        inner = _fit(x1[part], y[part], w[part], FIRST_STAGE_FEATURES)
        p_oof[line_folds == f] = inner.predict(x1[line_folds == f])
    first = _fit(x1, y, w, FIRST_STAGE_FEATURES)
    x2 = second_stage_matrix(batch, x1, p_oof)
    second = _fit(x2, y, w, SECOND_NAMES)
    found = title_matrix(batch, x2, p_oof, BatchWords.of(batch_texts(batch)))
    line_titles = corpus.is_title[line_mask][np.maximum(found.lines, 0)]
    rules_titles = corpus.rules_title_right[page_mask][found.page]
    ranked = lgb.Dataset(
        found.rows,
        np.where(found.lines >= 0, line_titles, rules_titles),
        group=np.bincount(found.page, minlength=len(batch.pages)),
        feature_name=list(TITLE_NAMES),
        categorical_feature=[c for c in CATEGORICAL if c in TITLE_NAMES],
    )
    title = lgb.train(TITLE_PARAMS, ranked, num_boost_round=TITLE_ROUNDS)
    lexicon = Lexicon.of(corpus.vocabulary, corpus.word_weights(line_mask))
    return Stages(first, second, title, lexicon)


@dataclass(frozen=True)
class Predicted:
    """The model's verdicts on a corpus: each line's probability and each page's title line
    (its number on the page; -1: the rules' title, or the page not predicted)."""

    p: np.ndarray
    titles: np.ndarray


def predict(corpus: Corpus, page_mask: np.ndarray, stages: Stages) -> Predicted:
    """The stages' verdicts on the pages of ``page_mask`` (other pages: 0 and -1)."""
    batch, line_mask = _sub_batch(corpus, page_mask)
    p = np.zeros(len(corpus.y))
    titles = np.full(len(corpus.pages), -1, dtype=np.int64)
    p[line_mask], titles[page_mask] = stages.decide(batch)
    return Predicted(p, titles)


def cross_validate(corpus: Corpus, folds_scored: Sequence[int] = range(FOLDS)) -> Predicted:
    """Out-of-fold verdicts: each fold's pages predicted by stages trained on the others
    (pages of folds not scored: 0 and -1)."""
    folds = corpus.fold_of_page()
    p = np.zeros(len(corpus.y))
    titles = np.full(len(corpus.pages), -1, dtype=np.int64)
    for f in folds_scored:
        t = time.time()
        found = predict(corpus, folds == f, fit_stages(corpus, folds != f))
        p[folds[corpus.batch.page] == f] = found.p[folds[corpus.batch.page] == f]
        titles[folds == f] = found.titles[folds == f]
        print(f"fold {f}: {time.time() - t:.0f} s", flush=True)
    return Predicted(p, titles)


def texts_kept(corpus: Corpus, found: Predicted) -> dict[str, str]:
    """Each page's text as cleaning keeps it (``labeler.kept_lines``) given the verdicts."""
    out = {}
    at = 0
    for k, (page, ev) in enumerate(zip(corpus.pages, corpus.batch.pages, strict=True)):
        p = decided_probability(ev, found.p[at : at + len(ev.texts)])
        title_at = title_line(corpus.readings[k], int(found.titles[k]))
        keep = kept_lines(ev, p, title_at)
        at += len(ev.texts)
        texts = body_texts(corpus.readings[k], title_at)
        out[page.id] = "\n".join(text for text, k in zip(texts, keep, strict=True) if k)
    return out


def titles_found(corpus: Corpus, found: Predicted) -> dict[str, str | None]:
    """Each page's title as cleaning gives it (``labeler.title_line``) given the verdicts."""
    out = {}
    for k, (page, reading) in enumerate(zip(corpus.pages, corpus.readings, strict=True)):
        at = title_line(reading, int(found.titles[k]))
        out[page.id] = reading.title if at is None else reading.texts[at]
    return out


def merged(corpora: Sequence[Corpus]) -> Corpus:
    """One corpus of several (the same pages as text and as HTML train one model)."""
    pages = [p for c in corpora for p in c.pages]
    batch = PageBatch.of([ev for c in corpora for ev in c.batch.pages])
    x1 = np.concatenate([c.x1 for c in corpora])
    y, is_title = (np.concatenate([getattr(c, a) for c in corpora]) for a in ("y", "is_title"))
    return Corpus.of(pages, [r for c in corpora for r in c.readings], batch, x1, y, is_title)


def save(stages: Stages, directory: Path = MODEL_DIR) -> None:
    directory.mkdir(exist_ok=True)
    boosters = (stages.first, stages.second, stages.title)
    for booster, name in zip(boosters, (*STAGES, TITLE_RANKER), strict=True):
        booster.save_model(str(directory / name))
    stages.lexicon.save(directory / LEXICON)
    for name in (*STAGES, TITLE_RANKER, LEXICON):
        print(f"wrote {directory / name} ({(directory / name).stat().st_size / 1e6:.1f} MB)")


def held_out_pages(pages: Sequence[Page]) -> list[Page]:
    """The real pages of ``HELD_OUT_FOLD``'s sites."""
    return [p for p in pages if fold_of_site(p.site) == HELD_OUT_FOLD]


def pages_digest(pages: Sequence[Page]) -> str:
    return hashlib.sha256("\n".join(sorted(p.id for p in pages)).encode()).hexdigest()


def held_out_record(pages: Sequence[Page]) -> dict[str, object]:
    """What the held-out model was trained with: the shipped model of the same run (its
    version), and which pages it never saw."""
    held_out = held_out_pages(pages)
    return {
        "model_version": model_version(),
        "held_out_fold": HELD_OUT_FOLD,
        "held_out_pages": len(held_out),
        "held_out_pages_sha256": pages_digest(held_out),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--formats", default="text,html")
    parser.add_argument("--no-generated", dest="generated", action="store_false",
                        help="train on the real pages only")  # fmt: skip
    args = parser.parse_args()
    t = time.time()
    pages = load_pages()
    corpora = wcxb_corpora(pages, args.formats.split(","), args.generated)
    corpus = merged(corpora)
    print(f"{len(corpus.pages)} pages, {len(corpus.y)} lines, {time.time() - t:.0f} s")
    save(fit_stages(corpus, np.ones(len(corpus.pages), dtype=bool)))
    save(fit_stages(corpus, corpus.fold_of_page() != HELD_OUT_FOLD), HELD_OUT_DIR)
    model_version.cache_clear()  # the files just written
    record = json.dumps(held_out_record(pages), indent=2) + "\n"
    (HELD_OUT_DIR / HELD_OUT_RECORD).write_text(record, encoding="utf-8")
    print(f"wrote {HELD_OUT_DIR / HELD_OUT_RECORD}: {record}")


if __name__ == "__main__":
    main()
