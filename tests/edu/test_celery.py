"""Tasks round-trip through real worker processes, on the embedded broker and on Redis; pool
processes share the cores and open their own broker connections."""

from __future__ import annotations

import os
import socket

import pytest
from kombu import Connection
from sqlalchemy import text

from edu.celery import forget_the_parents_broker_connections, torch_threads_per_process
from edu.tasks import ping


def test_pool_processes_share_the_cores_for_torch_unless_told_otherwise(settings, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert torch_threads_per_process(1) == 8
    assert torch_threads_per_process(2) == 4
    assert torch_threads_per_process(3) == 2
    assert torch_threads_per_process(16) == 1  # never zero
    settings.GLOSSA = {**settings.GLOSSA, "WORKER_TORCH_THREADS": 3}
    assert torch_threads_per_process(2) == 3


def _broker_backend_pid(broker_url: str) -> int:
    """The PostgreSQL backend a kombu channel on the database broker talks to; its connection goes back to the pool."""
    with Connection(broker_url) as connection:
        session = connection.default_channel.session
        try:
            return session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        finally:
            session.commit()


def test_a_pool_process_talks_to_the_database_broker_over_its_own_connection(celery_test_broker):
    parent_backend = _broker_backend_pid(celery_test_broker)  # the connection now idles in the engine's pool
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the pool process, as billiard forks it
        code = 1
        try:
            os.close(read)
            forget_the_parents_broker_connections()
            os.write(write, str(_broker_backend_pid(celery_test_broker)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        child_backend = pipe.read()
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert int(child_backend) != parent_backend, "the pool process wrote on its parent's broker connection"
    assert _broker_backend_pid(celery_test_broker) == parent_backend, "the parent's connection was left intact"


@pytest.mark.worker
def test_task_round_trips_through_a_worker_on_the_default_database_broker(celery_worker_factory):
    celery_worker_factory()
    result = ping.delay("hello").get(timeout=60)
    assert result == {"echo": "hello", "pgvector": result["pgvector"]}
    assert result["pgvector"] >= "0.8"


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.worker
@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_task_round_trips_through_a_worker_on_redis(celery_worker_factory, point_celery_at):
    import redis

    broker = "redis://127.0.0.1:6379/15"
    try:
        celery_worker_factory(broker_url=broker)
        point_celery_at(broker)
        assert ping.delay("over redis").get(timeout=60)["echo"] == "over redis"
    finally:
        # The worker is killed after the test: its scheduled sweep would come back in a later run.
        redis.Redis.from_url(broker).flushdb()
