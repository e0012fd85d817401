"""Fingerprints of an article body, for finding the same article twice.

Rules:

- **Exact.** ``body_key`` is the first 16 hex digits of the SHA-256 of the folded body
  (``fold_text``: NFKC, case folded, quotes dropped, dashes folded, whitespace collapsed), so two
  bodies that differ only in those respects have the same key.
- **Near.** The body's words (``\\w+`` of the folded text) form overlapping 5-word shingles; a
  MinHash signature of ``NUM_PERM`` values (rensa's ``RMinHash``, fixed seed) estimates the
  Jaccard similarity of two shingle sets as the share of equal positions. The first
  ``BANDS * ROWS`` values are cut into ``BANDS`` bands of ``ROWS``; two bodies sharing any band
  are candidates (probability 1 - (1 - s**4)**32: 0.87 at s = 0.5, 0.98 at 0.6, 0.9996 at
  0.7).
- **Verified.** A candidate is a near duplicate when its estimated Jaccard similarity is at
  least ``NEAR_THRESHOLD`` (0.5, the rule before issue 15, kept so that every pair it merged
  still merges), or when the share of the shorter body's shingles found in the longer one
  (``estimated_containment``) is at least ``MIN_CONTAINMENT`` (0.65) *and* the shorter body
  has at least ``MIN_LENGTH_RATIO`` (0.6) of the longer one's shingles. Containment, because
  a copy's leftover chrome (sidebar entries, metadata, footers its site's cleaning kept) adds
  shingles the other copy lacks, and Jaccard counts them against the pair; the length guard
  keeps a round-up that quotes a short article whole (containment near 1) apart from it.
  Tuned on the noisy corpus of ``benchmarks/dedup.py`` (seed 11; seed 12 as a check; a draft
  of it whose leftovers could pass 40%): there copies keep containment 0.62 or more in 99% of
  pairs, a follow-up reusing one paragraph of another article reaches 0.60 at comparable
  lengths, and a round-up is at most 0.58 of the length of the article it quotes; pairs of
  copies the guards miss mostly join their cluster through a third copy.
- Bodies of fewer than ``MIN_WORDS`` words are too short to call two pages the same article and
  get no fingerprint.

>>> fingerprint("Too short.") is None
True
>>> fp = fingerprint("The harbor council voted on Monday to close the old pier for repairs.")
>>> fp.body_key, len(fp.signature), len(fp.buckets)
('319d8ce801f6f4f9', 128, 32)
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass

from rensa import RMinHash

from transforms.keys import doc_id, fold_text

NUM_PERM = 128
BANDS = 32
ROWS = 4
SHINGLE_WORDS = 5
SEED = 20261125
NEAR_THRESHOLD = 0.5
MIN_CONTAINMENT = 0.65
MIN_LENGTH_RATIO = 0.6
MIN_WORDS = 10

_WORD = re.compile(r"\w+")
_BAND = struct.Struct(f"<{ROWS}I")


@dataclass(frozen=True, slots=True)
class BodyFingerprint:
    """The exact key, MinHash signature and LSH band buckets of one body."""

    body_key: str
    signature: tuple[int, ...]  # NUM_PERM unsigned 32-bit values
    buckets: tuple[int, ...]  # BANDS signed 64-bit values, one per band


def shingles(words: list[str]) -> list[str]:
    """Overlapping ``SHINGLE_WORDS``-word shingles (the whole text when it is shorter).

    >>> shingles(["a", "b", "c", "d", "e", "f"])
    ['a b c d e', 'b c d e f']
    """
    last = max(1, len(words) - SHINGLE_WORDS + 1)
    return [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(last)]


def _bucket(band: int, values: tuple[int, ...]) -> int:
    digest = hashlib.blake2b(_BAND.pack(*values), digest_size=8, person=bytes([band])).digest()
    return int.from_bytes(digest, "little", signed=True)


def fingerprint(body: str) -> BodyFingerprint | None:
    """The body's fingerprint, or None when it has fewer than ``MIN_WORDS`` words."""
    folded = fold_text(body)
    words = _WORD.findall(folded)
    if len(words) < MIN_WORDS:
        return None
    minhash = RMinHash(NUM_PERM, SEED)
    minhash.update(shingles(words))
    signature = tuple(minhash.digest())
    buckets = tuple(
        _bucket(band, signature[band * ROWS : (band + 1) * ROWS]) for band in range(BANDS)
    )
    return BodyFingerprint(doc_id(folded.encode("utf-8")), signature, buckets)


def estimated_similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of two signatures: the share of equal positions.

    >>> estimated_similarity((1, 2, 3, 4), (1, 2, 0, 4))
    0.75
    """
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def shingle_count(n_words: int) -> int:
    """How many shingles a body of ``n_words`` words has (at least one)."""
    return max(1, n_words - SHINGLE_WORDS + 1)


def estimated_containment(jaccard: float, n_a: int, n_b: int) -> float:
    """The share of the smaller of two shingle sets found in the larger, from their Jaccard
    similarity and sizes: ``|A & B| = J (|A| + |B|) / (1 + J)``, divided by the smaller size
    (at most 1: the estimate of J is noisy).

    >>> estimated_containment(0.5, 100, 100)
    0.6666666666666666
    >>> round(estimated_containment(0.25, 40, 160), 3)  # a short text quoted in a long one
    1.0
    """
    if jaccard <= 0:
        return 0.0
    return min(1.0, jaccard * (n_a + n_b) / ((1 + jaccard) * min(n_a, n_b)))


def is_near_duplicate(jaccard: float, n_words_a: int, n_words_b: int) -> bool:
    """Whether a candidate pair of bodies, of estimated Jaccard ``jaccard``, is one article.

    A copy whose extra lines (30% more words) sink its Jaccard to 0.45 passes; a round-up
    that quotes a short article whole, at a third of its length, does not; nor an article
    that reuses one paragraph of another:

    >>> is_near_duplicate(0.45, 100, 130), is_near_duplicate(0.33, 100, 300)
    (True, False)
    >>> is_near_duplicate(0.2, 120, 100)
    False
    """
    a, b = shingle_count(n_words_a), shingle_count(n_words_b)
    return jaccard >= NEAR_THRESHOLD or (
        estimated_containment(jaccard, a, b) >= MIN_CONTAINMENT
        and min(a, b) / max(a, b) >= MIN_LENGTH_RATIO
    )
