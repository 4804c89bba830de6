"""`manage.py eval_retrieval`: score retrieval on the labeled sets, in a scratch database.

Creates the ``eval_retrieval`` database on the configured server (never the dev data), ingests
the demo course and the generated course through the real pipeline, asks every labeled
question as a student, prints recall@5 and nDCG@10 per query type and writes the full report
(every question, what came back) as JSON.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from rag.evaluation.dataset import demo_course, generated_course
from rag.evaluation.harness import EvaluationReport, evaluate, scratch_database

RECALL_TARGET = 0.9
DEFAULT_OUTPUT = settings.BASE_DIR / "benchmarks" / "results" / "eval_retrieval.json"


def format_report(report: EvaluationReport) -> str:
    lines = [f"{'course / query type':44} {'queries':>7} {'recall@5':>9} {'nDCG@10':>8}"]
    for key, row in report.summary().items():
        lines.append(f"{key:44} {row['queries']:7d} {row['recall@5']:9.3f} {row['ndcg@10']:8.3f}")
    for slug, stats in report.ingestion.items():
        lines.append(
            f"ingested {slug}: {stats['materials']} materials, {stats['chunks']} chunks "
            f"({stats['diagram_chunks']} diagram), {stats['seconds']} s, failed: {stats['failed'] or 'none'}"
        )
    misses = report.misses()
    if misses:
        lines.append("questions with a relevant material missing from the top 5:")
        for miss in misses:
            lines.append(f"  [{miss.type}] {miss.question!r}: wanted {miss.relevant}, got {miss.retrieved[:5]}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Evaluate retrieval (recall@5, nDCG@10 per query type) on the labeled sets, in a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", choices=["demo", "generated", "all"], default="all")
        parser.add_argument("--topics", type=int, default=None, help="Use only the first N generated topics.")
        parser.add_argument("--database", default="eval_retrieval", help="Scratch database name (dropped after).")
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Where to write the JSON report.")

    def handle(self, *args, **options) -> None:
        courses = []
        if options["set"] in {"demo", "all"}:
            courses.append(demo_course())
        if options["set"] in {"generated", "all"}:
            courses.append(generated_course(topics=options["topics"]))
        self.stdout.write(f"ingesting {sum(len(c.materials) for c in courses)} materials into '{options['database']}'")
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media),
            scratch_database(options["database"]),
        ):
            report = evaluate(courses)
        self.stdout.write(format_report(report))
        overall = report.summary()["all / all"]["recall@5"]
        verdict = "PASS" if overall >= RECALL_TARGET else "FAIL"
        self.stdout.write(f"overall recall@5 {overall:.3f} (target >= {RECALL_TARGET}): {verdict}")
        options["output"].parent.mkdir(parents=True, exist_ok=True)
        options["output"].write_text(json.dumps(report.to_dict(), indent=2))
        self.stdout.write(f"wrote {options['output']}")
