"""Ranking metrics at the level of materials: did the sources that answer the question come back?

Hits are chunks; several chunks of one material count once, at the rank of the first, so a
long lesson cannot fill the top of the list and score as if it were several relevant sources.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def first_occurrences(ranked: Sequence[str]) -> list[str | None]:
    """Each item kept at its first rank; later repeats become None (no gain, but keep their rank)."""
    seen: set[str] = set()
    kept: list[str | None] = []
    for item in ranked:
        kept.append(None if item in seen else item)
        seen.add(item)
    return kept


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant materials found among the top ``k`` hits."""
    if not relevant:
        raise ValueError("a labeled question needs at least one relevant material")
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Binary-gain nDCG: 1.0 when the relevant materials fill the first ranks."""
    if not relevant:
        raise ValueError("a labeled question needs at least one relevant material")
    gains = [1.0 if item in relevant else 0.0 for item in first_occurrences(ranked[:k])]
    dcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal
