"""Real worker processes: a job survives SIGKILL of its worker and finishes once, with nothing lost."""

from __future__ import annotations

import io
import os
import signal
import socket
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from rag.api import Chunk, IngestionJob, ingest_upload
from tests.factories import CourseFactory
from tests.rag.ingestion import files

pytestmark = [pytest.mark.worker, pytest.mark.slow]

# Worker-only settings: beat every second (silent after 3 s) and pause 4 s in the embedding stage,
# so the test can kill the worker while the job is surely mid-way.
SLOW_WORKER = {"GLOSSA_INGEST_HEARTBEAT_SECONDS": "1", "GLOSSA_INGEST_TEST_STAGE_DELAY": "4"}
LESSON = (files.LESSON_MD + "\n## More\n\n" + "Leaves are green because of chlorophyll. " * 120).encode()


def wait_for(job: IngestionJob, condition, *, timeout: float = 150.0) -> IngestionJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job stuck in {job.state} (attempts {job.attempts}): {job.error_reason}")


def running_child_pid(job: IngestionJob) -> int:
    """The pool process running the job, once it is in the embedding stage."""
    job = wait_for(job, lambda j: j.state == IngestionJob.State.EMBEDDING and j.worker)
    return int(job.worker.rpartition(":")[2])


def assert_complete_without_duplicates(job: IngestionJob, tmp_path: Path) -> None:
    job = wait_for(job, lambda j: j.is_finished)
    assert job.state == IngestionJob.State.INDEXED, job.error_reason
    assert job.attempts >= 2
    ordinals = list(Chunk.objects.filter(material=job.material).values_list("ordinal", flat=True))
    assert len(ordinals) == len(set(ordinals)) == job.stats["chunks"]
    assert ordinals == list(range(len(ordinals)))
    # A clean run of the same bytes in another course, through `ingest --wait`, gives the same chunks.
    course = CourseFactory()
    path = tmp_path / "copy.md"
    path.write_bytes(LESSON)
    out = io.StringIO()
    call_command("ingest", "--course", course.slug, "--wait", "--timeout", "150", str(path), stdout=out)
    assert f"copy.md: indexed ({job.stats['chunks']} chunks" in out.getvalue()
    clean = IngestionJob.objects.get(material__course=course)
    assert (clean.state, clean.attempts) == (IngestionJob.State.INDEXED, 1)
    assert list(Chunk.objects.filter(material=clean.material).values_list("text", flat=True)) == list(
        Chunk.objects.filter(material=job.material).values_list("text", flat=True)
    )


def test_a_pool_of_two_processes_shares_the_jobs_and_the_cores(celery_worker_factory):
    celery_worker_factory(concurrency=2)
    course = CourseFactory()
    jobs = [
        ingest_upload(course=course, filename=f"lesson-{n}.md", content=LESSON + f"\n\nPart {n}.".encode())
        for n in range(4)
    ]

    jobs = [wait_for(job, lambda j: j.is_finished) for job in jobs]

    assert [job.state for job in jobs] == [IngestionJob.State.INDEXED] * 4
    assert len({job.worker for job in jobs}) == 2, "both pool processes took jobs"
    assert {job.stats["embedding_threads"] for job in jobs} == {max(1, (os.cpu_count() or 1) // 2)}


def test_killing_the_pool_process_mid_job_hands_the_job_back_and_it_completes(celery_worker_factory, tmp_path):
    worker = celery_worker_factory(env=SLOW_WORKER)
    job = ingest_upload(course=CourseFactory(), filename="lesson.md", content=LESSON)
    os.kill(running_child_pid(job), signal.SIGKILL)
    assert_complete_without_duplicates(job, tmp_path)
    assert worker.process.poll() is None, "the main worker process survived and re-ran the job"


def test_a_job_whose_whole_worker_was_killed_is_recovered_by_the_next_worker(celery_worker_factory, tmp_path):
    first = celery_worker_factory(env=SLOW_WORKER)
    job = ingest_upload(course=CourseFactory(), filename="lesson.md", content=LESSON)
    child = running_child_pid(job)
    first.process.kill()  # the main process first, so nobody hands the message back
    os.kill(child, signal.SIGKILL)
    first.process.wait(timeout=10)

    celery_worker_factory(env=SLOW_WORKER)
    assert_complete_without_duplicates(job, tmp_path)


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_on_redis_a_job_whose_whole_worker_was_killed_is_recovered_by_the_next_worker(
    celery_worker_factory, point_celery_at, tmp_path
):
    import redis

    broker = "redis://127.0.0.1:6379/14"
    point_celery_at(broker)
    try:
        first = celery_worker_factory(broker_url=broker, env=SLOW_WORKER)
        job = ingest_upload(course=CourseFactory(), filename="lesson.md", content=LESSON)
        child = running_child_pid(job)
        first.process.kill()
        os.kill(child, signal.SIGKILL)
        first.process.wait(timeout=10)

        celery_worker_factory(broker_url=broker, env=SLOW_WORKER)
        assert_complete_without_duplicates(job, tmp_path)
    finally:
        # The killed worker's unacknowledged message would come back after the visibility timeout.
        redis.Redis.from_url(broker).flushdb()
