"""The SQL of retrieval, in one place: the vector branch, the full-text branch and their fusion.

Raw SQL because each branch must be one statement the planner sees whole (filter + ORDER BY
distance + LIMIT is what lets pgvector use the HNSW index) and because ORM overhead would be a
large share of a few-millisecond query. Table names are those of ``rag.Chunk``, ``edu.Material``
and its objectives (checked by the tests). Every statement filters on ``course_id = ANY(...)``:
access control lives inside the query, not only in the caller.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import numpy as np
from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

from rag.retrieval.fusion import LearnerSignals, fusion_params
from rag.retrieval.types import SearchHit

# Candidates the HNSW scan keeps in its queue: recall@10 vs exact search 0.98 at 100,000 chunks in
# 50 courses (benchmarks/retrieval_bench.py).
EF_SEARCH = 100
# Up to this many chunks in the searched courses, the exact scan (course index, then sort by
# distance) is as fast as the HNSW scan and has perfect recall; above it the HNSW index is used.
# Measured at 100,000 chunks, 2,000 per course, vectors stored inline (STORAGE MAIN, migration
# 0003): exact 2.2 ms mean / 2.5 ms p95 vs HNSW with the course filter 2.2 / 4.5 ms, because the
# graph walk visits ~450 neighbours of other courses for every 40 it keeps. PostgreSQL's planner
# cannot see either cost, so the choice is made here, from the number of chunks searched.
EXACT_SCAN_MAX_CHUNKS = 3000
# How long a process trusts its count of a course's chunks (counting on every search cost
# about 0.2 ms of a 3 ms search). A course that grows past the threshold meanwhile is scanned
# exactly for up to this long: the same results, a little slower.
CHUNK_COUNT_SECONDS = 60.0

COUNT_SQL = """
SELECT count(*)
FROM (SELECT 1 FROM rag_chunk WHERE course_id = ANY(%(course_ids)s::bigint[]) LIMIT %(exact_max)s + 1) searched
"""

# The HNSW scan's settings, for this transaction only (set_config(..., true) is SET LOCAL).
# relaxed_order: with a course filter, the HNSW scan goes on until LIMIT rows pass the filter
# instead of returning fewer (pgvector >= 0.8); rows then come back only roughly ordered, which
# the statement's own ranking by distance puts right. enable_sort off leaves the planner the index alone.
INDEX_SCAN_SETUP_SQL = """
SELECT set_config('hnsw.ef_search', %(ef_search)s, true),
       set_config('hnsw.iterative_scan', 'relaxed_order', true),
       set_config('enable_sort', 'off', true)
"""

# The exact scan sorts the course's chunks by distance. OFFSET 0 keeps the sort outside the
# subquery, where the HNSW index cannot serve it, so the one generic plan of the prepared
# statement is the exact scan whatever the planner estimates.
_NEAREST_EXACT = """
    SELECT id, score FROM (
        SELECT c.id, c.embedding <=> %(vector)s::vector AS score
        FROM rag_chunk c
        WHERE c.course_id = ANY(%(course_ids)s::bigint[]) AND c.embedding IS NOT NULL
        OFFSET 0
    ) course_chunks
    ORDER BY score
    LIMIT %(limit)s
"""
_NEAREST_INDEXED = """
    SELECT c.id, c.embedding <=> %(vector)s::vector AS score
    FROM rag_chunk c
    WHERE c.course_id = ANY(%(course_ids)s::bigint[]) AND c.embedding IS NOT NULL
    ORDER BY score
    LIMIT %(limit)s
