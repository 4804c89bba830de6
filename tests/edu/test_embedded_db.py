"""The embedded PostgreSQL: pgvector is there, start is idempotent, a crash is recovered."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from edu.embedded_db import EmbeddedDatabase

pytestmark = pytest.mark.skipif(not settings.USES_EMBEDDED_DB, reason="DATABASE_URL points at another server")


@pytest.mark.django_db
def test_database_is_postgres_18_with_pgvector():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0].startswith("18.")
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert cursor.fetchone()[0] >= "0.8"


def test_second_start_of_the_shared_server_is_a_no_op():
    assert "already running" in EmbeddedDatabase.from_settings().start()


@pytest.fixture
def private_server(tmp_path_factory: pytest.TempPathFactory):
    """A second embedded server in its own folder and port, so crashing it harms nothing."""
    root = Path(settings.VAR_DIR) / "test-servers" / f"pg-{os.getpid()}"
    server = EmbeddedDatabase(root=root, host="127.0.0.1", port=settings.EMBEDDED_PG_PORT + 7,
                              user="glossa", database="scratch")
    yield server
    server.stop()
    import shutil

    shutil.rmtree(root, ignore_errors=True)


def test_lifecycle_start_status_stop_and_crash_recovery(private_server: EmbeddedDatabase):
    assert private_server.status() == "not initialised"
    assert private_server.start().startswith("started")
    assert private_server.status().startswith("running")
    with psycopg.connect(f"host=127.0.0.1 port={private_server.port} user=glossa dbname=scratch") as conn:
        conn.execute("CREATE TABLE note (body text)")
        conn.execute("INSERT INTO note VALUES ('kept')")

    # Simulate a crash: kill the postmaster hard, leaving postmaster.pid behind.
    pid = int((private_server.data_dir / "postmaster.pid").read_text().splitlines()[0])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while private_server.is_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (private_server.data_dir / "postmaster.pid").exists()

    assert private_server.start().startswith("started")
    with psycopg.connect(f"host=127.0.0.1 port={private_server.port} user=glossa dbname=scratch") as conn:
        assert conn.execute("SELECT body FROM note").fetchone() == ("kept",)
    assert private_server.stop() == "stopped"
    assert private_server.status() == "stopped"
