"""Group documents into clusters of the same article and choose each cluster's survivor.

Rules: two documents are in one cluster when their bodies have the same ``body_key`` or are
linked by a chain of near-duplicate body pairs. The survivor (canonical document) is the member
with the longest body, then the smallest ``doc_id``: a rule on content alone, so the result does
not depend on the order or batching in which documents were ingested.

>>> members = [Member("b", "k1", 40), Member("a", "k1", 40), Member("c", "k2", 55)]
>>> canonical_documents(members, [("k1", "k2")])
{'b': 'c', 'a': 'c', 'c': 'c'}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Member:
    """A document that takes part in deduplication."""

    doc_id: str
    body_key: str
    n_words: int


def _components(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each node's component, named by its smallest node (union-find with path halving)."""
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {node: root(node) for node in parent}


def canonical_documents(
    members: Iterable[Member], body_pairs: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Map every member's ``doc_id`` to its cluster's survivor (itself when alone).

    ``body_pairs`` are near-duplicate pairs of body keys; pairs naming a body key that no member
    has are ignored.
    """
    members = list(members)
    component = _components((m.body_key for m in members), body_pairs)
    best: dict[str, Member] = {}
    for m in members:
        cluster = component[m.body_key]
        held = best.get(cluster)
        if held is None or (-m.n_words, m.doc_id) < (-held.n_words, held.doc_id):
            best[cluster] = m
    return {m.doc_id: best[component[m.body_key]].doc_id for m in members}
