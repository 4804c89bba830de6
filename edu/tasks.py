"""Small operational tasks of the learning domain."""

from celery import shared_task
from django.db import connection

from edu import services


@shared_task(name="edu.ping")
def ping(payload: str) -> dict:
    """Round-trip check used by health checks and tests: proves the worker reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    return {"echo": payload, "pgvector": row[0] if row else None}


@shared_task(name="edu.fit_bkt_parameters")
def fit_bkt_parameters(objective_id: int | None = None) -> list[dict]:
    """Refit BKT parameters: one objective (queued every bkt_fit.REFIT_EVERY answers), or all (nightly)."""
    return [
        {"objective_id": r.objective_id, "answers": r.answers, "learners": r.learners, "fitted": r.fit is not None}
        for r in services.refit_objectives(objective_id=objective_id)
    ]
