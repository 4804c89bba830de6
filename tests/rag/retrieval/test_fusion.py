"""Reciprocal rank fusion and the learner-model terms, as the search statement computes them.

Chunks get hand-made vectors and texts so that each one's rank in each branch is known: the
query vector is ``unit(1.0)`` and the query word is "evaporation".
"""

from __future__ import annotations

import pytest

from rag.retrieval.fusion import (
    MASTERY_WEIGHT,
    READING_SPAN,
    READING_WEIGHT,
    RRF_K,
    LearnerSignals,
    fusion_params,
)
from rag.retrieval.queries import ranked_hits
from tests.factories import CourseFactory, MaterialFactory, ObjectiveFactory
from tests.rag.retrieval.factories import ChunkFactory, unit

pytestmark = pytest.mark.django_db

MATCH = "Evaporation turns liquid water into vapour."
NO_MATCH = "Clouds drift across the sky."


def rank(course, *, learner: LearnerSignals | None = None, k: int = 10):
    hits = ranked_hits(course_ids=[course.id], vector=unit(1.0), query="evaporation", k=k, candidates=40,
                       learner=learner)  # fmt: skip
    return {hit.chunk_id: hit for hit in hits}, [hit.chunk_id for hit in hits]


def rrf(*ranks: int) -> float:
    return sum(1 / (RRF_K + r) for r in ranks) / (2 / (RRF_K + 1))


def swapped_pair(course, **fields_by_chunk):
    """Two chunks of equal fused relevance: ``first`` leads the vector branch, ``second`` the text branch."""
    first = ChunkFactory(course=course, text=MATCH, embedding=unit(1.0), **fields_by_chunk.get("first", {}))
    second = ChunkFactory(course=course, text=f"{MATCH} Evaporation needs heat.", embedding=unit(1.0, 0.2),
                          **fields_by_chunk.get("second", {}))  # fmt: skip
    return first, second


def test_fusion_sums_reciprocal_ranks_normalised_to_first_in_both_branches():
    course = CourseFactory()
    both = ChunkFactory(course=course, text=MATCH, embedding=unit(1.0))
    vector_only = ChunkFactory(course=course, text=NO_MATCH, embedding=unit(1.0, 0.5))

    hits, order = rank(course)

    assert order == [both.id, vector_only.id]
    assert hits[both.id].scores["rrf"] == pytest.approx(1.0)
    assert hits[vector_only.id].scores["rrf"] == pytest.approx(rrf(2), abs=1e-6)
    assert (hits[vector_only.id].scores["vector_rank"], hits[vector_only.id].scores["fts_rank"]) == (2, None)


def test_without_a_learner_the_order_is_pure_fusion_and_ties_keep_the_vector_order():
    course = CourseFactory()
    first, second = swapped_pair(course)

    hits, order = rank(course)

    assert order == [first.id, second.id]
    assert hits[first.id].scores["rrf"] == pytest.approx(hits[second.id].scores["rrf"]) == pytest.approx(rrf(1, 2))
    assert all(hit.scores["final"] == hit.scores["rrf"] for hit in hits.values())
    assert all(hit.scores["mastery_boost"] == hit.scores["reading_fit"] == 0 for hit in hits.values())


def test_mastery_boost_follows_the_least_known_objective_of_the_material():
    course = CourseFactory()
    known, half_known, unknown = (ObjectiveFactory(course=course) for _ in range(3))
    mastered = MaterialFactory(course=course, content=b"mastered")
    mixed = MaterialFactory(course=course, content=b"mixed")
    mastered.objectives.add(known)
    mixed.objectives.add(half_known, unknown)
    first, second = swapped_pair(course, first={"material": mastered}, second={"material": mixed})
    learner = LearnerSignals(p_known={known.id: 0.95, half_known.id: 0.5, unknown.id: 0.1}, reading_level=None)

    hits, order = rank(course, learner=learner)

    assert order == [second.id, first.id]  # the equal-relevance tie goes to what the learner has not mastered
    assert hits[first.id].scores["mastery_boost"] == pytest.approx(MASTERY_WEIGHT * 0.05, abs=1e-6)
    assert hits[second.id].scores["mastery_boost"] == pytest.approx(MASTERY_WEIGHT * 0.9, abs=1e-6)
    assert sorted(hits[second.id].objective_ids) == sorted([half_known.id, unknown.id])


def test_an_objective_the_learner_model_does_not_know_carries_no_signal():
    course, other = CourseFactory(), CourseFactory()
    material = MaterialFactory(course=course)
    material.objectives.add(ObjectiveFactory(course=course))
    chunk = ChunkFactory(course=course, material=material, text=MATCH)
    learner = LearnerSignals(p_known={ObjectiveFactory(course=other).id: 0.0}, reading_level=None)

    hits, _ = rank(course, learner=learner)

    assert hits[chunk.id].scores["mastery_boost"] == 0


