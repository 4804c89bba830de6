"""Ingestion benchmark: the whole pipeline, end to end through a real worker pool, against the raw
MiniLM encode rate on the same chunk texts.

Run: .venv/bin/python benchmarks/ingest_bench.py [--chunks 1000] [--diagrams 20] [--in-process]
(or `make bench-ingest`)

Works in its own database (``bench_ingest`` on the configured server, created and migrated here;
never the dev data) and a temporary media folder. It generates Markdown lessons that chunk into at
least ``--chunks`` chunks (with a few names, e-mail addresses and phone numbers for redaction to find)
and ``--diagrams`` flow diagrams drawn with Pillow, then measures, on this machine:

* pipeline: a ``celery worker`` on the ``ingest`` queue with the default pool (one process per core,
  each embedding on its share of the cores: ``edu/celery.py``); the clock runs from the first
  upload (``ingest_upload``, which queues the job) until every job is indexed, so it covers the
  broker, read, extract, redact (Presidio + spaCy), chunk, embed and the index write (pgvector
  HNSW + tsvector GIN). Each pool process has loaded its models on warm-up jobs first.
  ``--in-process`` instead calls ``run_ingestion`` file after file in this process (one job at a
  time on all cores: the latency of a single job, not the throughput of the pool);
* raw: ``embedder.encode`` in this process on all cores, on exactly the texts the pipeline embedded
  (heading + chunk), in one call with the same batch size, after the worker pool has stopped;
* diagrams: the same pipeline over the PNG diagrams (OCR + structure + description + one chunk each).

Target (issue #4): pipeline chunks/s >= 0.70 x raw chunks/s.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import django
from PIL import Image, ImageDraw, ImageFont

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
# Measured as served: with DEBUG on, Django keeps and formats the text of every SQL query.
os.environ.setdefault("DJANGO_DEBUG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from edu.api import Course  # noqa: E402
from edu.celery import app as celery_app  # noqa: E402
from edu.db_urls import database_broker_url, database_url  # noqa: E402
from rag.api import Chunk, IngestionJob, ingest_upload, run_ingestion  # noqa: E402
from rag.chunking import embedding_text  # noqa: E402
from rag.diagrams import analyze_image  # noqa: E402
from rag.embeddings import get_embedder  # noqa: E402

DB_NAME = "bench_ingest"
RESULTS = Path(__file__).resolve().parent / "results" / "ingest_bench.json"
COURSE_SLUG = "bench-ingest"
TARGET_RATIO = 0.70
SEED = 4
CHUNKS_PER_LESSON = 30  # what a generated lesson chunks into; lessons are added until the corpus reaches --chunks

TOPICS = {
    "Photosynthesis": ["chlorophyll", "glucose", "sunlight", "carbon dioxide", "stomata", "oxygen", "leaves"],
    "The water cycle": ["evaporation", "condensation", "precipitation", "runoff", "groundwater", "clouds"],
    "Plate tectonics": ["crust", "mantle", "magma", "earthquake", "subduction", "fault", "volcano"],
    "Electric circuits": ["current", "voltage", "resistance", "battery", "switch", "series", "parallel"],
    "Cells": ["nucleus", "membrane", "mitochondria", "cytoplasm", "ribosome", "cell wall", "vacuole"],
    "Forces and motion": ["friction", "gravity", "acceleration", "mass", "velocity", "momentum", "inertia"],
    "Ecosystems": ["producer", "consumer", "decomposer", "food web", "habitat", "predator", "population"],
    "Weather": ["pressure", "humidity", "front", "temperature", "wind", "forecast", "climate"],
}
VERBS = ["changes", "controls", "depends on", "produces", "moves", "absorbs", "releases", "affects", "forms"]
OPENERS = ["In this part of the lesson", "Scientists observe that", "During an experiment", "As a rule",
           "For example", "Over many years", "In most cases", "Students can measure how"]  # fmt: skip
PEOPLE = ["Amelia Okonkwo", "Lucas Fernández", "Priya Raman", "Tom Becker"]


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def use_scratch_database() -> None:
    """Create (or reuse) the benchmark database, migrated, and point Django at it."""
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = DB_NAME
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)


def sentence(rng: random.Random, words: list[str]) -> str:
    a, b = rng.sample(words, 2)
    how = rng.choice(["see", "test", "model"])
    return f"{rng.choice(OPENERS)}, the {a} {rng.choice(VERBS)} the {b} in a way we can {how}."


def lesson(rng: random.Random, number: int) -> str:
    """About ``CHUNKS_PER_LESSON`` chunks: sections of a few paragraphs under two heading levels."""
    topic = rng.choice(list(TOPICS))
    words = TOPICS[topic]
    parts = [f"# {topic} (lesson {number})\n"]
    for section in range(8):
        parts.append(f"## Part {section + 1}: {rng.choice(words).capitalize()}\n")
        for _ in range(5):
            parts.append(" ".join(sentence(rng, words) for _ in range(rng.randint(5, 9))) + "\n")
        if section == 3:
            person = rng.choice(PEOPLE)
            email = person.lower().replace(" ", ".").replace("á", "a") + "@example.org"
            parts.append(f"Questions go to {person} ({email}, phone 555-{rng.randint(200, 999)}-0147).\n")
    return "\n".join(parts)


def diagram_png(rng: random.Random, number: int) -> bytes:
    """A left-to-right flow of 3-4 labelled boxes joined by arrows, with a title."""
    topic = rng.choice(list(TOPICS))
    labels = [word.capitalize() for word in rng.sample(TOPICS[topic], rng.randint(3, 4))]
    width, height = 300 + 260 * len(labels), 420
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    draw.text((width / 2, 40), f"{topic} {number}", font=ImageFont.load_default(size=36), fill="black", anchor="mt")
    centres = [(160 + 260 * index, 240) for index in range(len(labels))]
    for label, (cx, cy) in zip(labels, centres, strict=True):
        half = font.getlength(label) / 2 + 18
        draw.rectangle((cx - half, cy - 32, cx + half, cy + 32), outline="black", width=3)
        draw.text((cx, cy), label, font=font, fill="black", anchor="mm")
    for index in range(len(labels) - 1):
        (x0, y), (x1, _) = centres[index], centres[index + 1]
        start, end = x0 + font.getlength(labels[index]) / 2 + 22, x1 - font.getlength(labels[index + 1]) / 2 - 22
        draw.line((start, y, end, y), fill="black", width=3)
        angle = math.atan2(0, end - start)
        head = [(end, y), (end - 16 * math.cos(angle - 0.45), y - 16 * math.sin(angle - 0.45)),
                (end - 16 * math.cos(angle + 0.45), y - 16 * math.sin(angle + 0.45))]  # fmt: skip
        draw.polygon(head, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class WorkerPool:
    """A real ``celery worker`` on the scratch database, with the default pool size unless told."""

    def __init__(self, *, media_root: str, concurrency: int) -> None:
        self.concurrency = concurrency
        db = settings.DATABASES["default"]
        url = database_url(db)
        # The broker of the scratch database (its migrations created the tables), unless one is configured.
        broker = os.environ.get("CELERY_BROKER_URL") or database_broker_url(db)
        celery_app.conf.broker_url = broker  # this process has not connected to a broker yet
        env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": broker, "GLOSSA_MEDIA_ROOT": media_root}
        self.log_path = Path(media_root) / "worker.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "edu", "worker", "-Q", "ingest", "-c", str(concurrency),
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
             "-n", f"bench-ingest-{os.getpid()}@%h"],
            cwd=REPO_ROOT, env=env, stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while "ready." not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"the worker did not start:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)

    def ingest(self, course: Course, uploads: list[tuple[str, bytes]]) -> tuple[float, list[IngestionJob]]:
        """Seconds from the first upload until the last job finished, and the finished jobs."""
        started = time.perf_counter()
        ids = [ingest_upload(course=course, filename=name, content=content).pk for name, content in uploads]
        done = [IngestionJob.State.INDEXED, IngestionJob.State.FAILED]
        finished = IngestionJob.objects.filter(pk__in=ids, state__in=done)
        deadline = time.monotonic() + 1800
        while finished.count() < len(ids):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker stopped or stalled:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        return seconds, list(IngestionJob.objects.filter(pk__in=ids).order_by("pk"))

    def warm_up(self, course: Course) -> None:
        """Warm-up jobs until every pool process has run a lesson and a diagram (so loaded NER, embedder, OCR)."""
        warmed: dict[str, set[str]] = {}  # material kind -> pool processes that ran one
        for round_number in range(5):
            uploads = []
            for n in range(self.concurrency):
                seed = round_number * 100 + n
                uploads.append((f"warmup-{seed}.md", lesson(random.Random(seed), n).encode()))
                uploads.append((f"warmup-{seed}.png", diagram_png(random.Random(seed), n)))
            _, jobs = self.ingest(course, uploads)
            for job in jobs:
                warmed.setdefault(job.material.kind, set()).add(job.worker)
            if len(warmed) == 2 and min(len(workers) for workers in warmed.values()) >= self.concurrency:
                return
        raise SystemExit(f"not every one of the {self.concurrency} pool processes took both kinds of warm-up job")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


def ingest_in_process(course: Course, uploads: list[tuple[str, bytes]]) -> tuple[float, list[IngestionJob]]:
    started = time.perf_counter()
    jobs = []
    for filename, content in uploads:
        job = ingest_upload(course=course, filename=filename, content=content, enqueue=False)
        jobs.append(run_ingestion(job_id=job.pk))
    return time.perf_counter() - started, jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=1000, help="minimum text chunks in the corpus (default 1000)")
    parser.add_argument("--diagrams", type=int, default=20, help="number of diagrams (default 20)")
    parser.add_argument("--in-process", action="store_true", help="one job at a time in this process, no worker")
    parser.add_argument("--concurrency", type=int, default=settings.CELERY_WORKER_CONCURRENCY,
                        help="worker pool processes (default: CELERY_WORKER_CONCURRENCY)")  # fmt: skip
    args = parser.parse_args()

    use_scratch_database()
    media_root = tempfile.mkdtemp(prefix="ingest-bench-media-")
    settings.MEDIA_ROOT = media_root
    Course.objects.filter(slug__startswith=COURSE_SLUG).delete()  # fresh courses: every file is new
    course = Course.objects.create(slug=COURSE_SLUG, title="Ingestion benchmark")
    warm = Course.objects.create(slug=f"{COURSE_SLUG}-warmup", title="warm-up")
    rng = random.Random(SEED)

    pool = None
    if args.in_process:
        mode = "in-process: run_ingestion one file after another, models loaded before timing"
        log("loading models (not timed): embedder, NER, OCR")
        ingest_in_process(warm, [("warmup.md", lesson(random.Random(0), 0).encode())])
        analyze_image(diagram_png(random.Random(0), 0))
        ingest: Callable[[Course, list[tuple[str, bytes]]], tuple[float, list[IngestionJob]]] = ingest_in_process
    else:
        mode = f"celery worker -c {args.concurrency}, from the first upload to the last job indexed"
        log(f"starting a worker with {args.concurrency} pool processes; warm-up jobs load their models (not timed)")
        pool = WorkerPool(media_root=media_root, concurrency=args.concurrency)
        pool.warm_up(warm)
        ingest = pool.ingest

    try:
        count = math.ceil(args.chunks / CHUNKS_PER_LESSON)
        lessons = [(f"lesson-{n:03d}.md", lesson(rng, n).encode()) for n in range(count)]
        log(f"pipeline: {len(lessons)} Markdown lessons")
        text_seconds, text_jobs = ingest(course, lessons)
        while sum(job.stats.get("chunks", 0) for job in text_jobs) < args.chunks:  # top up if the estimate was short
            extra = [(f"lesson-{len(lessons):03d}.md", lesson(rng, len(lessons)).encode())]
            lessons += extra
            seconds, jobs = ingest(course, extra)
            text_seconds, text_jobs = text_seconds + seconds, text_jobs + jobs
        failed = [job for job in text_jobs if job.state != IngestionJob.State.INDEXED]
        if failed:
            raise SystemExit(f"{len(failed)} lesson(s) failed: {failed[0].error_reason}")

        log(f"pipeline: {args.diagrams} PNG diagrams")
        diagrams = [(f"diagram-{n:02d}.png", diagram_png(rng, n)) for n in range(args.diagrams)]
        diagram_seconds, diagram_jobs = ingest(course, diagrams)
        diagrams_ok = sum(job.state == IngestionJob.State.INDEXED for job in diagram_jobs)
    finally:
        if pool is not None:
            pool.stop()

    materials = [job.material_id for job in text_jobs]
    chunks = list(Chunk.objects.filter(material__in=materials).order_by("material", "ordinal"))
    texts = [embedding_text(heading=chunk.heading, text=chunk.text) for chunk in chunks]
    log(f"raw encode: {len(texts)} chunk texts (model loaded first, not timed)")
    embedder = get_embedder()
    embedder.encode(texts[:32])
    started = time.perf_counter()
    embedder.encode(texts)
    raw_seconds = time.perf_counter() - started

    stage_totals: dict[str, float] = {}
    for job in text_jobs:
        for stage, seconds in job.timings.items():
            stage_totals[stage] = stage_totals.get(stage, 0.0) + seconds
    pipeline_rate, raw_rate = len(chunks) / text_seconds, len(texts) / raw_seconds
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "raw_encode_torch_threads": embedder.threads},
        "mode": mode,
        "pool_processes": None if args.in_process else args.concurrency,
        "pipeline_torch_threads": sorted({job.stats["embedding_threads"] for job in text_jobs}),
        "embedding_model": embedder.model_name,
        "lessons": len(lessons),
        "text_chunks": len(chunks),
        "tokens": sum(chunk.token_count for chunk in chunks),
        "redactions": sum(sum(job.stats["redactions"].values()) for job in text_jobs),
        "pipeline_seconds": round(text_seconds, 2),
        "pipeline_chunks_per_s": round(pipeline_rate, 2),
        "raw_encode_seconds": round(raw_seconds, 2),
        "raw_encode_chunks_per_s": round(raw_rate, 2),
        "ratio": round(pipeline_rate / raw_rate, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": pipeline_rate / raw_rate >= TARGET_RATIO,
        "stage_seconds_summed_over_jobs": {stage: round(seconds, 2) for stage, seconds in stage_totals.items()},
        "diagrams": args.diagrams,
        "diagrams_indexed": diagrams_ok,
        "diagram_seconds": round(diagram_seconds, 2),
        "diagrams_per_s": round(args.diagrams / diagram_seconds, 3),
        "load_average_1min_after": os.getloadavg()[0],
    }
    results_path = RESULTS.with_name("ingest_bench_in_process.json") if args.in_process else RESULTS
    results_path.parent.mkdir(exist_ok=True)
    results_path.write_text(json.dumps(result, indent=2))

    print()
    print(f"mode: {mode}")
    print(f"{'measure':<46}{'value':>14}")
    print("-" * 60)
    rows = [
        ("text chunks (from lessons)", f"{len(chunks)} ({len(lessons)})"),
        ("pipeline: seconds", f"{text_seconds:.1f}"),
        ("pipeline: chunks/s", f"{pipeline_rate:.2f}"),
        ("pipeline: torch threads per process", ", ".join(map(str, result["pipeline_torch_threads"]))),
        ("raw MiniLM encode: seconds", f"{raw_seconds:.1f}"),
        ("raw MiniLM encode: chunks/s", f"{raw_rate:.2f} ({embedder.threads} threads)"),
        ("ratio pipeline / raw (target >= 0.70)", f"{pipeline_rate / raw_rate:.3f}"),
        *((f"  stage {stage}: seconds, all jobs", f"{seconds:.1f}") for stage, seconds in stage_totals.items()),
        ("diagrams indexed", f"{diagrams_ok}/{args.diagrams}"),
        ("diagrams: seconds", f"{diagram_seconds:.1f}"),
        ("diagrams/s", f"{args.diagrams / diagram_seconds:.3f}"),
    ]
    for name, value in rows:
        print(f"{name:<46}{value:>14}")
    shown = results_path.relative_to(Path.cwd()) if results_path.is_relative_to(Path.cwd()) else results_path
    print(
        f"\n{'PASS' if result['meets_target'] else 'FAIL'}: ratio {result['ratio']} (target >= {TARGET_RATIO}); "
        f"results in {shown}"
    )


if __name__ == "__main__":
    main()
