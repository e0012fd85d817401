"""Train the line model on the WCXB development pages and measure it by site-grouped CV.

``python -m training.train`` (``make train``) writes the two stages into
``transforms/labeler/model/``; ``python -m training.train --cv`` prints cross-validated F1.
"""

from __future__ import annotations

import argparse
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np

from training.wcxb import Page, aligned_labels, load_pages, score
from transforms.document import read_document
from transforms.labeler.model import MODEL_DIR, STAGES
from transforms.records import Rejection
from transforms.labeler.features import (
    CATEGORICAL,
    FIRST_STAGE_FEATURES,
    SECOND_STAGE_EXTRA,
    PageBatch,
    PageEvidence,
    first_stage_matrix,
    second_stage_matrix,
)

FOLDS = 5
SEED = 20261205
PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
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
ROUNDS = 200


@dataclass
class Corpus:
    """Labeled lines of many pages: the evidence batch, the labels, each line's page."""

    pages: list[Page]
    batch: PageBatch
    x1: np.ndarray
    y: np.ndarray

    def fold_of_page(self) -> np.ndarray:
        return np.array([zlib.crc32(p.site.encode()) % FOLDS for p in self.pages])


def build_corpus(pages: Sequence[Page], fmt: str) -> Corpus:
    """Every page read as cleaning reads it (``read_document``), as plain text or as HTML."""
    evidence: list[PageEvidence] = []
    labels: list[bool] = []
    read = []  # a page that cleaning rejects (an empty file) is scored as an empty prediction
    for page in pages:
        raw = (page.html() if fmt == "html" else page.text()).encode("utf-8")
        ruled = read_document(raw, fmt)
        if isinstance(ruled, Rejection):
            continue
        read.append(page)
        evidence.append(ruled.evidence)
        labels += aligned_labels(ruled.evidence.texts, page.gold)
    batch = PageBatch.of(evidence)
    return Corpus(read, batch, first_stage_matrix(batch), np.array(labels, dtype=np.float32))


def _fit(x: np.ndarray, y: np.ndarray, names: Sequence[str]) -> lgb.Booster:
    data = lgb.Dataset(x, y, feature_name=list(names),
                       categorical_feature=[c for c in CATEGORICAL if c in names],
                       free_raw_data=False)  # fmt: skip
    return lgb.train(PARAMS, data, num_boost_round=ROUNDS)


SECOND_NAMES = (*FIRST_STAGE_FEATURES, *SECOND_STAGE_EXTRA)


def _sub_batch(corpus: Corpus, page_mask: np.ndarray) -> tuple[PageBatch, np.ndarray]:
    line_mask = page_mask[corpus.batch.page]
    pages = [ev for ev, keep in zip(corpus.batch.pages, page_mask, strict=True) if keep]
    return PageBatch.of(pages), line_mask


def fit_stages(corpus: Corpus, page_mask: np.ndarray) -> tuple[lgb.Booster, lgb.Booster]:
    """Both stages on the pages of ``page_mask``: the second learns from out-of-fold
    first-stage probabilities (grouped by site), so it sees what unseen pages look like."""
    folds = corpus.fold_of_page()
    batch, line_mask = _sub_batch(corpus, page_mask)
    x1, y = corpus.x1[line_mask], corpus.y[line_mask]
    line_folds = folds[corpus.batch.page][line_mask]
    p_oof = np.zeros(len(y), dtype=np.float32)
    for f in np.unique(line_folds):
        inner = _fit(x1[line_folds != f], y[line_folds != f], FIRST_STAGE_FEATURES)
        p_oof[line_folds == f] = inner.predict(x1[line_folds == f])
    first = _fit(x1, y, FIRST_STAGE_FEATURES)
    second = _fit(second_stage_matrix(batch, x1, p_oof), y, SECOND_NAMES)
    return first, second


def predict(corpus: Corpus, page_mask: np.ndarray, first: lgb.Booster, second: lgb.Booster):
    batch, line_mask = _sub_batch(corpus, page_mask)
    x1 = corpus.x1[line_mask]
    p1 = first.predict(x1).astype(np.float32)
    return line_mask, second.predict(second_stage_matrix(batch, x1, p1))


def cross_validate(corpus: Corpus) -> np.ndarray:
    folds = corpus.fold_of_page()
    p = np.zeros(len(corpus.y))
    for f in range(FOLDS):
        t = time.time()
        first, second = fit_stages(corpus, folds != f)
        line_mask, p_test = predict(corpus, folds == f, first, second)
        p[line_mask] = p_test
        print(f"fold {f}: {time.time() - t:.0f} s", flush=True)
    return p


def texts_kept(corpus: Corpus, p: np.ndarray, threshold: float) -> dict[str, str]:
    out = {}
    for k, (page, ev) in enumerate(zip(corpus.pages, corpus.batch.pages, strict=True)):
        rows = np.flatnonzero(corpus.batch.page == k)
        out[page.id] = "\n".join(ev.texts[i - rows[0]] for i in rows if p[i] >= threshold)
    return out


def merged(corpora: Sequence[Corpus]) -> Corpus:
    """One corpus of several (the same pages as text and as HTML train one model)."""
    pages = [p for c in corpora for p in c.pages]
    batch = PageBatch.of([ev for c in corpora for ev in c.batch.pages])
    x1 = np.concatenate([c.x1 for c in corpora])
    return Corpus(pages, batch, x1, np.concatenate([c.y for c in corpora]))


def save(first: lgb.Booster, second: lgb.Booster) -> None:
    MODEL_DIR.mkdir(exist_ok=True)
    for booster, name in zip((first, second), STAGES, strict=True):
        booster.save_model(str(MODEL_DIR / name))
        size = (MODEL_DIR / name).stat().st_size
        print(f"wrote {MODEL_DIR / name} ({size / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cv", action="store_true", help="cross-validate instead of training")
    parser.add_argument("--formats", default="text,html")
    args = parser.parse_args()
    t = time.time()
    pages = load_pages()
    corpora = []
    for fmt in args.formats.split(","):
        corpora.append(build_corpus(pages, fmt))
        print(f"{fmt}: {len(pages)} pages, {len(corpora[-1].y)} lines, {time.time() - t:.0f} s",
              flush=True)  # fmt: skip
    corpus = merged(corpora)
    if not args.cv:
        first, second = fit_stages(corpus, np.ones(len(corpus.pages), dtype=bool))
        save(first, second)
        return
    p = cross_validate(corpus)
    at = 0
    for fmt, part in zip(args.formats.split(","), corpora, strict=True):
        p_part = p[at : at + len(part.y)]
        at += len(part.y)
        for kind in ("article", None):
            chosen = [pg for pg in pages if kind is None or pg.page_type == kind]
            for thr in (0.4, 0.5, 0.6):
                kept = texts_kept(part, p_part, thr)
                result = score(chosen, {pg.id: kept.get(pg.id, "") for pg in chosen})
                print(fmt, kind or "all", thr, {k: round(v, 4) for k, v in result.items()})


if __name__ == "__main__":
    main()
