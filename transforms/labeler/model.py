"""The line model: two stacked gradient-boosted tree models (LightGBM) that ship in the package.

Rule: the first stage reads each line's evidence (``features``, its words weighed by the
lexicon, ``lexicon``) and gives the probability that
it is article text; the second reads the same evidence plus the first stage's probabilities
of the line's neighbours, and gives the final probability. A third, a ranker, picks each
page's title among its candidate lines (``title``). All were trained by ``make train`` on
real pages (``training/``) and the project's generated pages.

>>> model_version().startswith("lines-")
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import lightgbm as lgb
import numpy as np

from transforms.labeler.batch import Floats, Ints, PageBatch
from transforms.labeler.features import first_stage_matrix, second_stage_matrix
from transforms.labeler.lexicon import BatchWords, Lexicon, batch_texts
from transforms.labeler.title import best_titles, title_matrix

MODEL_DIR = Path(__file__).parent / "model"
STAGES = ("first_stage.txt", "second_stage.txt")
TITLE_RANKER = "title_ranker.txt"
LEXICON = "lexicon.tsv"
# How much more a page's expected precision weighs than its expected recall when its cut is
# chosen (``kept_lines``). Chosen by CV grouped by site on real pages: 1.2-2.0 all scored within
# 0.002 F1 on article pages; 1.5 is the best compromise with all page types.
PRECISION_WEIGHT = 1.5


@cache
def model_version() -> str:
    """The shipped model's name: a hash of its files, recorded with every load."""
    digest = hashlib.sha256()
    for name in (*STAGES, TITLE_RANKER, LEXICON):
        digest.update((MODEL_DIR / name).read_bytes())
    return f"lines-{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class Stages:
    """A trained line model: its two stages, its title ranker and its lexicon."""

    first: lgb.Booster
    second: lgb.Booster
    title: lgb.Booster
    lexicon: Lexicon

    @staticmethod
    def load(directory: Path) -> Stages:
        first, second, title = (
            lgb.Booster(model_file=str(directory / name)) for name in (*STAGES, TITLE_RANKER)
        )
        return Stages(first, second, title, Lexicon.load(directory / LEXICON))

    def decide(self, batch: PageBatch) -> tuple[Floats, Ints]:
        """The probability that each line of ``batch`` is article text, and each page's
        title line (its number on the page, -1: the rules' title stands), one model call a
        stage."""
        if batch.n_lines == 0:
            return np.zeros(0, dtype=np.float32), np.full(len(batch.pages), -1, dtype=np.int64)
        words = BatchWords.of(batch_texts(batch))
        x = first_stage_matrix(batch, self.lexicon.columns(batch, words))
        p1 = np.asarray(self.first.predict(x, num_threads=1), dtype=np.float32)
        x2 = second_stage_matrix(batch, x, p1)
        p2 = np.asarray(self.second.predict(x2, num_threads=1), dtype=np.float32)
        found = title_matrix(batch, x2, p1, words)
        scores = self.title.predict(found.rows, num_threads=1)
        return p2, best_titles(batch, found, np.asarray(scores, dtype=np.float32))


@cache
def _model() -> Stages:
    return Stages.load(MODEL_DIR)


def line_decisions(batch: PageBatch) -> tuple[Floats, Ints]:
    """The shipped model's ``Stages.decide``."""
    return _model().decide(batch)
