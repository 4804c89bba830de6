"""Fusing the vector and full-text rankings, then nudging the fused order with the learner model.

Reciprocal rank fusion (Cormack et al., 2009) uses ranks only, so cosine distances and
ts_rank_cd values, which live on unrelated scales, never need calibrating against each other.
The fused score is normalised so that a chunk ranked first by every branch scores 1.0.

The learner-model terms are deliberately small next to relevance: at most ``MASTERY_WEIGHT``
for material covering an objective the learner has not mastered, and at most
``READING_WEIGHT`` taken off for text far from the learner's reading level. A chunk ranked
first by one branch only scores 0.5, 5th by one branch only about 0.47, and 5th by both about
0.94, so these terms reorder near-ties (mastery up to about four single-branch ranks, reading
level about one) and never lift an irrelevant chunk over a relevant one. The reading term is the
smaller because it varies between every two chunks: at 0.03 it pushed a keyword query's only
full-text match out of the top 5 on the labeled set (``manage.py eval_retrieval``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

RRF_K = 60
MASTERY_WEIGHT = 0.03
READING_WEIGHT = 0.01
# Reading-level distance (in Flesch-Kincaid grades) at which the reading penalty is full.
READING_SPAN = 6.0


@dataclass(frozen=True)
class LearnerSignals:
    """What the reranker knows about the learner: mastery per objective and reading level."""

    p_known: Mapping[int, float]
    reading_level: float | None


@dataclass(frozen=True)
class FusedScore:
    chunk_id: int
    rrf: float
    mastery_boost: float
    reading_fit: float

    @property
    def final(self) -> float:
        return self.rrf + self.mastery_boost + self.reading_fit


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], *, k: int = RRF_K) -> dict[int, float]:
    """Chunk id -> sum over rankings of 1/(k + rank), rank starting at 1, normalised to [0, 1]."""
    if not rankings:
        return {}
    best_possible = len(rankings) / (k + 1)
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + rank)
    return {chunk_id: score / best_possible for chunk_id, score in fused.items()}


def mastery_boost(objective_ids: Sequence[int], learner: LearnerSignals | None) -> float:
    """Up to MASTERY_WEIGHT for material teaching the objective the learner knows least."""
    if learner is None or not objective_ids:
        return 0.0
    known = [learner.p_known[objective_id] for objective_id in objective_ids if objective_id in learner.p_known]
    if not known:
        return 0.0
    return MASTERY_WEIGHT * (1.0 - min(known))


def reading_fit(chunk_reading_level: float | None, learner: LearnerSignals | None) -> float:
    """0 for text at the learner's level, down to -READING_WEIGHT at READING_SPAN grades away."""
    if learner is None or learner.reading_level is None or chunk_reading_level is None:
        return 0.0
    distance = min(abs(chunk_reading_level - learner.reading_level), READING_SPAN)
    return -READING_WEIGHT * distance / READING_SPAN


def fuse_and_rerank(
    rankings: Sequence[Sequence[int]],
    *,
    objective_ids: Mapping[int, Sequence[int]],
    reading_levels: Mapping[int, float | None],
    learner: LearnerSignals | None,
    k: int = RRF_K,
) -> list[FusedScore]:
    """Every candidate once, best first; ties keep the order of the first ranking (the vector branch)."""
    fused = reciprocal_rank_fusion(rankings, k=k)
    scores = [
        FusedScore(
            chunk_id=chunk_id,
            rrf=rrf,
            mastery_boost=mastery_boost(objective_ids.get(chunk_id, ()), learner),
            reading_fit=reading_fit(reading_levels.get(chunk_id), learner),
        )
        for chunk_id, rrf in fused.items()
    ]
    return sorted(scores, key=lambda score: score.final, reverse=True)
