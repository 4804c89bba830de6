"""Safeguarding benchmark: screening quality, screening cost, and time from message to alert.
Run: .venv/bin/python benchmarks/safeguarding_bench.py [--skip-explain] [--alerts N] [--set NAME=PATH ...]
     [--screeners configured|rules|rules+learned] [--threshold T]
     (make bench-safeguarding SAFEGUARDING_BENCH_ARGS="...")

* quality, on each labeled set present: ``benchmarks/data/safeguarding_dev.jsonl`` (written by the
  screening's author, used while writing the lexicon) and ``benchmarks/data/safeguarding_heldout.jsonl``
  (written blind by another engineer, never used to tune), ``benchmarks/data/safeguarding_heldout_c.jsonl``
  (blind C: written blind by a third engineer from a spec; only its numbers were ever read),
  ``benchmarks/data/safeguarding_heldout_d.jsonl`` (blind D, 2026-12-05, the same way by a fourth), and every
  ``--set NAME=PATH`` given (same format): recall per category (a message labeled
  with a category counts as found when the screener raises that category at any severity), recall
  at medium+ for messages labeled medium/high, and the false-alarm rate on benign messages (any flag
  at all), also for benign messages from a named course subject. Only numbers are printed: no texts.
* ``--screeners``: the configured ones (default: rules + the learned screener, see settings), the rules
  alone, or rules + learned at ``--threshold``; the report names them.
* cost: milliseconds per message of the screeners (mean and p95 over every message of
  the sets) vs the seconds of one ``rag.api.explain`` on the demo course (scratch database
  ``bench_explain``, shared with explain_bench.py; ``--skip-explain`` leaves it out).
* alert latency: a real ``celery worker`` on the database broker (scratch database
  ``bench_safeguarding``); for each of ``--alerts`` messages, seconds from the screening call to the
  alert row visible in the lead's queue (committed) and to the worker having notified the leads
  (email sent through the configured backend; console in development), p50/p95.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import django

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from edu.safeguarding.screening import (  # noqa: E402
    CATEGORIES,
    ScreeningContext,
    configured_screeners,
    screen_text,
    severity_rank,
)
from edu.safeguarding.screening.learned import DEFAULT_THRESHOLD, LearnedScreener  # noqa: E402
from edu.safeguarding.screening.rules import RuleScreener  # noqa: E402

DATA = REPO_ROOT / "benchmarks" / "data"
SETS = {"development": DATA / "safeguarding_dev.jsonl", "held-out": DATA / "safeguarding_heldout.jsonl",
        "blind C": DATA / "safeguarding_heldout_c.jsonl", "blind D": DATA / "safeguarding_heldout_d.jsonl"}
RESULTS = REPO_ROOT / "benchmarks" / "results" / "safeguarding_bench.json"
TARGETS = {"self_harm": 0.95, "abuse": 0.95, "bullying": 0.9, "violence": 0.9, "sexual": 0.9,
           "harmful_request": 0.9}
MAX_FALSE_ALARMS = 0.03


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def evaluate(path: Path, screeners: tuple | None = None) -> tuple[dict, list[float]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    found, labeled, found_medium, labeled_medium = Counter(), Counter(), Counter(), Counter()
    benign = false_alarms = course_benign = course_false_alarms = 0
    per_message: list[float] = []
    for row in rows:
        subject = row.get("course_subject", "")
        context = ScreeningContext(subject="" if subject == "general" else subject, grade=row.get("grade"))
        started = time.perf_counter()
        result = screen_text(row["text"], context=context, screeners=screeners)
        per_message.append((time.perf_counter() - started) * 1000)
        raised = {flag.category: flag.severity for flag in result.flags}
        wanted = {flag["category"]: flag["severity"] for flag in row["flags"]}
        if not wanted:
            benign += 1
            false_alarms += bool(raised)
            if row.get("course_subject", "general") != "general":
                course_benign += 1
                course_false_alarms += bool(raised)
        for category, severity in wanted.items():
            labeled[category] += 1
            found[category] += category in raised
            if severity_rank(severity) >= 1:
                labeled_medium[category] += 1
                found_medium[category] += category in raised and severity_rank(raised[category]) >= 1
    report = {
        "messages": len(rows),
        "risky": len(rows) - benign,
        "benign": benign,
        "recall": {c: round(found[c] / labeled[c], 3) for c in CATEGORIES if labeled[c]},
        "labeled": {c: labeled[c] for c in CATEGORIES},
        "recall_medium_plus": {c: round(found_medium[c] / labeled_medium[c], 3) for c in CATEGORIES
                               if labeled_medium[c]},
        "false_alarm_rate": round(false_alarms / benign, 4) if benign else None,
        "false_alarms": false_alarms,
        "false_alarm_rate_course_subjects": round(course_false_alarms / course_benign, 4) if course_benign else None,
        "course_benign": course_benign,
    }
    report["meets_targets"] = (all(report["recall"].get(c, 0) >= t for c, t in TARGETS.items() if labeled[c])
                               and (report["false_alarm_rate"] or 0) <= MAX_FALSE_ALARMS)
    return report, per_message


def explain_seconds(runs: int) -> dict:
    """Seconds of whole explanations on the demo course (the explain benchmark's scratch database)."""
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    import explain_bench

    from rag.api import explain

    explain_bench.use_scratch_database()
    course = explain_bench.demo_course()
    user = explain_bench.learner(course, "bench-safeguarding-learner", grade=6)
    listed = json.loads(explain_bench.QUESTIONS.read_text())["questions"]
    questions = [item["question"] for item in listed if item.get("kind") == "text"][:runs]
    explain(learner=user, course=course, question=questions[0])  # loads the models (not timed)
    timings = []
    for question in questions:
        started = time.perf_counter()
        explain(learner=user, course=course, question=question)
        timings.append(time.perf_counter() - started)
    connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0, keepdb=True)
    return {"runs": len(timings), "mean_s": round(statistics.mean(timings), 3),
            "p50_s": round(percentile(timings, 0.5), 3)}


