"""A batch of pages as one run of lines: what the line model reads of each page, and sums
over each line's neighbourhood on its own page.

Rule: pages are laid end to end; every line knows its page and its page's first and last
line, so a window never reaches into the next page.

>>> two = PageEvidence(("a", "b"), (0, 0), (0, 0))
>>> batch = PageBatch.of([two, PageEvidence(("c",), (0,), (0,))])
>>> window_sum(np.ones(3, dtype=np.float32), batch, 1).tolist()
[2.0, 2.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Markup:
    """What the HTML says of each line of a page (one entry per non-blank line)."""

    link_chars: Sequence[int]  # characters inside <a> elements
    tag: Sequence[int]  # the code of the line's block element (html_lines.BLOCK_CODES)
    in_form: Sequence[bool]
    in_article: Sequence[bool]  # inside an <article> or <main> element
    region: Sequence[int]  # the code of the boilerplate region it stands in (0: none)
    content_name: Sequence[bool]  # an ancestor's class or id names article content
    depth: Sequence[int]
    # the titles the page gives itself in its head (og:title, then <title>), for the title
    # ranker (``title``): not lines of the page
    titles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageEvidence:
    """One page's non-blank lines (stripped), the rule labeler's label code for each and the
    shape it measured (``line_features.shape_flags``), for HTML what the markup says, and the
    rules' title (None: they found none; ``title_glued``: found glued before a repeat)."""

    texts: Sequence[str]
    rule_labels: Sequence[int]
    shapes: Sequence[int]
    markup: Markup | None = None
    title: str | None = None
    title_glued: bool = False


@dataclass(frozen=True, slots=True)
class PageBatch:
    """Several pages' lines as one run of lines: ``page`` is each line's page in the batch,
    ``start``/``stop`` its page's first line and one past its last."""

    pages: Sequence[PageEvidence]
    page: Ints
    start: Ints
    stop: Ints

    @staticmethod
    def of(pages: Sequence[PageEvidence]) -> PageBatch:
        sizes = np.fromiter((len(p.texts) for p in pages), dtype=np.int64, count=len(pages))
        page = np.repeat(np.arange(len(pages)), sizes)
        ends = np.cumsum(sizes)
        return PageBatch(pages, page, (ends - sizes)[page], ends[page])

    @property
    def n_lines(self) -> int:
        return len(self.page)


def window_sum(values: Floats, batch: PageBatch, k: int) -> Floats:
    """The sum of ``values`` over the lines within ``k`` of each line, on its own page."""
    cs = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
    idx = np.arange(batch.n_lines)
    lo = np.maximum(idx - k, batch.start)
    hi = np.minimum(idx + k + 1, batch.stop)
    return (cs[hi] - cs[lo]).astype(np.float32)
