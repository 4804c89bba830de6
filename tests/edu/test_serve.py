"""`manage.py serve` (what `make run` ends with) starts a working portal and a worker."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from edu.management.commands import serve
from edu.tasks import ping
from tests.conftest import REPO_ROOT, test_database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_starts_the_portal_and_a_worker_and_stops_them(tmp_path, celery_test_broker, stop_signal):
    """Ctrl-C (SIGINT to the terminal's foreground group) or SIGTERM stops everything serve started: each
    process is checked by its pid and start time, not only the pid files or the groups."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_BROKER_URL": celery_test_broker,
           "GLOSSA_VAR_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own foreground group, as in a terminal
    )
    started: set[tuple[int, str]] = set()
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the portal did not answer within 180 s"
                time.sleep(0.5)
        assert (status, body) == (200, '{"status": "ok"}')
        status, login_page = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200 and "Sign in" in login_page
        # DEBUG is off (as in every environment unless DJANGO_DEBUG=1): whitenoise serves the static files.
        assert "/static/glossa/glossa.css" in login_page
        assert _get(f"http://127.0.0.1:{port}/static/glossa/glossa.css")[0] == 200
        # The worker that serve started answers tasks (no other worker runs in this test).
        assert ping.delay("from serve").get(timeout=60)["echo"] == "from serve"
        groups = {int(pid_file.read_text()) for pid_file in (tmp_path / "run").glob("*.pid")}
        assert len(groups) == 2 and all(group_alive(group) for group in groups)
        started = descendants(server.pid)
        # gunicorn's master and 2 workers, celery's main process and its pool
        assert len(started) >= 4, started
    finally:
        if stop_signal == signal.SIGINT:
            os.killpg(server.pid, signal.SIGINT)
        else:
            server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert f"http://127.0.0.1:{port}/" in output
    assert "glossa-student-demo" in output  # the demo logins are printed
    assert not list((tmp_path / "run").glob("*.pid"))
    assert not [group for group in groups if group_alive(group)], "a process group that serve started survived"
    assert [pid for pid, since in started if still_running(pid, since)] == [], "a process serve started survived"


def descendants(root: int) -> set[tuple[int, str]]:
    """(pid, start time) of every live process below ``root``: a pid alone could be reused later."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    found, pending = set(), [root]
    while pending:
        parent = pending.pop()
        for pid, its_parent in parents.items():
            if its_parent == parent and (fields := _stat(pid)):
                found.add((pid, fields[19]))
                pending.append(pid)
    return found


def still_running(pid: int, since: str) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[19] == since and fields[0] not in {"Z", "X"}


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_stop_kills_what_ignores_sigterm(tmp_path):
    """A worker stuck in a task (here: one that ignores SIGTERM) is killed after the grace time."""
    stubborn = subprocess.Popen(
        [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
         "print('ready', flush=True); time.sleep(600)"],
        start_new_session=True, stdout=subprocess.PIPE, text=True,
    )
    assert stubborn.stdout.readline() == "ready\n"
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "worker.pid").write_text(str(stubborn.pid))
    (tmp_path / "run" / "web.pid").write_text("999999999")  # a stale pid file names no process
    command = serve.Command(stdout=io.StringIO(), stderr=io.StringIO())
    command.stop_grace_seconds = 1.0
    started = time.monotonic()
    command._stop_all(tmp_path / "run", children=[stubborn])
    assert stubborn.wait(timeout=5) == -signal.SIGKILL
    assert time.monotonic() - started < 10
    assert not group_alive(stubborn.pid)
    assert not list((tmp_path / "run").glob("*.pid"))