def test_reading_fit_grows_with_the_distance_from_the_learners_level_up_to_a_cap():
    course = CourseFactory()
    chunks = {level: ChunkFactory(course=course, text=NO_MATCH, reading_level=level) for level in (5.0, 8.0, 2.0, 30.0)}
    unknown_level = ChunkFactory(course=course, text=NO_MATCH, reading_level=None)
    learner = LearnerSignals(p_known={}, reading_level=5.0)

    hits, _ = rank(course, learner=learner)

    fit = {level: hits[chunk.id].scores["reading_fit"] for level, chunk in chunks.items()}
    assert fit[5.0] == 0
    assert fit[8.0] == fit[2.0] == pytest.approx(-READING_WEIGHT * 3 / READING_SPAN, abs=1e-6)
    assert fit[30.0] == pytest.approx(-READING_WEIGHT, abs=1e-6)
    assert hits[unknown_level.id].scores["reading_fit"] == 0


def test_learner_terms_never_lift_a_weak_match_over_the_best_one():
    course = CourseFactory()
    mastered, ideal = MaterialFactory(course=course, content=b"mastered"), MaterialFactory(course=course, content=b"i")
    known, unknown = ObjectiveFactory(course=course), ObjectiveFactory(course=course)
    mastered.objectives.add(known)
    ideal.objectives.add(unknown)
    # First in both branches, far above the learner's level and mastered; against the 10th by vector only, ideal.
    best = ChunkFactory(course=course, material=mastered, text=MATCH, embedding=unit(1.0), reading_level=16.0)
    for step in range(8):
        ChunkFactory(course=course, text=NO_MATCH, embedding=unit(1.0, 0.1 + 0.01 * step))
    weak = ChunkFactory(course=course, material=ideal, text=NO_MATCH, embedding=unit(1.0, 0.5), reading_level=5.0)
    learner = LearnerSignals(p_known={known.id: 1.0, unknown.id: 0.0}, reading_level=5.0)

    hits, order = rank(course, learner=learner)

    assert order[0] == best.id
    assert hits[weak.id].scores["vector_rank"] == 10
    assert hits[best.id].scores["final"] == pytest.approx(1.0 - READING_WEIGHT, abs=1e-6)


def test_only_the_k_best_leave_the_database():
    course = CourseFactory()
    for step in range(6):
        ChunkFactory(course=course, text=NO_MATCH, embedding=unit(1.0, 0.1 * step))

    _, order = rank(course, k=3)

    assert len(order) == 3


def test_fusion_parameters_carry_the_learner_model():
    learner = LearnerSignals(p_known={7: 0.25, 9: 1}, reading_level=6.5)

    params = fusion_params(learner)

    assert (params["known_objectives"], params["p_known"], params["reading_level"]) == ([7, 9], [0.25, 1.0], 6.5)
    assert fusion_params(None) == {**params, "known_objectives": [], "p_known": [], "reading_level": None}


def test_one_material_takes_at_most_two_slots_while_another_has_a_candidate():
    course = CourseFactory()
    long_section = MaterialFactory(course=course, content=b"long section")
    section_chunks = [ChunkFactory(course=course, material=long_section, text=MATCH, embedding=unit(1.0, 0.01 * n))
                      for n in range(4)]
    other = ChunkFactory(course=course, text=NO_MATCH, embedding=unit(1.0, 0.8))

    _, order = rank(course, k=3)

    assert order == [section_chunks[0].id, section_chunks[1].id, other.id]
    assert rank(course, k=5)[1] == [*(chunk.id for chunk in section_chunks[:2]), other.id,
                                    *(chunk.id for chunk in section_chunks[2:])]  # the rest fill up after


def test_a_question_for_a_figure_lifts_diagrams_over_the_text_of_their_section():
    course = CourseFactory()
    text = ChunkFactory(course=course, text=NO_MATCH, embedding=unit(1.0))
    diagram = ChunkFactory(course=course, text="Water cycle diagram.", modality="diagram", embedding=unit(1.0, 0.3))

    def order(*, wants_diagram: bool) -> list[int]:
        hits = ranked_hits(course_ids=[course.id], vector=unit(1.0), query="evaporation", k=2, candidates=40,
                           wants_diagram=wants_diagram)  # fmt: skip
        return [hit.chunk_id for hit in hits]

    assert order(wants_diagram=False) == [text.id, diagram.id]
    assert order(wants_diagram=True) == [diagram.id, text.id]
