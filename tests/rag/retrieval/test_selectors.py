"""search() and hybrid_search(): access, redaction, fusion of both branches, reranking, provenance."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from edu.api import LearnerProfile
from rag.embeddings import get_embedder
from rag.models import Chunk
from rag.retrieval import LearnerSignals, hybrid_search, learner_signals, search
from tests.factories import (
    CourseFactory,
    MasteryFactory,
    MaterialFactory,
    ObjectiveFactory,
    UserFactory,
    student_in,
    teacher_of,
)
from tests.rag.retrieval.factories import ChunkFactory, DiagramGraphFactory, unit

pytestmark = pytest.mark.django_db

SCORE_KEYS = {
    "vector_rank", "vector_distance", "fts_rank", "fts_score", "rrf", "mastery_boost", "reading_fit", "final",
}  # fmt: skip


@pytest.fixture(scope="session")
def embedder():
    return get_embedder()


def embedded_chunk(embedder, *, course, text: str, **fields) -> Chunk:
    return ChunkFactory(course=course, text=text, embedding=embedder.encode([text])[0], **fields)


# --- hybrid_search: hand-made vectors, no model --------------------------------------------


def test_hybrid_search_fuses_both_branches_with_a_full_score_breakdown():
    course = CourseFactory()
    by_meaning = ChunkFactory(course=course, text="Clouds form high up.", embedding=unit(1.0))
    by_words = ChunkFactory(course=course, text="Condensation of water vapour.", embedding=unit(0.0, 1.0))
    ChunkFactory(course=course, text="Rocks erode.", embedding=unit(0.0, 0.0, 1.0))

    hits, timings = hybrid_search(course_ids=[course.id], query_text="condensation", query_vector=unit(1.0), k=2)

    assert [hit.chunk_id for hit in hits] == [by_words.id, by_meaning.id]  # in both branches beats top of one
    assert set(hits[0].scores) == SCORE_KEYS
    assert hits[0].scores["fts_rank"] == 1 and hits[0].scores["vector_rank"] == 2
    assert hits[1].scores["fts_rank"] is None and hits[1].scores["vector_rank"] == 1
    assert hits[0].score == hits[0].scores["final"]
    assert set(timings) == {"retrieve"}


def test_hybrid_search_returns_diagrams_with_their_region_beside_texts():
    course = CourseFactory()
    material = MaterialFactory(course=course, title="Water cycle diagram", kind="image", content=b"png bytes")
    diagram = DiagramGraphFactory(material=material)
    ChunkFactory(course=course, text="Evaporation happens when the Sun heats the sea.", embedding=unit(1.0, 0.2))
    ChunkFactory(
        course=course,
        material=material,
        diagram=diagram,
        modality=Chunk.Modality.DIAGRAM,
        heading="Water cycle",
        text="Diagram: Evaporation leads to Condensation.",
        region=[0, 0, 800, 600],
        embedding=unit(1.0, 0.1),
    )

    hits, _ = hybrid_search(course_ids=[course.id], query_text="evaporation", query_vector=unit(1.0), k=5)

    assert {hit.modality for hit in hits} == {"text", "diagram"}
    diagram_hit = next(hit for hit in hits if hit.modality == "diagram")
    assert diagram_hit.diagram_id == diagram.id
    assert diagram_hit.region == [0, 0, 800, 600]
    assert diagram_hit.material_title == "Water cycle diagram"
    assert diagram_hit.to_dict()["region"] == [0, 0, 800, 600]


def test_hybrid_search_ranks_the_unmastered_objectives_material_above_an_equal_mastered_one():
    course = CourseFactory()
    learner = UserFactory()
    known, unknown = ObjectiveFactory(course=course), ObjectiveFactory(course=course)
    MasteryFactory(learner=learner, objective=known, p_known=0.95)
    MasteryFactory(learner=learner, objective=unknown, p_known=0.1)
    known_material = MaterialFactory(course=course, content=b"mastered")
    unknown_material = MaterialFactory(course=course, content=b"not mastered")
    known_material.objectives.add(known)
    unknown_material.objectives.add(unknown)
    same = {"text": "Food chains start with producers.", "embedding": unit(1.0)}
    mastered_chunk = ChunkFactory(course=course, material=known_material, **same)
    unmastered_chunk = ChunkFactory(course=course, material=unknown_material, **same)

    neutral, _ = hybrid_search(course_ids=[course.id], query_text="producers", query_vector=unit(1.0), k=2)
    signals = learner_signals(user=learner, course=course)
    tailored, _ = hybrid_search(
        course_ids=[course.id], query_text="producers", query_vector=unit(1.0), learner=signals, k=2
    )

    assert [hit.chunk_id for hit in neutral] == [mastered_chunk.id, unmastered_chunk.id]  # ties: id order
    assert [hit.chunk_id for hit in tailored] == [unmastered_chunk.id, mastered_chunk.id]
    assert tailored[0].scores["mastery_boost"] > tailored[1].scores["mastery_boost"]
    assert tailored[0].objective_ids == [unknown.id]


def test_hybrid_search_prefers_text_at_the_learners_reading_level():
    course = CourseFactory()
    # Equal relevance: full text ranks "hard" first (id order), the vector branch ranks "easy" first.
    text = "Magma cools into igneous rock."
    hard = ChunkFactory(course=course, reading_level=12.0, text=text, embedding=unit(1.0, 0.01))
    easy = ChunkFactory(course=course, reading_level=5.0, text=text, embedding=unit(1.0))
    learner = LearnerSignals(p_known={}, reading_level=5.0)

    hits, _ = hybrid_search(course_ids=[course.id], query_text="igneous", query_vector=unit(1.0), learner=learner, k=2)

    assert [hit.chunk_id for hit in hits] == [easy.id, hard.id]
    assert hits[1].scores["reading_fit"] < hits[0].scores["reading_fit"] == 0.0


def test_learner_signals_use_the_objectives_prior_when_never_practised():
    course = CourseFactory()
    practised, fresh = ObjectiveFactory(course=course, p_init=0.2), ObjectiveFactory(course=course, p_init=0.3)
    learner = student_in(course)
    LearnerProfile.objects.filter(user=learner).update(reading_level=4.5)
    MasteryFactory(learner=learner, objective=practised, p_known=0.8)

    signals = learner_signals(user=learner, course=course)

    assert signals.p_known == {practised.id: pytest.approx(0.8), fresh.id: pytest.approx(0.3)}
    assert signals.reading_level == 4.5


# --- search: access control and validation (no model needed before the check) -------------


def test_anonymous_and_unenrolled_users_may_not_search():
    course = CourseFactory()
    ChunkFactory(course=course)
    other_course_student = student_in(CourseFactory())

    with pytest.raises(PermissionDenied):
        search(user=AnonymousUser(), course=course, query="plants")
    with pytest.raises(PermissionDenied):
        search(user=other_course_student, course=course, query="plants")
    with pytest.raises(PermissionDenied):
        search(user=UserFactory(), course=course, query="plants")


@pytest.mark.parametrize(
    ("query", "k", "message"),
    [("   ", 10, "empty"), ("x" * 2001, 10, "too long"), ("plants", 0, "k must"), ("plants", 51, "k must")],
)
def test_bad_queries_get_a_clear_error(query, k, message):
    course = CourseFactory()
    with pytest.raises(ValueError, match=message):
        search(user=teacher_of(course), course=course, query=query, k=k)


# --- search: the whole path with the real embedder and redaction --------------------------


@pytest.mark.slow
def test_search_never_returns_another_courses_chunk_that_matches_perfectly(embedder):
    mine, other = CourseFactory(), CourseFactory()
    query = "How do plants use sunlight to make glucose?"
    leaked = embedded_chunk(embedder, course=other, text=query, heading=query)
    own = embedded_chunk(embedder, course=mine, text="Photosynthesis: leaves use light energy to make sugar.")
    embedded_chunk(embedder, course=mine, text="Igneous rock forms when magma cools.")
    student = student_in(mine)

    response = search(user=student, course=mine, query=query, k=10)

    assert leaked.id not in {hit.chunk_id for hit in response.hits}
    assert response.hits[0].chunk_id == own.id
    assert {hit.material_id for hit in response.hits} <= set(mine.materials.values_list("id", flat=True))


@pytest.mark.slow
def test_teacher_can_search_and_gets_no_learner_adjustments(embedder):
    course = CourseFactory()
    objective = ObjectiveFactory(course=course)
    chunk = embedded_chunk(embedder, course=course, text="Evaporation turns water into vapour.", reading_level=9.0)
    chunk.material.objectives.add(objective)

    response = search(user=teacher_of(course), course=course, query="What is evaporation?")

    assert [hit.chunk_id for hit in response.hits] == [chunk.id]
    assert response.hits[0].scores["mastery_boost"] == 0.0
    assert response.hits[0].scores["reading_fit"] == 0.0


@pytest.mark.slow
def test_student_search_is_tailored_by_their_mastery(embedder):
    course = CourseFactory()
    objective = ObjectiveFactory(course=course, p_init=0.2)
    chunk = embedded_chunk(embedder, course=course, text="Evaporation turns water into vapour.")
    chunk.material.objectives.add(objective)

    response = search(user=student_in(course), course=course, query="What is evaporation?")

    assert response.hits[0].scores["mastery_boost"] > 0.0


@pytest.mark.slow
def test_query_is_redacted_before_it_is_searched(embedder):
    course = CourseFactory()
    chunk = embedded_chunk(embedder, course=course, text="Condensation forms clouds from water vapour.")
    student = student_in(course)

    with CaptureQueriesContext(connection) as queries:
        response = search(user=student, course=course, query="I am jo.bloggs@example.org, how do clouds form?")

    assert not [query["sql"] for query in queries.captured_queries if "jo.bloggs" in query["sql"]]

    assert "jo.bloggs@example.org" not in response.query_redacted
    assert "EMAIL" in response.query_redacted
    assert "clouds form" in response.query_redacted
    assert response.hits[0].chunk_id == chunk.id
    assert "jo.bloggs" not in str(response.to_dict())
    assert set(response.timings) == {"redact", "encode", "retrieve", "total"}


@pytest.mark.slow
def test_the_courses_own_terms_in_a_query_are_no_names(embedder):
    course = CourseFactory()
    other = embedded_chunk(embedder, course=course, text="A person breathes in oxygen and breathes out air.")
    chunk = embedded_chunk(embedder, course=course, text="Carbaminohemoglobin carries carbon dioxide in the blood.")
    student = student_in(course)

    response = search(user=student, course=course, query="What is meant by carbaminohemoglobin?")

    assert "carbaminohemoglobin" in response.query_redacted  # not "<PERSON>", which found the chunk about a person
    assert response.hits[0].chunk_id == chunk.id != other.id
