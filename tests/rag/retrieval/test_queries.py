"""The search statement's branches: course filters inside each, exact and HNSW scans, full-text fallback."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection, transaction

from edu.api import Material
from rag.models import Chunk
from rag.retrieval import queries
from rag.retrieval.fusion import fusion_params
from rag.retrieval.queries import (
    CHUNK_COUNT_SECONDS,
    EXACT_SCAN_MAX_CHUNKS,
    EXACT_SEARCH_SQL,
    INDEX_SCAN_SETUP_SQL,
    INDEXED_SEARCH_SQL,
    ranked_hits,
    searched_chunks,
    vector_literal,
)
from tests.factories import CourseFactory, MaterialFactory, ObjectiveFactory
from tests.rag.retrieval.factories import ChunkFactory, DiagramGraphFactory, unit

pytestmark = pytest.mark.django_db


def nearest(course_ids, vector, *, limit=10, ef_search=100):
    """The vector branch alone: no query words, so every hit comes from it, nearest first."""
    return ranked_hits(course_ids=course_ids, vector=vector, query="", k=limit, candidates=limit, ef_search=ef_search)


def matching(course_ids, query, *, limit=10):
    """The full-text branch's hits, best first."""
    hits = ranked_hits(course_ids=course_ids, vector=unit(1.0), query=query, k=50, candidates=limit)
    return sorted((hit for hit in hits if hit.scores["fts_rank"]), key=lambda hit: hit.scores["fts_rank"])


def test_sql_names_the_tables_of_the_models():
    assert Chunk._meta.db_table == "rag_chunk"
    assert Material._meta.db_table == "edu_material"
    assert Material.objectives.through._meta.db_table == "edu_material_objectives"


def test_vector_branch_returns_nearest_first_with_distances_and_objectives():
    course = CourseFactory()
    objective = ObjectiveFactory(course=course)
    material = MaterialFactory(course=course)
    material.objectives.add(objective)
    far = ChunkFactory(course=course, material=material, embedding=unit(0.0, 1.0))
    near = ChunkFactory(course=course, material=material, embedding=unit(1.0, 0.1))

    found = nearest([course.id], unit(1.0))

    assert [c.chunk_id for c in found] == [near.id, far.id]
    assert found[0].scores["vector_distance"] == pytest.approx(1 - 1 / np.sqrt(1.01), abs=1e-5)
    assert found[1].scores["vector_distance"] == pytest.approx(1.0, abs=1e-5)
    assert found[0].objective_ids == [objective.id]


def test_no_branch_returns_another_courses_chunk_even_when_it_matches_perfectly():
    mine, other = CourseFactory(), CourseFactory()
    query = "photosynthesis chlorophyll sunlight"
    perfect = ChunkFactory(course=other, text=query, heading=query, embedding=unit(1.0))
    own = ChunkFactory(course=mine, text="Chlorophyll is green.", embedding=unit(0.3, 1.0))

    by_vector = nearest([mine.id], unit(1.0))
    by_text = matching([mine.id], query)

    assert [c.chunk_id for c in by_vector] == [own.id]
    assert [c.chunk_id for c in by_text] == [own.id]  # via the OR fallback: "chlorophyll"
    # The same statements do find it for its own course: the filter, not luck, kept it out.
    assert perfect.id in {c.chunk_id for c in nearest([other.id], unit(1.0))}
    assert perfect.id in {c.chunk_id for c in matching([other.id], query)}


def test_fulltext_prefers_passages_with_every_word_and_falls_back_to_any_word():
    course = CourseFactory()
    both = ChunkFactory(course=course, text="Evaporation turns liquid water into water vapour.")
    one = ChunkFactory(course=course, text="Condensation forms clouds from vapour.")
    ChunkFactory(course=course, text="Igneous rock cools from magma.")

    strict = matching([course.id], "evaporation vapour")
    loose = matching([course.id], "vapour hurricanes")

    assert [c.chunk_id for c in strict] == [both.id]  # "one" lacks "evaporation": strict wins alone
    assert {c.chunk_id for c in loose} == {both.id, one.id}
    assert matching([course.id], "the and of") == []


def test_fulltext_matches_headings_and_word_forms():
    course = CourseFactory()
    chunk = ChunkFactory(course=course, heading="Sedimentary rocks", text="Layers are pressed together.")

    found = matching([course.id], "rock sediment layer")

    assert [c.chunk_id for c in found] == [chunk.id]


def test_candidates_carry_provenance_and_decoded_region():
    course = CourseFactory()
    material = MaterialFactory(course=course, title="Water cycle diagram")
    diagram = DiagramGraphFactory(material=material)
    ChunkFactory(
        course=course,
        material=material,
        diagram=diagram,
        modality=Chunk.Modality.DIAGRAM,
        region=[10, 20, 300, 400],
        page=None,
        heading="Evaporation",
    )

    [hit] = ranked_hits(course_ids=[course.id], vector=unit(1.0), query="evaporation", k=10, candidates=10)

    assert (hit.scores["vector_rank"], hit.scores["fts_rank"]) == (1, 1)
    assert hit.material_title == "Water cycle diagram"
    assert hit.modality == "diagram"
    assert hit.diagram_id == diagram.id
    assert hit.region == [10, 20, 300, 400]
    assert hit.heading == "Evaporation"


