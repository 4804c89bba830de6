"""Hybrid search over a course's chunks: redact, embed, vector + full text, fuse, rerank.

``search`` is the entry point for people (access check, query redaction, encoding);
``hybrid_search`` is the part after encoding, callable with a precomputed vector so the
benchmark can time retrieval without the embedding model.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from edu.api import Course, Enrollment, LearnerProfile, mastery_by_objective, role_in_course
from privacy.api import ContentKind, redact_text
from rag.embeddings import get_embedder
from rag.questions import read_question
from rag.relevance import search_words
from rag.retrieval.fusion import LearnerSignals
from rag.retrieval.queries import ranked_hits
from rag.retrieval.types import SearchHit, SearchResponse
from rag.selectors import course_words_in

MAX_K = 50
MAX_QUERY_CHARS = 2000
# Each branch returns this many times k candidates, so fusion can promote a chunk that one
# branch ranks low but the other ranks high.
CANDIDATES_PER_HIT = 4


def _validate(query: str, k: int) -> str:
    if not isinstance(query, str) or not query.strip():
        raise ValueError("The search query is empty: type a question or some keywords.")
    if len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"The search query is too long: at most {MAX_QUERY_CHARS} characters.")
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ValueError(f"k must be a whole number from 1 to {MAX_K}.")
    return query.strip()


def learner_signals(*, user: AbstractBaseUser, course: Course) -> LearnerSignals:
    """Mastery per objective of the course (the objective's prior when never practised) and reading level."""
    p_known = mastery_by_objective(learner=user, course=course)
    reading_level = LearnerProfile.objects.filter(user=user).values_list("reading_level", flat=True).first()
    return LearnerSignals(p_known=p_known, reading_level=reading_level)


def hybrid_search(
    *,
    course_ids: Sequence[int],
    query_text: str,
    query_vector: np.ndarray,
    learner: LearnerSignals | None = None,
    k: int = 10,
    wants_diagram: bool = False,
) -> tuple[list[SearchHit], dict[str, float]]:
    """Top ``k`` chunks within ``course_ids`` (already access-checked) and seconds per stage."""
    started = time.perf_counter()
    hits = ranked_hits(
        course_ids=course_ids, vector=query_vector, query=query_text, k=k, candidates=CANDIDATES_PER_HIT * k,
        learner=learner, wants_diagram=wants_diagram,
    )  # fmt: skip
    return hits, {"retrieve": time.perf_counter() - started}


def search(*, user: AbstractBaseUser, course: Course, query: str, k: int = 10) -> SearchResponse:
    """Search one course as ``user``: only enrolled students, its teachers and staff may.

    The query is redacted before it is embedded or sent to SQL, so a name or email typed by a
    student never reaches the index, the logs or the response.
    """
    started = time.perf_counter()
    query = _validate(query, k)
    role = role_in_course(user=user, course=course)
    if role is None:
        raise PermissionDenied("You can only search courses you are enrolled in or teach.")
    # The course's own terms are no names ("carbaminohemoglobin", "maltase"); roster names still go.
    redacted = redact_text(query, kind=ContentKind.LEARNER, course=course, where="query",
                           keep_terms=course_words_in(query, course=course)).text
    redacted_done = time.perf_counter()
    vector = get_embedder().encode_query(redacted)
    encoded_done = time.perf_counter()
    learner = learner_signals(user=user, course=course) if role == Enrollment.Role.STUDENT else None
    hits, stage_timings = hybrid_search(  # the meaning from the whole question, the words without its scaffolding
        course_ids=[course.id], query_text=search_words(redacted) or redacted, query_vector=vector, learner=learner,
        k=k, wants_diagram=read_question(redacted).kind == "diagram",
    )
    timings = {
        "redact": redacted_done - started,
        "encode": encoded_done - redacted_done,
        **stage_timings,
        "total": time.perf_counter() - started,
    }
    return SearchResponse(
        query_redacted=redacted, hits=hits, timings={name: round(seconds, 6) for name, seconds in timings.items()}
    )