"""

# Both branches, their fusion and the learner-model terms in one statement: one plan, one round
# trip, and only the k chunks kept are read whole (the branches rank ids; the text of every
# candidate would otherwise be read and sent). The strict full-text query (websearch syntax:
# every word must appear) ranks best; when it finds nothing, the same words OR-ed still find
# passages that share some of them. The loose query only runs when the strict one is empty
# (PostgreSQL evaluates the NOT EXISTS once, as an InitPlan). The fusion formula and its
# constants are explained in rag/retrieval/fusion.py; ranks are re-counted here because the
# HNSW scan returns rows only roughly ordered.
_SEARCH_SQL = """
WITH nearest AS MATERIALIZED ({nearest}),
strict_hits AS MATERIALIZED (
    SELECT c.id, ts_rank_cd(c.search_vector, websearch_to_tsquery('english', %(query)s)) AS score
    FROM rag_chunk c
    WHERE c.course_id = ANY(%(course_ids)s::bigint[])
      AND c.search_vector @@ websearch_to_tsquery('english', %(query)s)
    ORDER BY score DESC, c.id
    LIMIT %(limit)s
),
loose_hits AS MATERIALIZED (
    SELECT c.id, ts_rank_cd(c.search_vector, replace(plainto_tsquery('english', %(query)s)::text, '&', '|')::tsquery)
           AS score
    FROM rag_chunk c
    WHERE NOT EXISTS (SELECT 1 FROM strict_hits)
      AND c.course_id = ANY(%(course_ids)s::bigint[])
      AND c.search_vector @@ replace(plainto_tsquery('english', %(query)s)::text, '&', '|')::tsquery
    ORDER BY score DESC, c.id
    LIMIT %(limit)s
),
ranked AS (
    SELECT id, score, true AS by_vector, row_number() OVER (ORDER BY score, id) AS rank FROM nearest
    UNION ALL
    SELECT id, score, false, row_number() OVER (ORDER BY score DESC, id)
    FROM (SELECT * FROM strict_hits UNION ALL SELECT * FROM loose_hits) text_hits
),
fused AS (
    SELECT id,
           min(rank) FILTER (WHERE by_vector) AS vector_rank,
           min(score) FILTER (WHERE by_vector) AS vector_distance,
           min(rank) FILTER (WHERE NOT by_vector) AS fts_rank,
           min(score) FILTER (WHERE NOT by_vector) AS fts_score,
           sum(1 / (%(rrf_k)s::float8 + rank)) * (%(rrf_k)s::float8 + 1) / 2 AS rrf
    FROM ranked
    GROUP BY id
),
scored AS (
    SELECT f.*, c.material_id,
           ARRAY(SELECT mo.learningobjective_id FROM edu_material_objectives mo WHERE mo.material_id = c.material_id)
           AS objective_ids,
           coalesce(%(mastery_weight)s::float8 * (1 - (
               SELECT min(known.p_known)
               FROM edu_material_objectives mo
               JOIN unnest(%(known_objectives)s::bigint[], %(p_known)s::float8[]) AS known (objective_id, p_known)
                 ON known.objective_id = mo.learningobjective_id
               WHERE mo.material_id = c.material_id
           )), 0) AS mastery_boost,
           -%(reading_weight)s::float8 * least(coalesce(abs(c.reading_level - %(reading_level)s::float8), 0),
                                               %(reading_span)s::float8) / %(reading_span)s::float8 AS reading_fit,
           CASE WHEN c.modality = 'diagram' THEN %(diagram_weight)s::float8 ELSE 0 END AS diagram_boost
    FROM fused f JOIN rag_chunk c ON c.id = f.id
),
placed AS (
    SELECT *, rrf + mastery_boost + reading_fit + diagram_boost AS final,
           row_number() OVER (PARTITION BY material_id
                              ORDER BY rrf + mastery_boost + reading_fit + diagram_boost DESC, vector_rank NULLS LAST,
                                       fts_rank, id) AS in_material
    FROM scored
),
kept AS MATERIALIZED (
    SELECT * FROM placed
    ORDER BY in_material > %(per_material)s, final DESC, vector_rank NULLS LAST, fts_rank, id
    LIMIT %(k)s
)
SELECT k.id, k.material_id, m.title, c.modality, c.heading, c.text, c.page, c.region, c.diagram_id, k.objective_ids,
       k.vector_rank, k.vector_distance, k.fts_rank, k.fts_score, k.rrf, k.mastery_boost, k.reading_fit, k.final
