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
  0.7), and a candidate is a duplicate when its estimated similarity is at least
  ``NEAR_THRESHOLD`` (0.5: a copy with its first sentence dropped or last paragraph trimmed
  keeps 0.6-0.95 of a short article's shingles; an article reusing one paragraph of another
  shares under 0.35).
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

from transforms.fingerprint import doc_id
from transforms.headline_key import fold_text

NUM_PERM = 128
BANDS = 32
ROWS = 4
SHINGLE_WORDS = 5
SEED = 20261125
NEAR_THRESHOLD = 0.5
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
