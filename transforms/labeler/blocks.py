"""Blocks of likely lines: where a line stands among its page's runs of lines that the line
model's first stage finds likely article text, as the second stage reads it.

Rule: a block is a run of likely lines (p >= 0.5) on one page, broken where more than ``gap``
unlikely lines part two of them; a block weighs its likely lines' words. An article is one
large block; a comment thread or a related story written as prose is a smaller block apart
from it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from transforms.labeler.batch import Floats, PageBatch

BLOCK_COLUMNS = ("share_above", "share_below", "before_largest", "after_largest", "page_blocks")
# Gaps of unlikely lines that part two blocks: a caption or a subheading, or a whole widget.
BLOCK_GAPS = (2, 6)


def likely_blocks(
    batch: PageBatch, size: Floats, likely: npt.NDArray[np.bool_], gap: int
) -> list[Floats]:
    """The ``BLOCK_COLUMNS`` of every line of ``batch`` (``size``: its words; ``likely``: the
    first stage's verdict): the share of the page's likely words in the nearest block above
    (or the line's own) and below, how many lines the line lies before or after the page's
    largest block (0 inside it), and the page's number of blocks.

    >>> from transforms.labeler.batch import PageEvidence
    >>> batch = PageBatch.of([PageEvidence(tuple("abcdef"), (0,) * 6, (0,) * 6)])
    >>> likely = np.array([True, False, False, False, True, True])
    >>> size = np.array([10, 1, 1, 1, 20, 10], dtype=np.float32)
    >>> above, below, before, after, blocks = likely_blocks(batch, size, likely, 2)
    >>> above.tolist(), below.tolist()
    ([0.25, 0.25, 0.25, 0.25, 0.75, 0.75], [0.25, 0.75, 0.75, 0.75, 0.75, 0.75])
    >>> before.tolist(), after.tolist(), blocks.tolist()
    ([4.0, 3.0, 2.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0])
    """
    n = batch.n_lines
    idx = np.arange(n)
    at = np.flatnonzero(likely)
    if len(at) == 0:
        return [np.zeros(n, np.float32) for _ in BLOCK_COLUMNS]
    same_page = np.concatenate(([False], batch.page[at[1:]] == batch.page[at[:-1]]))
    starts = ~same_page | (np.diff(at, prepend=at[0]) - 1 > gap)
    block = np.cumsum(starts) - 1
    words = np.bincount(block, weights=size[at])
    block_page = batch.page[at[starts]]
    first_line = at[starts]
    last_line = at[np.concatenate((np.flatnonzero(starts)[1:] - 1, [len(at) - 1]))]
    n_pages = len(batch.pages)
    page_words = np.maximum(np.bincount(block_page, weights=words, minlength=n_pages), 1)
    by_size = np.lexsort((-words, block_page))
    largest_of = np.full(n_pages, -1)
    heads = np.concatenate(([True], block_page[by_size][1:] != block_page[by_size][:-1]))
    largest_of[block_page[by_size][heads]] = by_size[heads]
    line_block = np.full(n, -1)
    line_block[at] = block
    above = np.maximum.accumulate(np.where(likely, idx, -1))
    above_block = np.where(above >= batch.start, line_block[np.maximum(above, 0)], -1)
    below = np.minimum.accumulate(np.where(likely, idx, n)[::-1])[::-1]
    below_block = np.where(below < batch.stop, line_block[np.minimum(below, n - 1)], -1)
    share = np.concatenate((words, [0.0]))  # block -1 (none) has no words
    largest = largest_of[batch.page]
    has = largest >= 0
    return [
        (share[above_block] / page_words[batch.page]).astype(np.float32),
        (share[below_block] / page_words[batch.page]).astype(np.float32),
        np.maximum(np.where(has, first_line[largest], idx) - idx, 0).astype(np.float32),
        np.maximum(idx - np.where(has, last_line[largest], idx), 0).astype(np.float32),
        np.bincount(block_page, minlength=n_pages)[batch.page].astype(np.float32),
    ]
