"""The ingestion service end to end (in process): extraction, redaction, chunks, embeddings, re-runs."""

from __future__ import annotations

import socket
import subprocess
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from edu.api import Material
from rag.api import (
    Chunk,
    DiagramGraph,
    IngestionJob,
    ingest_upload,
    material_detail,
    reembed,
    rerun_ingestion,
    run_ingestion,
)
from rag.embeddings import get_embedder
from rag.services import JobHeldElsewhere, recover_stalled_jobs
from tests.factories import CourseFactory, MaterialFactory, student_in
from tests.rag.ingestion import files

pytestmark = pytest.mark.django_db


def ingest(course, filename: str, content: bytes, **kwargs) -> IngestionJob:
    job = ingest_upload(course=course, filename=filename, content=content, enqueue=False, **kwargs)
    return run_ingestion(job_id=job.pk)


@pytest.mark.slow
def test_a_material_named_by_its_file_takes_the_documents_own_title_but_a_given_title_stays():
    course = CourseFactory()
    named_by_file = ingest(course, "week3-notes.md", files.LESSON_MD.encode())
    assert Material.objects.get(pk=named_by_file.material_id).title == "Photosynthesis"
    given = ingest(course, "week3_notes.md", f"{files.LESSON_MD}\nAgain.".encode(), title="Plants: week 3")
    assert Material.objects.get(pk=given.material_id).title == "Plants: week 3"


@pytest.mark.slow
def test_a_markdown_lesson_is_indexed_with_headings_offsets_embeddings_and_a_job_record():
    course = CourseFactory()
    job = ingest(course, "photosynthesis.md", files.LESSON_MD.encode(), title="Photosynthesis")

    assert (job.state, job.progress, job.attempts, job.error_reason) == ("indexed", 100, 1, "")
    assert set(job.timings) == {"extract", "redact", "chunk", "embed", "write"}
    assert job.model_versions["embedding"] == get_embedder().model_name
    assert job.model_versions["ner"].startswith("en_core_web_sm")
    material = Material.objects.get(pk=job.material_id)
    assert material.status == Material.Status.READY and material.reading_level is not None
    chunks = list(Chunk.objects.filter(material=material).order_by("ordinal"))
    assert job.stats["chunks"] == len(chunks) == 3
    assert [chunk.heading for chunk in chunks] == [
        "Photosynthesis",
        "Photosynthesis > Where it happens",
        "Photosynthesis > What it makes",
    ]
    for chunk in chunks:
        assert material.extracted_text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.course_id == course.pk and chunk.embedding_model == get_embedder().model_name
        assert chunk.token_count > 0 and chunk.reading_level is not None
        assert np.isclose(np.linalg.norm(chunk.embedding), 1.0, atol=1e-3) and len(chunk.embedding) == 384


@pytest.mark.slow
def test_identical_bytes_in_a_course_return_the_existing_material_and_its_job():
    course = CourseFactory()
    first = ingest(course, "lesson.md", files.LESSON_MD.encode())
    again = ingest_upload(course=course, filename="copy-of-lesson.md", content=files.LESSON_MD.encode(), enqueue=False)
    assert again.pk == first.pk
    assert Material.objects.filter(course=course).count() == 1
    other_course = ingest_upload(course=CourseFactory(), filename="lesson.md", content=files.LESSON_MD.encode(),
                                 enqueue=False)  # fmt: skip
    assert other_course.material_id != first.material_id


@pytest.mark.slow
def test_re_running_replaces_the_chunks_and_diagrams_without_duplicates():
    course = CourseFactory()
    first = ingest(course, "cycle.svg", files.svg_diagram())
    material = first.material
    before = list(Chunk.objects.filter(material=material).values_list("pk", "ordinal", "text"))
    assert DiagramGraph.objects.filter(material=material).count() == 1

    pending = rerun_ingestion(material=material, enqueue=False)
    assert rerun_ingestion(material=material, enqueue=False).pk == pending.pk, "a second click re-uses the job"
    second = run_ingestion(job_id=pending.pk)

    after = list(Chunk.objects.filter(material=material).values_list("pk", "ordinal", "text"))
    assert second.state == "indexed" and second.pk != first.pk
    assert [(o, t) for _, o, t in after] == [(o, t) for _, o, t in before]
    assert not {pk for pk, _, _ in before} & {pk for pk, _, _ in after}, "old rows were replaced"
    assert DiagramGraph.objects.filter(material=material).count() == 1
    assert run_ingestion(job_id=second.pk).attempts == 1, "a finished job is not run again"


