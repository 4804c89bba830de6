"""Feedback that shows: after "too hard", is the next explanation of the same question simpler?

Run: .venv/bin/python benchmarks/feedback_bench.py [--terms 30] [--seed 18] [--no-book]

Works in its own database (``bench_feedback``, created and migrated here; never the dev data). Questions
nobody wrote for this benchmark: the prompts of the demo course's practice items (``load_demo``, indexed
in this process) and ``--terms`` sampled "What is meant by <term>?" questions of the real textbook
(``../shared/realtext/anatomy``, its HTML sections). For a student starting in each reading band (levels
10.0, 7.0 and 4.5), every question is explained, the student says "too hard" through the same service the
portal calls (``edu.api.record_feedback``), and the same question is explained again. Measured with the
project's reading-grade function (``rag.tailoring.fk_grade``, citation marks removed): the share of
questions whose second explanation reads at a lower grade, at the same grade, higher; the median change;
the share of word-for-word identical answers; for the demo questions, how many second answers still say
the practice item's answer among those whose first answer said it (all its content words); "not found"
answers are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from edu.api import Course, Interaction, LearnerProfile, create_user, enroll, record_feedback  # noqa: E402
from edu.demo import CONTENT_DIR  # noqa: E402
from edu.demo.loader import load_demo  # noqa: E402
from rag.api import IngestionJob, explain, ingest_upload, run_ingestion  # noqa: E402
from rag.grounding import content_terms  # noqa: E402
from rag.relevance import NOT_FOUND_BY_LANGUAGE  # noqa: E402
from rag.tailoring import fk_grade  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT.parent / "shared/realtext/anatomy"
RESULTS = ROOT / "benchmarks/results/feedback_bench.json"
DB_NAME = "bench_feedback"
STARTING_LEVELS = {"advanced": 10.0, "middle": 7.0, "simple": 4.5}
MARK = re.compile(r"\s*\[(?:\d+|your image)\]")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def plain(text: str) -> str:
    return MARK.sub("", text.split("\n\nDiagram description:")[0])


def indexed(course: Course) -> None:
    for job in IngestionJob.objects.filter(material__course=course).exclude(state=IngestionJob.State.INDEXED):
        log(f"indexing job {job.pk}")
        run_ingestion(job_id=job.pk)


def demo_questions() -> tuple[Course, list[str], dict[str, list[str]]]:
    """The practice prompts, and each one's accepted answers."""
    course = load_demo().course
    indexed(course)
    with (CONTENT_DIR / "practice_items.csv").open(encoding="utf-8") as items:
        import csv

        rows = list(csv.DictReader(items))
    return course, [row["prompt"] for row in rows], {row["prompt"]: row["answer"].split("|") for row in rows}


def carries(text: str, answers: list[str]) -> bool:
    return any(content_terms(answer) <= content_terms(text) for answer in answers)


def book_questions(terms: int, seed: int) -> tuple[Course, list[str]]:
    course, _ = Course.objects.get_or_create(slug="feedback-book", defaults={"title": "Anatomy (real textbook)"})
    for path in sorted((BOOK / "materials").glob("*.html")):
        job = ingest_upload(course=course, filename=path.name, content=path.read_bytes(), enqueue=False)
        if job.state != IngestionJob.State.INDEXED:
            log(f"indexing {path.name}")
            run_ingestion(job_id=job.pk)
    queries = [json.loads(line) for line in (BOOK / "queries.jsonl").read_text().splitlines() if line.strip()]
    asked = [query["q"] for query in queries if query["kind"] == "term"]
    return course, random.Random(seed).sample(asked, min(terms, len(asked)))


def student(course: Course, name: str):
    """The band's student, with no history: the database is kept between runs, and an answer found too hard in
    an earlier run would shape this run's first answer (the explainer writes below it)."""
    user = create_user(username=f"fb-{course.slug}-{name}", password=None, first_name="", last_name="", email="")
    enroll(user=user, course=course)
    Interaction.objects.filter(learner=user).delete()
    return user


def measure(course: Course, questions: list[str], not_found: set[str], bands: list[str],
            answers: dict[str, list[str]] | None = None) -> list[dict]:
    rows = []
    for band in bands:
        level = STARTING_LEVELS[band]
        user = student(course, band)
        for question in questions:
            LearnerProfile.objects.filter(user=user).update(reading_level=level, reading_level_set=True)
            first = explain(learner=user, course=course, question=question)
            if first.text in not_found or first.interaction_id is None:
                rows.append({"band": band, "q": question, "not_found": True})
                continue
            result = record_feedback(interaction=Interaction.objects.get(pk=first.interaction_id), feedback="too_hard")
            second = explain(learner=user, course=course, question=question)
            before, after = plain(first.text), plain(second.text)
            rows.append({
                "band": band, "q": question, "not_found": second.text in not_found,
                "level_before": level, "level_after": result.reading_level_after, "message": result.message,
                "grade_before": round(fk_grade(before), 2), "grade_after": round(fk_grade(after), 2),
                "identical": before == after, "before": before, "after": after,
            })
            if answers and question in answers:
                rows[-1].update(carried_before=carries(before, answers[question]),
                                carried_after=carries(after, answers[question]))
        log(f"{course.slug}: {band} done")
    return rows


def summary(rows: list[dict]) -> dict:
    out: dict[str, dict] = {}
    for band in [*STARTING_LEVELS, "all"]:
        chosen = [row for row in rows if not row["not_found"] and band in (row["band"], "all")]
        if not chosen:
            continue
        changes = [row["grade_after"] - row["grade_before"] for row in chosen]
        out[band] = {
            "questions": len(chosen),
            "lower": sum(change < 0 for change in changes),
            "same": sum(change == 0 for change in changes),
            "higher": sum(change > 0 for change in changes),
            "identical_answers": sum(row["identical"] for row in chosen),
            "median_grade_before": round(statistics.median(row["grade_before"] for row in chosen), 2),
            "median_grade_after": round(statistics.median(row["grade_after"] for row in chosen), 2),
            "median_change": round(statistics.median(changes), 2),
        }
        carried = [row for row in chosen if row.get("carried_before")]
        if any("carried_before" in row for row in chosen):
            out[band]["answer_said_first"] = len(carried)
            out[band]["answer_still_said"] = sum(row["carried_after"] for row in carried)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=30)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--no-book", action="store_true", help="only the demo course")
    parser.add_argument("--bands", default=",".join(STARTING_LEVELS), help="starting bands, comma-separated")
    args = parser.parse_args()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = DB_NAME
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    not_found = set(NOT_FOUND_BY_LANGUAGE.values())
    report: dict[str, object] = {}
    course, questions, answers = demo_questions()
    bands = args.bands.split(",")
    rows = {"demo": measure(course, questions, not_found, bands, answers)}
    if not args.no_book and BOOK.exists():
        course, questions = book_questions(args.terms, args.seed)
        rows["book"] = measure(course, questions, not_found, bands)
    for name, found in rows.items():
        report[name] = summary(found)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({**report, "runs": rows}, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
