"""Celery tasks of the ingestion pipeline: thin wrappers over ``rag.services``.

``ingest_material`` is acknowledged only when it ends (``acks_late``) and handed back to the broker
if its worker process dies (``reject_on_worker_lost``). A worker that dies whole takes unacknowledged
messages with it on the database broker, so every worker, once ready, sweeps for jobs left running
by a dead worker and queues them again.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task, signals
from django.conf import settings

from rag import services
from rag.models import IngestionJob

logger = logging.getLogger(__name__)


class IngestTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        """Retries exhausted (or an error outside the service): the job must not look queued forever."""
        if args:
            services.fail_job(job_id=args[0])


@shared_task(
    bind=True,
    base=IngestTask,
    name="rag.tasks.ingest_material",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.GLOSSA["INGEST_SOFT_TIME_LIMIT"],
    time_limit=settings.GLOSSA["INGEST_TIME_LIMIT"],
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def ingest_material(self, job_id: int) -> dict:
    try:
        job = services.run_ingestion(job_id=job_id)
    except IngestionJob.DoesNotExist:
        logger.info("ingestion job %s no longer exists (its material was deleted)", job_id)
        return {"job": job_id, "state": "deleted"}
    except services.JobHeldElsewhere:
        # A duplicate delivery: drop it, and look again once the holder would have gone silent if it died.
        recover_stalled_ingestions.apply_async(countdown=_silence_seconds())
        return {"job": job_id, "state": "held elsewhere"}
    return {"job": job.pk, "state": job.state, "attempts": job.attempts}


@shared_task(name="rag.tasks.recover_stalled_ingestions")
def recover_stalled_ingestions() -> list[int]:
    return services.recover_stalled_jobs()


@signals.worker_ready.connect
def sweep_when_ready(**_kwargs) -> None:
    """Jobs a dead worker held go silent within three heartbeats; look once that long after starting."""
    recover_stalled_ingestions.apply_async(countdown=_silence_seconds())


def _silence_seconds() -> int:
    return 3 * settings.GLOSSA["INGEST_HEARTBEAT_SECONDS"] + 1


@shared_task(
    name="rag.tasks.reindex_figure",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=5,
)
def reindex_figure(diagram_id: int) -> dict:
    """Re-embed a figure's chunk after a teacher described it; safe to run twice."""
    chunk = services.reindex_figure(diagram_id=diagram_id)
    return {"diagram": diagram_id, "chunk": chunk.pk if chunk else None}