@pytest.mark.slow
def test_personal_data_is_redacted_before_anything_is_indexed_or_embedded():
    course = CourseFactory()
    student_in(course, first_name="Amelia", last_name="Okonkwo")
    lesson = (
        "# Volcanoes\n\nAmelia Okonkwo asked why magma rises. Write to amelia.okonkwo@example.org "
        "or call 555-201-7733 with more questions. Magma rises because it is less dense than rock.\n"
    )
    job = ingest(course, "volcanoes.md", lesson.encode())
    svg = files.svg_diagram().replace(b"Butterfly", b"amelia.okonkwo@example.org")
    diagram_job = ingest(course, "cycle.svg", svg)

    stored = [*Chunk.objects.filter(course=course).values_list("text", flat=True)]
    stored += [m.extracted_text for m in Material.objects.filter(course=course)]
    stored += [str((graph.title, graph.nodes, graph.edges, graph.description))
               for graph in DiagramGraph.objects.filter(material__course=course)]  # fmt: skip
    for text in stored:
        assert "Okonkwo" not in text and "amelia.okonkwo" not in text and "201-7733" not in text
    assert "magma rises" in material_detail(material=job.material).extracted_text.lower()
    assert sum(job.stats["redactions"].values()) >= 3, "name, email and phone number were counted"
    assert sum(diagram_job.stats["redactions"].values()) == 1
    assert "Caterpillar" in DiagramGraph.objects.get(material=diagram_job.material).description


@pytest.mark.slow
def test_material_detail_shows_the_indexed_text_chunks_diagrams_and_redaction_counts():
    course = CourseFactory()
    job = ingest(course, "cycle.svg", files.svg_diagram())
    detail = material_detail(material=job.material)
    assert detail.job.pk == job.pk
    assert [chunk.modality for chunk in detail.chunks] == ["diagram"]
    assert detail.chunks[0].diagram_id == detail.diagrams[0].pk
    assert detail.chunks[0].region == [0, 0, 600, 200]
    assert "Caterpillar leads to Butterfly" in detail.chunks[0].text
    assert detail.redactions == {} and detail.redaction_total == 0


@pytest.mark.slow
def test_reembed_refreshes_chunks_made_by_another_model():
    course = CourseFactory()
    ingest(course, "lesson.md", files.LESSON_MD.encode())
    chunk = Chunk.objects.filter(course=course).first()
    original = np.array(chunk.embedding)
    Chunk.objects.filter(pk=chunk.pk).update(embedding_model="old-model", embedding=[0.0] * 383 + [1.0])

    assert reembed(course=course) == 1
    chunk.refresh_from_db()
    assert chunk.embedding_model == get_embedder().model_name
    assert np.allclose(np.array(chunk.embedding), original, atol=1e-4)
    assert reembed(course=course) == 0
    assert reembed(course=course, force=True) == Chunk.objects.filter(course=course).count()


def running_job(*, worker: str, heartbeat_age: float) -> IngestionJob:
    """A job a worker claimed (state embedding) and last reported on ``heartbeat_age`` seconds ago."""
    material = MaterialFactory(content="caf\xe9".encode("latin-1"))  # fails fast once really run
    return IngestionJob.objects.create(
        material=material, state=IngestionJob.State.EMBEDDING, attempts=1, worker=worker,
        heartbeat_at=timezone.now() - timedelta(seconds=heartbeat_age),
    )  # fmt: skip


def test_a_duplicate_delivery_leaves_a_job_a_live_worker_holds_alone():
    job = running_job(worker="other-host:4242", heartbeat_age=1)
    with pytest.raises(JobHeldElsewhere):
        run_ingestion(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (IngestionJob.State.EMBEDDING, 1)


def test_a_job_whose_process_on_this_host_is_gone_is_taken_over_at_once():
    finished = subprocess.Popen(["true"])
    finished.wait()
    job = run_ingestion(job_id=running_job(worker=f"{socket.gethostname()}:{finished.pid}", heartbeat_age=1).pk)
    assert job.attempts == 2
    assert job.state == IngestionJob.State.FAILED and "not UTF-8" in job.error_reason


def test_the_sweep_requeues_jobs_whose_worker_went_silent_and_only_those(django_capture_on_commit_callbacks):
    silent = running_job(worker="gone-host:1", heartbeat_age=3600)
    alive = running_job(worker="busy-host:2", heartbeat_age=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert recover_stalled_jobs() == [silent.pk]
    assert len(callbacks) == 1
    silent.refresh_from_db()
    alive.refresh_from_db()
    assert (silent.state, silent.worker, silent.attempts) == (IngestionJob.State.QUEUED, "", 1)
    assert alive.state == IngestionJob.State.EMBEDDING
    assert run_ingestion(job_id=silent.pk).attempts == 2, "the re-queued job runs as its next attempt"


def test_a_job_interrupted_too_often_fails_instead_of_looping(settings):
    settings.GLOSSA = {**settings.GLOSSA, "INGEST_MAX_ATTEMPTS": 3}
    job = running_job(worker="gone-host:1", heartbeat_age=3600)
    IngestionJob.objects.filter(pk=job.pk).update(attempts=3)
    job = run_ingestion(job_id=job.pk)
    assert job.state == IngestionJob.State.FAILED and "interrupted 3 times" in job.error_reason
