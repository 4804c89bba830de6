"""The demo course as `make run` loads it, indexed in the test's own process (no worker), and its practice items."""

from __future__ import annotations

import csv

from edu.api import Course
from edu.demo import CONTENT_DIR
from edu.demo.loader import load_demo
from rag.api import IngestionJob, run_ingestion


def indexed_demo_course() -> Course:
    course = load_demo().course
    for job in IngestionJob.objects.filter(material__course=course).exclude(state=IngestionJob.State.INDEXED):
        run_ingestion(job_id=job.pk)
    return course


def demo_practice_rows() -> list[dict[str, str]]:
    """The demo's practice items as the CSV holds them (objective_code, prompt, answer, ...), in order."""
    with (CONTENT_DIR / "practice_items.csv").open(encoding="utf-8") as items:
        return list(csv.DictReader(items))
