"""Stable content hashes that key stored rows.

Rule: ``doc_id`` is the first 16 hex digits of the SHA-256 of the raw bytes, so the same bytes
always get the same id on every machine and in every run (pinned in tests).

>>> doc_id(b"hello")
'2cf24dba5fb0a30e'
"""

from __future__ import annotations

import hashlib


def doc_id(raw: bytes) -> str:
    """The stable id of a document's raw bytes."""
    return hashlib.sha256(raw).hexdigest()[:16]