FROM kept k JOIN rag_chunk c ON c.id = k.id JOIN edu_material m ON m.id = k.material_id
ORDER BY k.in_material > %(per_material)s, k.final DESC, k.vector_rank NULLS LAST, k.fts_rank, k.id
"""

EXACT_SEARCH_SQL = _SEARCH_SQL.format(nearest=_NEAREST_EXACT)
INDEXED_SEARCH_SQL = _SEARCH_SQL.format(nearest=_NEAREST_INDEXED)

_chunk_counts: dict[tuple[int, ...], tuple[float, int]] = {}
_clock = time.monotonic


def searched_chunks(course_ids: Sequence[int]) -> int:
    """Chunks in the searched courses (at most EXACT_SCAN_MAX_CHUNKS + 1), counted once a minute per process."""
    key = tuple(sorted(set(course_ids)))
    now = _clock()
    cached = _chunk_counts.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, {"course_ids": list(key), "exact_max": EXACT_SCAN_MAX_CHUNKS})
        count = cursor.fetchone()[0]
    if len(_chunk_counts) > 10_000:  # course sets searched by this process; keep the memo small
        _chunk_counts.clear()
    _chunk_counts[key] = (now + CHUNK_COUNT_SECONDS, count)
    return count


class _PreparedCursor(ServerBindingCursor):
    """Binds parameters on the server and runs every statement as a prepared one."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _PreparedDebugWrapper(CursorDebugWrapper):
    """Logs the statement with its values, as Django's debug cursor does for its own cursors."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return super(CursorDebugWrapper, self).execute(sql, params)


def _fetch_prepared(sql: str, params: dict) -> list[tuple]:
    """Rows of ``sql`` as a prepared statement with a generic plan (no planning after its first use).

    Django's cursors bind parameters on the client and never prepare; this one still goes through
    Django's wrappers, so errors, query logging and query capture behave as usual.
    """
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _PreparedCursor(connection.connection)
    wrapper = _PreparedDebugWrapper if connection.queries_logged else CursorWrapper
    with wrapper(raw, connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fetch_indexed(params: dict) -> list[tuple]:
    """The HNSW path: settings and search as one multi-statement message (one round trip, one transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(INDEX_SCAN_SETUP_SQL.strip() + ";\n" + INDEXED_SEARCH_SQL, params)
        cursor.nextset()
        return cursor.fetchall()


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form; measured no slower than the binary adapter for 384 dimensions."""
    return "[" + ",".join(map(repr, np.asarray(vector, dtype=np.float32).tolist())) + "]"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def _hit(row: tuple) -> SearchHit:
    (chunk_id, material_id, title, modality, heading, text, page, region, diagram_id, objective_ids,
     vector_rank, vector_distance, fts_rank, fts_score, rrf, mastery_boost, reading_fit, final) = row  # fmt: skip
    if isinstance(region, str):  # Django's psycopg setup leaves jsonb undecoded
        region = json.loads(region)
    scores = {
        "vector_rank": vector_rank, "vector_distance": _round(vector_distance), "fts_rank": fts_rank,
        "fts_score": _round(fts_score), "rrf": _round(rrf), "mastery_boost": _round(mastery_boost),
        "reading_fit": _round(reading_fit), "final": _round(final),
    }  # fmt: skip
    return SearchHit(
        chunk_id=chunk_id, material_id=material_id, material_title=title, modality=modality, heading=heading,
        text=text, page=page, region=region, diagram_id=diagram_id, score=scores["final"], scores=scores,
        objective_ids=list(objective_ids),
    )  # fmt: skip


def ranked_hits(
    *,
    course_ids: Sequence[int],
    vector: np.ndarray,
    query: str,
    k: int,
    candidates: int,
    learner: LearnerSignals | None = None,
    wants_diagram: bool = False,
    ef_search: int = EF_SEARCH,
) -> list[SearchHit]:
    """The ``k`` best chunks of ``course_ids``, fused from the ``candidates`` nearest to ``vector``
    (cosine) and the ``candidates`` best full-text matches of ``query``, best first (a material's third and
    later chunks after every other material's first two; diagrams first when ``wants_diagram``).

    Courses up to EXACT_SCAN_MAX_CHUNKS chunks are scanned exactly by one prepared statement;
    larger ones through the HNSW index. Either way it is one statement and one round trip.
    """
    params = {
        "course_ids": list(course_ids), "vector": vector_literal(vector), "query": query,
        "limit": candidates, "k": k, **fusion_params(learner, wants_diagram=wants_diagram),
    }  # fmt: skip
    if searched_chunks(course_ids) > EXACT_SCAN_MAX_CHUNKS:
        rows = _fetch_indexed({**params, "ef_search": str(max(ef_search, candidates))})
    else:
        rows = _fetch_prepared(EXACT_SEARCH_SQL, params)
    return [_hit(row) for row in rows]
