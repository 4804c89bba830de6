"""Upload files into a course from the command line and, optionally, wait for their jobs."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from edu.api import Course, UnsupportedFileType
from rag.models import IngestionJob
from rag.services import UploadRefused, ingest_upload, run_ingestion

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = "Ingest files (or every file in a folder) into a course: ingest --course SLUG PATH... [--wait | --sync]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--course", required=True, help="slug of the course")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--wait", action="store_true", help="wait for a worker to finish the jobs")
        mode.add_argument("--sync", action="store_true", help="run the jobs in this process (no worker needed)")
        parser.add_argument("--timeout", type=float, default=600.0, help="seconds --wait waits (default 600)")

    def handle(self, *args, paths: list[Path], course: str, wait: bool, sync: bool, timeout: float, **options):
        course_obj = Course.objects.filter(slug=course).first()
        if course_obj is None:
            raise CommandError(f"No course with the slug '{course}'.")
        refused = 0
        jobs: dict[str, IngestionJob] = {}
        for path in self._files(paths):
            try:
                with path.open("rb") as handle:  # streamed to storage in chunks
                    jobs[path.name] = ingest_upload(
                        course=course_obj, filename=path.name, content=File(handle), enqueue=not sync
                    )
            except (UnsupportedFileType, UploadRefused, OSError) as error:
                refused += 1
                self.stderr.write(f"{path.name}: {error}")
        if sync:
            jobs = {name: run_ingestion(job_id=job.pk) for name, job in jobs.items()}
        elif wait:
            jobs = self._wait(jobs, timeout)
        failed = self._report(jobs) + refused
        if failed:
            raise CommandError(f"{failed} file(s) were not ingested.")

    def _files(self, paths: list[Path]) -> list[Path]:
        files = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(child for child in path.rglob("*") if child.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist.")
        return files

    def _wait(self, jobs: dict[str, IngestionJob], timeout: float) -> dict[str, IngestionJob]:
        deadline = time.monotonic() + timeout
        while True:
            fresh = IngestionJob.objects.in_bulk([job.pk for job in jobs.values()])
            jobs = {name: fresh[job.pk] for name, job in jobs.items()}
            if all(job.is_finished for job in jobs.values()):
                return jobs
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Jobs still unfinished after {timeout:g} s. Is a worker running? "
                    "(`make run` starts one; or use --sync to ingest in this process.)"
                )
            time.sleep(POLL_SECONDS)

    def _report(self, jobs: dict[str, IngestionJob]) -> int:
        failed = 0
        for name, job in jobs.items():
            if job.state == IngestionJob.State.FAILED:
                failed += 1
                self.stderr.write(f"{name}: failed - {job.error_reason}")
            elif job.state == IngestionJob.State.INDEXED:
                stats = job.stats
                self.stdout.write(
                    f"{name}: indexed ({stats.get('chunks', 0)} chunks, {stats.get('diagrams', 0)} diagrams, "
                    f"{sum(stats.get('redactions', {}).values())} redactions)"
                )
            else:
                self.stdout.write(f"{name}: {job.state} (job {job.pk})")
        return failed