def _force_hnsw(cursor) -> None:
    """Leave the planner only the HNSW index (this test's transaction rolls the DDL back)."""
    cursor.execute(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'rag_chunk' AND indexdef LIKE '%btree%'"
        " AND indexdef LIKE '%course_id%'"
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET LOCAL enable_seqscan = off")


def test_iterative_scan_fills_k_for_a_small_course_hidden_behind_a_big_one(monkeypatch):
    monkeypatch.setattr(queries, "EXACT_SCAN_MAX_CHUNKS", 0)  # every course through the HNSW index
    big, small = CourseFactory(), CourseFactory()
    big_material, small_material = MaterialFactory(course=big), MaterialFactory(course=small)
    rng = np.random.default_rng(7)
    Chunk.objects.bulk_create(
        Chunk(
            course=big,
            material=big_material,
            ordinal=i,
            text="big",
            embedding=unit(1.0, seed=int(rng.integers(1 << 30)), noise=0.02),
        )
        for i in range(400)
    )
    Chunk.objects.bulk_create(
        Chunk(
            course=small,
            material=small_material,
            ordinal=i,
            text="small",
            embedding=unit(1.0, 1.0, seed=int(rng.integers(1 << 30)), noise=0.02),
        )
        for i in range(15)
    )
    with connection.cursor() as cursor:
        _force_hnsw(cursor)
        cursor.execute(
            "EXPLAIN SELECT id FROM rag_chunk WHERE course_id = ANY(%s) ORDER BY embedding <=> %s::vector LIMIT 40",
            [[small.id], str(unit(1.0).tolist())],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        assert "chunk_embedding_hnsw" in plan

        found = nearest([small.id], unit(1.0), ef_search=40)

        # Control: the same scan without iterative mode loses the small course entirely.
        cursor.execute("SET LOCAL hnsw.ef_search = 40; SET LOCAL hnsw.iterative_scan = off")
        cursor.execute(
            "SELECT id FROM rag_chunk WHERE course_id = ANY(%s) ORDER BY embedding <=> %s::vector LIMIT 10",
            [[small.id], str(unit(1.0).tolist())],
        )
        without_iteration = cursor.fetchall()

    assert len(found) == 10
    assert {c.material_id for c in found} == {small_material.id}
    distances = [c.scores["vector_distance"] for c in found]
    assert distances == sorted(distances)
    assert len(without_iteration) < 10


def _plan(sql: str, course_id: int, *, setup: str = "") -> str:
    params = {"vector": vector_literal(unit(1.0)), "query": "", "course_ids": [course_id], "limit": 40, "k": 10,
              **fusion_params(None)}  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        if setup:
            cursor.execute(setup, {"ef_search": "100"})
        cursor.execute("EXPLAIN " + sql, params)
        return " ".join(row[0] for row in cursor.fetchall())


def test_large_courses_are_searched_through_hnsw_and_small_ones_exactly():
    large, small = CourseFactory(), CourseFactory()
    material = MaterialFactory(course=large)
    Chunk.objects.bulk_create(
        Chunk(course=large, material=material, ordinal=i, text="large", embedding=unit(1.0, seed=i, noise=0.1))
        for i in range(EXACT_SCAN_MAX_CHUNKS + 1)
    )
    ChunkFactory(course=small)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE rag_chunk")

    assert searched_chunks([large.id]) == EXACT_SCAN_MAX_CHUNKS + 1  # counted up to just past the limit
    assert searched_chunks([small.id]) == 1
    assert "chunk_embedding_hnsw" in _plan(INDEXED_SEARCH_SQL, large.id, setup=INDEX_SCAN_SETUP_SQL)
    # The exact statement never uses the index, whatever the planner estimates.
    assert "chunk_embedding_hnsw" not in _plan(EXACT_SEARCH_SQL, large.id)
    assert len(nearest([large.id], unit(1.0))) == 10


def test_the_exact_search_is_prepared_once_and_runs_on_its_generic_plan():
    course = CourseFactory()
    chunk = ChunkFactory(course=course, text="Evaporation turns water into vapour.", embedding=unit(1.0))

    for _ in range(3):
        found = ranked_hits(course_ids=[course.id], vector=unit(1.0), query="evaporation", k=10, candidates=40)

    assert [hit.chunk_id for hit in found] == [chunk.id]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%course_chunks%"],
        )
        generic, custom = map(sum, zip(*cursor.fetchall(), strict=True))
    assert generic >= 3 and custom == 0


def test_a_courses_chunk_count_is_remembered_for_a_while(monkeypatch):
    course = CourseFactory()
    ChunkFactory(course=course)
    clock = [1000.0]
    monkeypatch.setattr(queries, "_clock", lambda: clock[0])
    assert searched_chunks([course.id]) == 1

    ChunkFactory(course=course)
    assert searched_chunks([course.id]) == 1
    clock[0] += CHUNK_COUNT_SECONDS + 1
    assert searched_chunks([course.id]) == 2
