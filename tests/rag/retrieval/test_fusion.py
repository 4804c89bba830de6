"""Reciprocal rank fusion and the learner-model terms, on hand-made rankings."""

from __future__ import annotations

import pytest

from rag.retrieval.fusion import (
    MASTERY_WEIGHT,
    READING_SPAN,
    READING_WEIGHT,
    RRF_K,
    LearnerSignals,
    fuse_and_rerank,
    mastery_boost,
    reading_fit,
    reciprocal_rank_fusion,
)


def test_rrf_sums_reciprocal_ranks_and_normalises_to_first_everywhere():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], k=60)

    best = 2 / 61
    assert fused[1] == pytest.approx((1 / 61 + 1 / 62) / best)
    assert fused[2] == pytest.approx((1 / 62) / best)
    assert fused[3] == pytest.approx((1 / 63 + 1 / 61) / best)
    assert reciprocal_rank_fusion([[7], [7]])[7] == pytest.approx(1.0)


def test_rrf_prefers_agreement_between_branches_over_one_top_rank():
    fused = reciprocal_rank_fusion([[10, 20, 30], [30, 40, 50]])

    assert max(fused, key=fused.get) == 30  # 3rd and 1st beats 1st and absent


def test_rrf_of_nothing_is_empty():
    assert reciprocal_rank_fusion([]) == {}
    assert reciprocal_rank_fusion([[], []]) == {}


def test_mastery_boost_follows_the_least_known_objective():
    learner = LearnerSignals(p_known={1: 0.9, 2: 0.2}, reading_level=None)

    assert mastery_boost([1, 2], learner) == pytest.approx(MASTERY_WEIGHT * 0.8)
    assert mastery_boost([1], learner) == pytest.approx(MASTERY_WEIGHT * 0.1)
    assert mastery_boost([], learner) == 0.0
    assert mastery_boost([99], learner) == 0.0  # an objective of another course carries no signal
    assert mastery_boost([2], None) == 0.0


def test_reading_fit_penalises_distance_from_the_learners_level_up_to_a_cap():
    learner = LearnerSignals(p_known={}, reading_level=6.0)

    assert reading_fit(6.0, learner) == 0.0
    assert reading_fit(9.0, learner) == pytest.approx(-READING_WEIGHT * 3 / READING_SPAN)
    assert reading_fit(3.0, learner) == reading_fit(9.0, learner)
    assert reading_fit(30.0, learner) == pytest.approx(-READING_WEIGHT)
    assert reading_fit(None, learner) == 0.0
    assert reading_fit(9.0, LearnerSignals(p_known={}, reading_level=None)) == 0.0


def test_unmastered_objective_outranks_an_otherwise_equal_mastered_one():
    # Chunk 1 and 2 swap places between branches: equal fused relevance.
    learner = LearnerSignals(p_known={100: 0.95, 200: 0.1}, reading_level=None)
    ranked = fuse_and_rerank([[1, 2], [2, 1]], objective_ids={1: [100], 2: [200]}, reading_levels={}, learner=learner)

    assert [score.chunk_id for score in ranked] == [2, 1]
    assert ranked[0].rrf == pytest.approx(ranked[1].rrf)
    assert ranked[0].mastery_boost > ranked[1].mastery_boost


def test_text_at_the_learners_reading_level_outranks_equal_harder_text():
    learner = LearnerSignals(p_known={}, reading_level=5.0)
    ranked = fuse_and_rerank([[1, 2], [2, 1]], objective_ids={}, reading_levels={1: 11.0, 2: 5.5}, learner=learner)

    assert [score.chunk_id for score in ranked] == [2, 1]


def test_learner_terms_never_lift_an_irrelevant_chunk_over_a_clearly_relevant_one():
    # Chunk 1: first in both branches at the wrong level, mastered. Chunk 2: 10th in one branch, ideal.
    learner = LearnerSignals(p_known={100: 1.0, 200: 0.0}, reading_level=5.0)
    ranked = fuse_and_rerank(
        [[1, *range(3, 12), 2], [1]],
        objective_ids={1: [100], 2: [200]},
        reading_levels={1: 16.0, 2: 5.0},
        learner=learner,
    )

    assert ranked[0].chunk_id == 1
    assert ranked[0].final == pytest.approx(1.0 - READING_WEIGHT)


def test_without_a_learner_the_order_is_pure_fusion_and_ties_keep_vector_order():
    ranked = fuse_and_rerank([[5, 6], [6, 5]], objective_ids={}, reading_levels={5: 3.0}, learner=None)

    assert [score.chunk_id for score in ranked] == [5, 6]
    assert all(score.final == score.rrf for score in ranked)
    assert RRF_K == 60
