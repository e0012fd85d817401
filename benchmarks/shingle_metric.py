"""Extraction quality as the article-extraction-benchmark measures it.

Rule: tokens are ``\\w+`` matches; a text becomes a multiset of 4-token shingles (a text of
fewer than 4 tokens is one shingle); precision, recall and F1 compare the multisets of the
extracted and the gold text. Two empty texts score 1.

>>> round(shingle_prf("a b c d e", "a b c d")[2], 3)
0.667
"""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def shingle_prf(extracted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``extracted`` against ``gold``."""
    got, want = shingles(extracted), shingles(gold)
    if not got and not want:
        return 1.0, 1.0, 1.0
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
