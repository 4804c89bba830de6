"""Run the portal and a Celery worker together, for `make run`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from edu.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Start the web server and a Celery worker in the foreground (Ctrl-C stops both); --stop stops them."
    # SIGTERM asks the worker to finish its task (a warm shutdown) and gunicorn to finish its requests;
    # whatever is still running after this long is killed, so nothing outlives `make stop` or Ctrl-C.
    stop_grace_seconds = 20.0

    def add_arguments(self, parser):
        parser.add_argument("--stop", action="store_true", help="Stop a server started by this command.")
        parser.add_argument("--bind", default=settings.WEB_BIND)

    def handle(self, *args, stop: bool, bind: str, **options):
        run_dir = Path(settings.VAR_DIR) / "run"
        log_dir = Path(settings.VAR_DIR) / "log"
        run_dir.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        if stop:
            self._stop_all(run_dir)
            return
        self._stop_all(run_dir)  # a previous run that crashed leaves pid files behind
        bin_dir = Path(sys.executable).parent
        commands = {
            "worker": [str(bin_dir / "celery"), "-A", "edu", "worker", "-Q", settings.CELERY_WORKER_QUEUES,
                       "-c", str(settings.CELERY_WORKER_CONCURRENCY), "--loglevel", "INFO", "-n", "glossa@%h"],
            "web": [str(bin_dir / "gunicorn"), "edu.wsgi", "--bind", bind, "--worker-class", "gthread",
                    "--workers", "2", "--threads", "8", "--timeout", "300", "--config", "python:edu.gunicorn_config"],
        }
        # SIGTERM (a supervisor, `kill`) and SIGHUP (the terminal closed) stop everything like Ctrl-C does:
        # left to Python's default, they would end this process and leave the worker and web server running.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupt)
        processes: dict[str, subprocess.Popen] = {}
        try:
            for name, argv in commands.items():
                processes[name] = subprocess.Popen(
                    argv, stdout=(log_dir / f"{name}.log").open("ab"), stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                (run_dir / f"{name}.pid").write_text(str(processes[name].pid))
            self.stdout.write(self.style.SUCCESS(f"Glossa is running at http://{bind}/"))
            self.stdout.write("Demo logins (username / password):")
            for username, password, role in DEMO_LOGINS:
                self.stdout.write(f"  {username:10} {password:18} {role}")
            self.stdout.write(
                f"Admin console: http://{bind}/admin/   Logs: {log_dir}/   Stop: Ctrl-C or `make stop`"
            )
            while all(process.poll() is None for process in processes.values()):
                time.sleep(1)
            failed = [name for name, process in processes.items() if process.poll() is not None]
            self.stderr.write(f"{', '.join(failed)} exited; see {log_dir}/")
        except KeyboardInterrupt:
            pass
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
            self._stop_all(run_dir, children=list(processes.values()))

    def _stop_all(self, run_dir: Path, *, children: list[subprocess.Popen] = ()) -> None:
        """SIGTERM to each process group in ``run_dir``, then SIGKILL to any still alive after the grace time.

        ``children``: the processes this command started itself, reaped while waiting (a zombie would
        otherwise look alive until the grace time runs out)."""
        # A child started a moment before a signal may have no pid file yet: its group is known all the same.
        names: dict[int, str] = {child.pid: f"process {child.pid}" for child in children}
        for pid_file in run_dir.glob("*.pid"):
            try:
                names[int(pid_file.read_text())] = pid_file.stem
            except ValueError:
                pid_file.unlink(missing_ok=True)
        running = {group: name for group, name in names.items() if _signal_group(group, signal.SIGTERM)}
        deadline = time.monotonic() + self.stop_grace_seconds
        while running and time.monotonic() < deadline:
            time.sleep(0.2)
            running = {group: name for group, name in running.items() if _group_alive(group, children)}
        for group, name in running.items():
            _signal_group(group, signal.SIGKILL)
            self.stderr.write(f"killed {name}: it was still running {self.stop_grace_seconds:.0f} s after SIGTERM")
        deadline = time.monotonic() + 5
        while any(_group_alive(group, children) for group in running) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid_file in run_dir.glob("*.pid"):
            pid_file.unlink(missing_ok=True)
        for name in names.values():
            self.stdout.write(f"stopped {name}")


def _signal_group(group: int, signum: int) -> bool:
    """Whether the signal reached a process group of ours (a stale pid file names none)."""
    try:
        os.killpg(group, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _group_alive(group: int, children: list[subprocess.Popen]) -> bool:
    for child in children:
        child.poll()  # reap our own exited children
    return _signal_group(group, 0)


def _interrupt(signum: int, frame) -> None:
    """SIGTERM and SIGHUP end the foreground loop the way Ctrl-C does, so the shutdown runs."""
    raise KeyboardInterrupt
