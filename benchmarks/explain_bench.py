"""Explainer benchmark: speed of the default model in the pipeline, grounding and reading-level tailoring.

Run: .venv/bin/python benchmarks/explain_bench.py [--limit N] [--max-new-tokens N] [--repeats N]

Works in its own database (``bench_explain`` on the configured server, created and migrated
here; never the dev data) holding the demo course, ingested synchronously through
``rag.api.ingest_upload`` + ``run_ingestion`` (reused when already there). Measured:

* speed, on the first question's real prompt: time to first token (from the call, and from the
  start of generation) and tokens/s of ``explain`` vs the bare model on the same prompt with the
  same settings (``model.generate`` for the transformers backend, llama.cpp's own chat completion
  for the llamacpp one), alternating, ``--repeats`` times (target ratio >= 0.9);
* quality, over ``benchmarks/data/explain_questions.json`` (texts, course diagrams, uploaded
  diagrams, off-course questions) for a grade-4 and a grade-11 learner: grounding rate
  (supported / all generated sentences, before removal), how many answers fell back to quoting,
  Flesch-Kincaid grade of each answer and the per-question spread (target mean >= 3), shown
  both for the model's own sentences and for the final answers, so the share of the deterministic
  simplification is visible; off-course questions must end in "not found"; a screen-reader
  learner must get the full description of the diagrams in the diagram questions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
# Measured as served: with DEBUG on, Django keeps and formats the text of every SQL query.
os.environ.setdefault("DJANGO_DEBUG", "false")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from edu.api import Course, Enrollment, LearnerProfile, LearningObjective  # noqa: E402
from edu.demo import DEMO_COURSE, DEMO_MATERIALS, DEMO_OBJECTIVES, assets, material_bytes  # noqa: E402
from rag.api import IngestionJob, explain, ingest_upload, run_ingestion  # noqa: E402
from rag.explainer import NOT_FOUND  # noqa: E402
from rag.generation.backends import GenerationSettings, get_generator  # noqa: E402
from rag.tailoring import fk_grade  # noqa: E402

DB_NAME = "bench_explain"
QUESTIONS = Path(__file__).resolve().parent / "data" / "explain_questions.json"
CONTENT = Path(__file__).resolve().parent.parent / "edu" / "demo" / "content"
RESULTS = Path(__file__).resolve().parent / "results" / "explain_bench.json"
PROFILES = {"grade 4": 4, "grade 11": 11}
DESCRIPTION_MARK = "\n\nDiagram description:"
CITATION_MARK = re.compile(r"\s*\[(?:\d+|your image)\]")


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def use_scratch_database() -> None:
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = DB_NAME
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)


def demo_course() -> Course:
    """The demo course with every material indexed (ingested synchronously, once)."""
    course, _ = Course.objects.get_or_create(slug=DEMO_COURSE["slug"], defaults=DEMO_COURSE)
    objectives = {}
    for objective in DEMO_OBJECTIVES:
        fields = {key: value for key, value in objective.items() if key in {"title", "description", "order"}}
        objectives[objective["code"]], _ = LearningObjective.objects.get_or_create(
            course=course, code=objective["code"], defaults=fields
        )
    for material in DEMO_MATERIALS:
        job = ingest_upload(
            course=course, filename=material["filename"], content=material_bytes(material), title=material["title"],
            objectives=[objectives[code] for code in material["objectives"] if code in objectives], enqueue=False,
        )
        if job.state != IngestionJob.State.INDEXED:
            log(f"ingesting {material['filename']}")
            job = run_ingestion(job_id=job.pk)
        if job.state != IngestionJob.State.INDEXED:
            raise SystemExit(f"ingestion of {material['filename']} failed: {job.error_reason}")
    return course


def learner(course: Course, username: str, *, grade: int, accessibility: tuple[str, ...] = ()):
    user, _ = get_user_model().objects.get_or_create(username=username)
    Enrollment.objects.get_or_create(user=user, course=course, defaults={"role": Enrollment.Role.STUDENT})
    LearnerProfile.objects.update_or_create(
        user=user, defaults={"grade_level": grade, "reading_level": float(grade),
                             "accessibility_needs": list(accessibility)},
    )
    return user


def image_bytes(name: str | None) -> bytes | None:
    if name is None:
        return None
    if hasattr(assets, name):
        return getattr(assets, name)()
    return (CONTENT / name).read_bytes()


def answer_text(text: str) -> str:
    """The explanation itself, without appended diagram descriptions and citation marks (keeping the full stops)."""
    return CITATION_MARK.sub("", text.split(DESCRIPTION_MARK)[0])


def bare_run(generator, messages: list[dict], options: GenerationSettings) -> dict:
    """The configured model alone on ``messages`` (no gate, no pipeline): tokens, seconds, first token."""
    started = time.perf_counter()
    if generator.backend == "transformers":
        inputs = generator.encode_chat(messages)
        output = generator.generate(inputs, options)
        seconds = time.perf_counter() - started
        tokens = int(output.shape[1] - inputs["input_ids"].shape[1])
        return {"tokens": tokens, "seconds": seconds, "first_token": None,
                "prompt_tokens": int(inputs["input_ids"].shape[1])}
    if generator.backend != "llamacpp":
        raise SystemExit("the bare-model baseline needs the llamacpp or transformers backend")
    first, text = None, []
    for chunk in generator.llama.create_chat_completion(
        messages=messages, max_tokens=options.max_new_tokens, stream=True, temperature=0.0, top_k=1,
        repeat_penalty=options.repetition_penalty, seed=0,
    ):
        piece = chunk["choices"][0]["delta"].get("content") or ""
        if piece:
            first = first if first is not None else time.perf_counter() - started
            text.append(piece)
    seconds = time.perf_counter() - started
    return {"tokens": generator.count_tokens("".join(text)), "seconds": seconds, "first_token": first,
            "prompt_tokens": None}


def measure_speed(course: Course, user, question: str, *, repeats: int) -> dict:
    """``explain`` vs the bare model on the very prompt explain built, alternating."""
    generator = get_generator()
    options = GenerationSettings(max_new_tokens=settings.GLOSSA["MAX_NEW_TOKENS"])
    recorded: list[list[dict]] = []
    stream = generator.stream

    def recording(messages, stream_options):
        recorded.append(messages)
        return stream(messages, stream_options)

    generator.stream = recording
    try:
        explain(learner=user, course=course, question=question)  # warm-up: caches, allocator, first query
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            explanation = explain(learner=user, course=course, question=question)
            pipeline_total = time.perf_counter() - started
            bare = bare_run(generator, recorded[-1], options)
            bare_seconds, bare_tokens = bare["seconds"], bare["tokens"]
            timings = explanation.timings
            runs.append({
                "prompt_tokens": bare["prompt_tokens"],
                "bare_first_token": bare["first_token"],
                "new_tokens": bare_tokens,
                "bare_seconds": bare_seconds,
                "bare_tokens_per_s": bare_tokens / bare_seconds,
                # Greedy decoding: the pipeline generated the same tokens, so the same count applies.
                "pipeline_generate_seconds": timings["generate"],
                "pipeline_tokens_per_s": bare_tokens / timings["generate"],
                "pipeline_reported_tokens_per_s": timings["tokens_per_s"],
                "first_token_after_generation_start": timings["first_token"],
                "time_to_first_token": timings["time_to_first_token"],
                "pipeline_total_seconds": pipeline_total,
                "stages": timings,
            })
    finally:
        generator.stream = stream
    bare = statistics.median(run["bare_tokens_per_s"] for run in runs)
    pipeline = statistics.median(run["pipeline_tokens_per_s"] for run in runs)
    return {
        "question": question,
        "runs": runs,
        "bare_tokens_per_s": bare,
        "pipeline_tokens_per_s": pipeline,
        "ratio": pipeline / bare,
        "time_to_first_token": statistics.median(run["time_to_first_token"] for run in runs),
        "first_token_after_generation_start": statistics.median(
            run["first_token_after_generation_start"] for run in runs
        ),
        "model": generator.model_name,
        "torch_threads": settings.GLOSSA["LLM_THREADS"],
        "backend": generator.backend,
    }


def ask(course: Course, user, item: dict) -> dict:
    explanation = explain(learner=user, course=course, question=item["question"], image=image_bytes(item.get("image")))
    grounding = explanation.grounding
    verdicts = grounding.get("verdicts", [])
    model_sentences = " ".join(verdict["sentence"] for verdict in verdicts)
    return {
        "status": grounding["status"],
        "sentences": grounding.get("sentences", 0),
        "supported": grounding.get("supported", 0),
        "fk_model": fk_grade(model_sentences) if model_sentences else None,
        "fk_final": fk_grade(answer_text(explanation.text)) if grounding["status"] != "no_sources" else None,
        "citations": len(explanation.citations),
        "has_diagram_description": DESCRIPTION_MARK in explanation.text,
        "not_found": explanation.text == NOT_FOUND,
        "seconds": explanation.timings["total"],
        "text": explanation.text_redacted,
    }


def measure_quality(course: Course, questions: list[dict]) -> dict:
    users = {name: learner(course, f"bench-{grade}", grade=grade) for name, grade in PROFILES.items()}
    screen_reader = learner(course, "bench-screen-reader", grade=6,
                            accessibility=(LearnerProfile.Accessibility.SCREEN_READER,))
    rows = []
    for number, item in enumerate(questions, start=1):
        row = {"question": item["question"], "kind": item["kind"]}
        for name, user in users.items():
            row[name] = ask(course, user, item)
        if item["kind"] in {"diagram", "upload"}:
            row["screen reader"] = ask(course, screen_reader, item)
        low, high = row["grade 4"], row["grade 11"]
        if low["fk_final"] is not None and high["fk_final"] is not None:
            row["spread_final"] = high["fk_final"] - low["fk_final"]
        if low["fk_model"] is not None and high["fk_model"] is not None:
            row["spread_model"] = high["fk_model"] - low["fk_model"]
        log(f"{number}/{len(questions)} {item['kind']:<10} spread {row.get('spread_final', float('nan')):5.1f}  "
            f"grounded {low['supported']}/{low['sentences']} + {high['supported']}/{high['sentences']}")
        rows.append(row)
    return summarise(rows)


def summarise(rows: list[dict]) -> dict:
    answered = [row for row in rows if row["kind"] != "off_course"]
    answers = [row[name] for row in answered for name in PROFILES]
    sentences = sum(answer["sentences"] for answer in answers)
    supported = sum(answer["supported"] for answer in answers)
    spreads = [row["spread_final"] for row in answered if "spread_final" in row]
    model_spreads = [row["spread_model"] for row in answered if "spread_model" in row]
    screen = [row["screen reader"] for row in rows if "screen reader" in row]
    uploads = [row["screen reader"] for row in rows if row["kind"] == "upload"]
    off_course = [row[name] for row in rows if row["kind"] == "off_course" for name in PROFILES]
    per_level = {
        name: {
            "mean_fk_final": statistics.mean(row[name]["fk_final"] for row in answered
                                             if row[name]["fk_final"] is not None),
            "mean_fk_model": statistics.mean(row[name]["fk_model"] for row in answered
                                             if row[name]["fk_model"] is not None),
        }
        for name in PROFILES
    }
    return {
        "questions": len(rows),
        "answered_questions": len(answered),
        "by_kind": {kind: sum(row["kind"] == kind for row in rows) for kind in ("text", "diagram", "upload",
                                                                                "off_course")},
        "grounding_rate": supported / sentences if sentences else None,
        "generated_sentences": sentences,
        "supported_sentences": supported,
        "answers_grounded": sum(answer["status"] == "grounded" for answer in answers),
        "answers_quoted_fallback": sum(answer["status"] == "extractive" for answer in answers),
        "answers_not_found": sum(answer["status"] == "no_sources" for answer in answers),
        "answers_with_citations": sum(answer["citations"] > 0 for answer in answers),
        "answers": len(answers),
        "fk_by_level": per_level,
        "fk_spread_final": {"mean": statistics.mean(spreads), "min": min(spreads), "median": statistics.median(spreads),
                            "share_at_least_3": sum(spread >= 3 for spread in spreads) / len(spreads)},
        "fk_spread_model_only": {"mean": statistics.mean(model_spreads), "min": min(model_spreads)},
        "off_course_not_found": f"{sum(answer['not_found'] for answer in off_course)}/{len(off_course)}",
        "screen_reader_description": f"{sum(a['has_diagram_description'] for a in screen)}/{len(screen)}",
        "screen_reader_description_uploads": f"{sum(a['has_diagram_description'] for a in uploads)}/{len(uploads)}",
        "mean_seconds_per_answer": statistics.mean(answer["seconds"] for answer in answers),
        "rows": rows,
    }


def print_table(speed: dict, quality: dict | None) -> None:
    print(f"\nExplainer benchmark ({speed['model']}, {speed['torch_threads']} torch threads, "
          f"max_new_tokens={settings.GLOSSA['MAX_NEW_TOKENS']})")
    print(f"{'speed (median of ' + str(len(speed['runs'])) + ' runs)':<52}{'value':>12}")
    print(f"{'time to first token, from the explain() call (s)':<52}{speed['time_to_first_token']:>12.2f}")
    print(f"{'time to first token, from generation start (s)':<52}"
          f"{speed['first_token_after_generation_start']:>12.2f}")
    print(f"{'bare model tokens/s (' + speed['backend'] + ')':<52}{speed['bare_tokens_per_s']:>12.2f}")
    print(f"{'pipeline (explain, streamed) tokens/s':<52}{speed['pipeline_tokens_per_s']:>12.2f}")
    print(f"{'pipeline / bare (target >= 0.90)':<52}{speed['ratio']:>12.3f}")
    if quality is None:
        return
    spread, model_spread = quality["fk_spread_final"], quality["fk_spread_model_only"]
    print(f"\n{'quality (' + str(quality['questions']) + ' questions x grade 4, grade 11)':<52}{'value':>12}")
    print(f"{'questions by kind':<52}{json.dumps(quality['by_kind']):>12}")
    print(f"{'grounding rate (supported / generated sentences)':<52}{quality['grounding_rate']:>12.3f}")
    counts = (quality["answers_grounded"], quality["answers_quoted_fallback"], quality["answers_not_found"])
    print(f"{'answers grounded / quoted fallback / not found':<52}{' / '.join(map(str, counts)):>12}")
    print(f"{'answers with citations':<52}{quality['answers_with_citations']:>9}/{quality['answers']}")
    for name, levels in quality["fk_by_level"].items():
        print(f"{'mean FK grade, ' + name + ' (model sentences -> final)':<52}"
              f"{levels['mean_fk_model']:>5.1f} -> {levels['mean_fk_final']:.1f}")
    print(f"{'FK spread grade 11 - grade 4, final: mean (target >= 3)':<52}{spread['mean']:>12.2f}")
    print(f"{'FK spread, final: per-question min / median':<52}{spread['min']:>6.2f} / {spread['median']:.2f}")
    print(f"{'FK spread, final: share of questions >= 3':<52}{spread['share_at_least_3']:>12.2f}")
    print(f"{'FK spread, model sentences only: mean / min':<52}"
          f"{model_spread['mean']:>6.2f} / {model_spread['min']:.2f}")
    print(f"{'off-course questions answered not found':<52}{quality['off_course_not_found']:>12}")
    print(f"{'screen reader got diagram description (all / uploads)':<52}"
          f"{quality['screen_reader_description']:>6} / {quality['screen_reader_description_uploads']}")
    print(f"{'mean seconds per answer':<52}{quality['mean_seconds_per_answer']:>12.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions (0: all)")
    parser.add_argument("--max-new-tokens", type=int, default=settings.GLOSSA["MAX_NEW_TOKENS"])
    parser.add_argument("--repeats", type=int, default=3, help="speed runs (each: explain + bare generate)")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    settings.GLOSSA["MAX_NEW_TOKENS"] = args.max_new_tokens

    use_scratch_database()
    log(f"database '{DB_NAME}': indexing the demo course")
    course = demo_course()
    questions = json.loads(QUESTIONS.read_text())["questions"]
    questions = questions[: args.limit] if args.limit else questions
    load_before = os.getloadavg()[0]
    log("speed: explain vs bare model.generate")
    speed = measure_speed(course, learner(course, "bench-speed", grade=11), questions[0]["question"],
                          repeats=args.repeats)
    quality = None
    if not args.speed_only:
        log(f"quality: {len(questions)} questions")
        quality = measure_quality(course, questions)
    results = {
        "measured_at": datetime.now(UTC).isoformat(),
        "max_new_tokens": args.max_new_tokens,
        "speed": speed,
        "quality": quality,
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0], "cpus": os.cpu_count()},
    }
    print_table(speed, quality)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nload average {results['load_average_1min']}\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
