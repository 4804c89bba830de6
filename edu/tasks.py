"""Small operational tasks of the learning domain."""

from celery import shared_task
from django.db import connection


@shared_task(name="edu.ping")
def ping(payload: str) -> dict:
    """Round-trip check used by health checks and tests: proves the worker reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    return {"echo": payload, "pgvector": row[0] if row else None}
