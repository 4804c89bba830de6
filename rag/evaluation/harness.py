"""Run the labeled sets through the real pipeline and score retrieval (recall@5, nDCG@10 per query type).

Materials are uploaded with ``ingest_upload`` and ingested synchronously with ``run_ingestion``
(extraction, OCR and diagram analysis, redaction, chunking, embedding), then every question is
asked through ``search`` as an enrolled student, exactly as the portal would.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection

from edu.api import Enrollment, create_course, create_objective, create_user, enroll
from rag.api import IngestionJob, ingest_upload, run_ingestion, search
from rag.evaluation.dataset import QUERY_TYPES, EvalCourse
from rag.evaluation.metrics import ndcg_at_k, recall_at_k

RECALL_K = 5
NDCG_K = 10


@contextmanager
def scratch_database(name: str, *, keep: bool = False) -> Iterator[None]:
    """Point Django at a database of its own on the configured server, created and migrated here.

    ``keep`` reuses an existing database and leaves it behind (resumable benchmarks); otherwise
    it is created afresh and dropped afterwards. The dev database is never touched.
    """
    original_name = connection.settings_dict["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0, keepdb=keep)


@dataclass
class QueryResult:
    course: str
    type: str
    question: str
    relevant: list[str]
    retrieved: list[str]
    recall_at_5: float
    ndcg_at_10: float


@dataclass
class EvaluationReport:
    ingestion: dict[str, dict] = field(default_factory=dict)
    results: list[QueryResult] = field(default_factory=list)

    def summary(self) -> dict[str, dict[str, float]]:
        """Mean recall@5 and nDCG@10 per course and query type, per type overall, and overall."""
        groups: dict[str, list[QueryResult]] = {}
        for result in self.results:
            for key in (f"{result.course} / {result.type}", f"all / {result.type}", "all / all"):
                groups.setdefault(key, []).append(result)
        return {
            key: {
                "queries": len(members),
                "recall@5": statistics.fmean(r.recall_at_5 for r in members),
                "ndcg@10": statistics.fmean(r.ndcg_at_10 for r in members),
            }
            for key, members in sorted(groups.items(), key=lambda item: _group_order(item[0]))
        }

    def misses(self) -> list[QueryResult]:
        return [result for result in self.results if result.recall_at_5 < 1.0]

    def to_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "ingestion": self.ingestion,
            "results": [asdict(result) for result in self.results],
        }


def _group_order(key: str) -> tuple[int, str, int]:
    course, query_type = key.split(" / ")
    type_rank = QUERY_TYPES.index(query_type) if query_type in QUERY_TYPES else len(QUERY_TYPES)
    return (course == "all", course, type_rank)


def build_course(spec: EvalCourse) -> tuple[object, object, dict]:
    """Create the course, its objectives, a teacher and a student; ingest every material.

    Returns (course, student, ingestion stats). A material that fails to ingest is reported,
    not hidden: its questions then count as misses.
    """
    course = create_course(slug=spec.slug, title=spec.title)
    objectives = {
        code: create_objective(course=course, code=code, title=title) for code, title in spec.objectives.items()
    }
    teacher = create_user(username=f"{spec.slug}-teacher")
    student = create_user(username=f"{spec.slug}-student")
    enroll(user=teacher, course=course, role=Enrollment.Role.TEACHER)
    enroll(user=student, course=course, role=Enrollment.Role.STUDENT)
    started = time.perf_counter()
    failures = {}
    for material in spec.materials:
        job = ingest_upload(
            course=course,
            filename=material.filename,
            content=material.content,
            uploaded_by=teacher,
            title=material.title,
            objectives=[objectives[code] for code in material.objectives],
            enqueue=False,
        )
        job = run_ingestion(job_id=job.id)
        if job.state != IngestionJob.State.INDEXED:
            failures[material.filename] = job.error_reason
    stats = {
        "materials": len(spec.materials),
        "chunks": course.chunks.count(),
        "diagram_chunks": course.chunks.filter(modality="diagram").count(),
        "failed": failures,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return course, student, stats


def evaluate_course(spec: EvalCourse, report: EvaluationReport) -> None:
    course, student, report.ingestion[spec.slug] = build_course(spec)
    filenames = dict(course.materials.values_list("id", "original_filename"))
    for query in spec.queries:
        response = search(user=student, course=course, query=query.question, k=NDCG_K)
        retrieved = [filenames[hit.material_id] for hit in response.hits]
        report.results.append(
            QueryResult(
                course=spec.slug,
                type=query.type,
                question=query.question,
                relevant=list(query.relevant),
                retrieved=retrieved,
                recall_at_5=recall_at_k(retrieved, query.relevant, RECALL_K),
                ndcg_at_10=ndcg_at_k(retrieved, query.relevant, NDCG_K),
            )
        )


def evaluate(courses: list[EvalCourse]) -> EvaluationReport:
    """Score every labeled course in the current database (use ``scratch_database`` around it)."""
    report = EvaluationReport()
    for spec in courses:
        evaluate_course(spec, report)
    return report
