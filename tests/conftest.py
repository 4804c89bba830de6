"""Test-suite wiring: the real embedded PostgreSQL+pgvector, and real Celery worker processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from edu.db_urls import database_broker_url, database_url

REPO_ROOT = Path(__file__).resolve().parent.parent
# A fixed pseudonym key for tests (never used outside them), so no test writes var/pseudonym.key.
TEST_PSEUDONYM_KEY = "FM2nhQGSUaeJth8iqIH8C2zJhl5jpFLRKvrc_Y85EgQ="


def pytest_configure(config: pytest.Config) -> None:
    """Start the embedded server when no DATABASE_URL points elsewhere, so `pytest` alone works.

    GLOSSA_TEST_DB_NAME lets several test runs share one server without sharing a database.
    """
    # In-process tests share one process, so a local-memory cache behaves like the shared one and
    # lets tests without database access clear rate-limit counters.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    os.environ.setdefault("GLOSSA_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)  # inherited by worker processes
    settings.GLOSSA["PSEUDONYM_KEY"] = settings.GLOSSA["PSEUDONYM_KEY"] or os.environ["GLOSSA_PSEUDONYM_KEY"]
    if os.environ.get("GLOSSA_TEST_DB_NAME"):
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["GLOSSA_TEST_DB_NAME"]
    if settings.USES_EMBEDDED_DB:
        from edu.embedded_db import EmbeddedDatabase

        EmbeddedDatabase.from_settings().start()


@pytest.fixture(autouse=True)
def _media_root(tmp_path_factory: pytest.TempPathFactory, settings) -> None:
    """Uploaded files of a test land in a temporary folder, never in var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


def test_database_url() -> str:
    """The URL of the test database pytest-django created, for processes started by tests."""
    return database_url(settings.DATABASES["default"])


test_database_url.__test__ = False  # a helper, not a test


def _point_celery_at(broker_url: str) -> None:
    """Send this process's tasks through ``broker_url``: drop pooled connections and engines."""
    from kombu import pools
    from kombu.transport.sqlalchemy import Channel

    from edu.celery import app

    if app._pool is not None:
        app._pool.force_close_all()
    app._after_fork()  # Celery's own way of forgetting its connection and producer pools
    pools.reset()  # kombu's process-wide producer pools, keyed by broker URL
    for engine, _session in Channel._engines.values():
        engine.dispose()
    Channel._engines.clear()
    app.conf.broker_url = broker_url


class WorkerProcess:
    """A real `celery worker` process on the test database (and the given broker)."""

    def __init__(self, process: subprocess.Popen, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Kill the worker and its pool at once: the test is over, and a warm shutdown takes about 8 s (how
        workers stop gracefully is tested through `manage.py serve`, and how a killed one's job comes back by
        the SIGKILL tests). What it left on the broker is in the test database or a Redis database the test
        empties."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def celery_test_broker(transactional_db) -> Iterator[str]:
    """Send this test's tasks through the broker that workers started by tests listen on.

    That is the embedded default (SQLAlchemy transport on the test database) unless
    CELERY_BROKER_URL names another broker.
    """
    broker_url = os.environ.get("CELERY_BROKER_URL") or database_broker_url(settings.DATABASES["default"])
    _point_celery_at(broker_url)
    try:
        yield broker_url
    finally:
        _point_celery_at(settings.CELERY_BROKER_URL)


@pytest.fixture
def celery_worker_factory(celery_test_broker: str, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real worker processes on the test database; each is stopped at the end of the test.

    ``broker_url`` defaults to the test broker. Pass ``env`` for worker-only settings.
    """
    started: list[WorkerProcess] = []
    database_url = test_database_url()

    def start(*, broker_url: str | None = None, env: dict[str, str] | None = None,
              queues: str = "default,ingest", concurrency: int = 1) -> WorkerProcess:
        worker_env = {**os.environ, "DATABASE_URL": database_url, "GLOSSA_ENV": "test",
                      "GLOSSA_MEDIA_ROOT": str(settings.MEDIA_ROOT), **(env or {})}
        worker_env["CELERY_BROKER_URL"] = broker_url or celery_test_broker
        log_path = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "edu", "worker", "-Q", queues, "-c", str(concurrency),
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
             "-n", f"test{len(started)}-{os.getpid()}@%h"],
            cwd=REPO_ROOT, env=worker_env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so stop() reaches the pool processes too
        )
        worker = WorkerProcess(process, log_path)
        started.append(worker)
        deadline = time.monotonic() + 90
        while "ready." not in worker.log():
            if process.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{worker.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not become ready:\n{worker.log()[-3000:]}")
            time.sleep(0.2)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
            # Captured output: pytest shows it only for a failed test, which is when it is needed.
            print(f"--- {worker.log_path.name} (last 6000 characters) ---\n{worker.log()[-6000:]}")


@pytest.fixture
def point_celery_at() -> Callable[[str], None]:
    """Let a test send tasks through another broker (Redis) for the rest of the test."""
    return _point_celery_at
