"""The embedded PostgreSQL: pgvector is there, start is idempotent, a crash is recovered."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from edu.embedded_db import EmbeddedDatabase, EmbeddedDatabaseError

# The tests of the shared server need it to be the embedded one; the others start their own.
shared_server = pytest.mark.skipif(not settings.USES_EMBEDDED_DB, reason="DATABASE_URL points at another server")


@shared_server
@pytest.mark.django_db
def test_database_is_postgres_18_with_pgvector():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0].startswith("18.")
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert cursor.fetchone()[0] >= "0.8"


@shared_server
def test_second_start_of_the_shared_server_is_a_no_op():
    assert "already running" in EmbeddedDatabase.from_settings().start()


@pytest.fixture
def private_server(tmp_path_factory: pytest.TempPathFactory):
    """A second embedded server in its own folder and on a free port, so crashing or killing it harms
    nothing (never the shared server a developer or another test run uses)."""
    root = Path(settings.VAR_DIR) / "test-servers" / f"pg-{os.getpid()}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert port != settings.EMBEDDED_PG_PORT
    server = EmbeddedDatabase(root=root, host="127.0.0.1", port=port, user="glossa", database="scratch")
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


def test_starting_on_another_port_while_the_server_runs_names_the_port_it_runs_on(private_server: EmbeddedDatabase):
    """As after `.ci/run` moved a clone's server to a free port and `make run` then asks for the default one."""
    private_server.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        other_port = probe.getsockname()[1]
    same_data_other_port = dataclasses.replace(private_server, port=other_port)

    with pytest.raises(EmbeddedDatabaseError, match=f"already running on port {private_server.port}"):
        same_data_other_port.start()
    assert same_data_other_port.stop() == "stopped"  # pg_ctl stops it by its data directory, whatever the port
    assert same_data_other_port.start().startswith("started")


def test_stop_kills_a_server_that_does_not_shut_down(private_server: EmbeddedDatabase):
    """A hung server (here: its postmaster stopped with SIGSTOP, so it handles no shutdown request) is
    given the fast, then the immediate shutdown, then killed with every process of it; its data survives."""
    private_server.start()
    with psycopg.connect(f"host=127.0.0.1 port={private_server.port} user=glossa dbname=scratch") as conn:
        conn.execute("CREATE TABLE note (body text)")
        conn.execute("INSERT INTO note VALUES ('kept')")
    processes = private_server.server_processes()
    assert len(processes) > 1  # the postmaster and its background processes
    os.kill(processes[0], signal.SIGSTOP)

    started = time.monotonic()
    message = private_server.stop(grace=2, immediate_grace=2)

    assert message.startswith("killed") and time.monotonic() - started < 20
    assert [pid for pid in processes if alive(pid)] == [], "a process of the server survived stop"
    assert private_server.status() == "stopped"
    assert private_server.start().startswith("started")  # the stale postmaster.pid is recovered
    with psycopg.connect(f"host=127.0.0.1 port={private_server.port} user=glossa dbname=scratch") as conn:
        assert conn.execute("SELECT body FROM note").fetchone() == ("kept",)
    assert private_server.stop() == "stopped"
    assert [pid for pid in private_server.server_processes()] == []


def alive(pid: int) -> bool:
    """A process that has not exited (a zombie waiting for its parent has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}