def alert_latency(count: int) -> dict:
    from django.contrib.auth import get_user_model

    from edu.api import Course, Enrollment
    from edu.celery import app as celery_app
    from edu.db_urls import database_broker_url, database_url
    from edu.safeguarding import api as safeguarding_api
    from edu.safeguarding.models import Alert

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "bench_safeguarding"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    db = settings.DATABASES["default"]
    broker = os.environ.get("CELERY_BROKER_URL") or database_broker_url(db)
    celery_app.conf.broker_url = broker  # this process has not connected to a broker yet
    folder = tempfile.mkdtemp(prefix="bench-safeguarding-")
    log_path = Path(folder) / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url(db), "CELERY_BROKER_URL": broker, "GLOSSA_MEDIA_ROOT": folder}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "edu", "worker", "-Q", "default", "-c", "1", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel", "INFO", "-n", f"bench-sg-{os.getpid()}@%h"],
        cwd=REPO_ROOT, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while "ready." not in log_path.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        users = get_user_model().objects
        course, _ = Course.objects.get_or_create(slug="bench-safeguarding", defaults={"title": "Bench"})
        student, _ = users.get_or_create(username="bench-sg-student")
        lead, _ = users.get_or_create(username="bench-sg-lead", defaults={"email": "lead@school.example"})
        Enrollment.objects.get_or_create(user=student, course=course, defaults={"role": Enrollment.Role.STUDENT})
        safeguarding_api.assign_lead(user=lead, course=course)
        visible, notified = [], []
        for number in range(count + 1):
            started = time.perf_counter()
            decision = safeguarding_api.screen_student_message(student=student, course=course,
                                                               text="my dad hits me when he is drunk")
            in_queue = safeguarding_api.alerts_for_lead(user=lead).filter(pk=decision.alert_id).exists()
            seen = time.perf_counter() - started
            while not Alert.objects.filter(pk=decision.alert_id, notified_at__isnull=False).exists():
                if time.perf_counter() - started > 60:
                    raise SystemExit("an alert was not notified within 60 s")
                time.sleep(0.01)
            if number and in_queue:  # the first one warms the worker up (not timed)
                visible.append(seen)
                notified.append(time.perf_counter() - started)
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        connection.creation.destroy_test_db(db["NAME"], verbosity=0, keepdb=True)
    return {
        "alerts": len(notified), "broker": broker.split("://")[0].split("+")[0],
        "in_queue_p95_s": round(percentile(visible, 0.95), 3),
        "notified_p50_s": round(percentile(notified, 0.5), 3), "notified_p95_s": round(percentile(notified, 0.95), 3),
        "notified_max_s": round(max(notified), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-explain", action="store_true", help="do not run explanations for the cost ratio")
    parser.add_argument("--explain-runs", type=int, default=3)
    parser.add_argument("--alerts", type=int, default=20, help="alerts timed through the worker (0: skip)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=PATH",
                        help="a further labeled set to report (repeatable); never copied into the repository")
    parser.add_argument("--screeners", choices=("configured", "rules", "rules+learned"), default="configured")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help="score at which the learned screener flags (with --screeners rules+learned)")
    args = parser.parse_args()
    screeners = {"configured": configured_screeners(), "rules": (RuleScreener(),),
                 "rules+learned": (RuleScreener(), LearnedScreener(threshold=args.threshold))}[args.screeners]
    report: dict = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "screeners": [screener.name for screener in screeners],
                    "learned_threshold": next((screener.threshold for screener in screeners
                                               if isinstance(screener, LearnedScreener)), None)}
    sets = dict(SETS)
    for given in args.set:
        name, _, path = given.partition("=")
        if not path:
            parser.error("--set takes NAME=PATH")
        sets[name] = Path(path)
    for screener in screeners:  # load models (and train the learned head if missing) before timing
        screener.screen("warm up", context=ScreeningContext())
    log(f"screeners: {', '.join(report['screeners'])}")
    timings: list[float] = []
    for name, path in sets.items():
        if not path.exists():
            log(f"{name} set: {path.name} not found, skipped")
            continue
        report[name], per_message = evaluate(path, screeners)
        timings += per_message
        numbers = report[name]
        log(f"{name} set ({numbers['messages']} messages, {numbers['risky']} risky, {numbers['benign']} benign)")
        for category in CATEGORIES:
            if category in numbers["recall"]:
                log(f"  recall {category:16} {numbers['recall'][category]:.3f} of {numbers['labeled'][category]:3}"
                    f" (target {TARGETS[category]}); medium+ found at medium+: "
                    f"{numbers['recall_medium_plus'].get(category, float('nan')):.3f}")
        log(f"  false alarms on benign messages: {numbers['false_alarm_rate']:.4f} ({numbers['false_alarms']} of "
            f"{numbers['benign']}); on benign course-subject messages: {numbers['false_alarm_rate_course_subjects']}"
            f" (target <= {MAX_FALSE_ALARMS}); meets targets: {numbers['meets_targets']}")
    report["screening_ms"] = {"messages": len(timings), "mean": round(statistics.mean(timings), 3),
                              "p95": round(percentile(timings, 0.95), 3)}
    log(f"screening: {report['screening_ms']['mean']:.3f} ms per message (p95 {report['screening_ms']['p95']:.3f})")
    if args.alerts:
        log(f"alert latency: {args.alerts} alerts through a celery worker")
        report["alert_latency"] = alert_latency(args.alerts)
        log(f"  {report['alert_latency']}")
    if not args.skip_explain:
        log("explain pipeline on the demo course (loads the models; ingests the demo course once)")
        report["explain"] = explain_seconds(args.explain_runs)
        share = report["screening_ms"]["mean"] / 1000 * 2 / report["explain"]["mean_s"]
        report["screening_share_of_explain"] = round(share, 6)
        log(f"  explain {report['explain']['mean_s']} s per question; screening (question + answer) "
            f"{share:.5%} of it")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    log(f"written to {RESULTS.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
