"""Generation benchmark: llama.cpp in the explain pipeline, ten students at once through the portal, backends compared.

Run: .venv/bin/python benchmarks/generation_bench.py [--repeats N] [--students N] [--questions N]
     [--skip-portal] [--skip-compare]      (or `make bench-generation`)

Works in its own database (``bench_generation``, created and migrated here; the demo course is
ingested once). Measured, all on the packaged SmolLM2-135M GGUF with ``GLOSSA_LLM_THREADS`` threads:

* speed: ``explain`` on the ``llamacpp`` backend vs a bare llama.cpp decode (``Llama.create_chat_completion``
  on the same loaded GGUF, the very messages ``explain`` built, the same decoding settings and threads),
  alternating, ``--repeats`` times: tokens/s of each and their ratio (target >= 0.9); time to the first
  model token, and to the first checked sentence the learner sees (the stream shows a sentence once it
  has been screened);
* portal: a real ``llama_cpp.server`` process, real gunicorn (2 gthread workers x 8 threads, as
  ``manage.py serve``) on the ``openai`` backend, ``--students`` students signed in who post their
  questions to the streaming endpoint at the same moment: p50/p95 time to the first token event, total
  generated tokens/s, failed requests, and memory (RSS and PSS) of the web processes before and after;
* compare: ``transformers`` vs ``llamacpp`` on the same ``--questions`` questions for a grade-8 learner:
  tokens/s and the grounded share of the model's own sentences.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.explain_bench import bare_run, demo_course, learner  # noqa: E402
from edu.db_urls import database_url  # noqa: E402
from rag.api import stream_explanation  # noqa: E402
from rag.explainer import explain  # noqa: E402
from rag.generation import backends  # noqa: E402
from rag.generation.base import GenerationSettings  # noqa: E402
from rag.generation.llama_server import LlamaServer, free_port  # noqa: E402
from rag.generation.llm import packaged_gguf  # noqa: E402

DB_NAME = "bench_generation"
ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "benchmarks" / "data" / "explain_questions.json"
RESULTS = ROOT / "benchmarks" / "results" / "generation_bench.json"
SPEED_QUESTION = "How do clouds form?"
PASSWORD = "bench-generation-password-1"  # noqa: S105 (bench users in the scratch database only)


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def use_scratch_database() -> None:
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = DB_NAME
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)


def use_backend(backend: str, **extra) -> None:
    settings.GLOSSA.update({"LLM_BACKEND": backend, "LLM_MODEL": "", **extra})


def text_questions(limit: int) -> list[str]:
    questions = json.loads(QUESTIONS.read_text())["questions"]
    return [item["question"] for item in questions if item["kind"] in {"text", "diagram"}][:limit]


# --- Speed: the pipeline vs bare llama.cpp --------------------------------------------------------
def measure_speed(course, user, question: str, *, repeats: int) -> dict:
    use_backend("llamacpp")
    generator = backends.get_generator()
    options = GenerationSettings(max_new_tokens=settings.GLOSSA["MAX_NEW_TOKENS"])
    recorded: list[list[dict]] = []
    original = generator.stream

    def recording(messages, stream_options):
        recorded.append(messages)
        return original(messages, stream_options)

    generator.stream = recording
    runs = []
    try:
        explain(learner=user, course=course, question=question)  # warm-up
        for _ in range(repeats):
            started = time.perf_counter()
            first_event = None
            done = None
            for event in stream_explanation(learner=user, course=course, question=question):
                if event["event"] == "token" and first_event is None:
                    first_event = time.perf_counter() - started
                if event["event"] == "done":
                    done = event["explanation"]
            timings = done["timings"]
            bare = bare_run(generator, recorded[-1], options)
            bare["tokens_per_s"] = bare["tokens"] / bare["seconds"]
            runs.append({
                "pipeline_tokens": timings["tokens"],
                "pipeline_generate_seconds": timings["generate"],
                "pipeline_tokens_per_s": timings["tokens"] / timings["generate"],
                "time_to_first_model_token": timings["time_to_first_token"],
                "first_model_token_after_generation_start": timings["first_token"],
                "time_to_first_checked_sentence": first_event,
                "bare": bare,
                "same_tokens": bare["tokens"] == timings["tokens"],
            })
    finally:
        generator.stream = original
    pipeline = statistics.median(run["pipeline_tokens_per_s"] for run in runs)
    bare = statistics.median(run["bare"]["tokens_per_s"] for run in runs)
    return {
        "question": question,
        "model": generator.model_name,
        "threads": settings.GLOSSA["LLM_THREADS"],
        "runs": runs,
        "pipeline_tokens_per_s": pipeline,
        "bare_tokens_per_s": bare,
        "ratio": pipeline / bare,
        "bare_time_to_first_token": statistics.median(run["bare"]["first_token"] for run in runs),
        "time_to_first_model_token": statistics.median(run["time_to_first_model_token"] for run in runs),
        "first_model_token_after_generation_start": statistics.median(
            run["first_model_token_after_generation_start"] for run in runs),
        "time_to_first_checked_sentence": statistics.median(run["time_to_first_checked_sentence"] for run in runs),
    }


# --- Portal: students at once through gunicorn and a model server ---------------------------------
class Student:
    """A signed-in browser session of one student (cookies and CSRF token), over plain HTTP."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        page = self.opener.open(f"{base}/accounts/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        sign_in = urllib.request.Request(f"{base}/accounts/login/", data=form.encode(),  # noqa: S310 (our gunicorn)
                                         headers={"Referer": f"{base}/accounts/login/"})
        self.opener.open(sign_in, timeout=60)
        if "sessionid" not in {cookie.name for cookie in self.cookies}:
            raise SystemExit(f"{username} could not sign in")

    def ask(self, slug: str, question: str) -> dict:
        """Post the question to the streaming endpoint; times of the first token event and of the end."""
        csrf = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({"question": question}).encode()
        request = urllib.request.Request(f"{self.base}/courses/{slug}/ask/stream/", data=body, headers={  # noqa: S310
            "X-CSRFToken": csrf, "Referer": f"{self.base}/courses/{slug}/ask/"})
        started = time.perf_counter()
        result = {"first_token": None, "seconds": None, "tokens": 0, "error": None}
        try:
            with self.opener.open(request, timeout=600) as response:
                for raw in response:
                    line = raw.decode().strip()
                    if not line.startswith("data:"):
                        continue
                    event = json.loads(line[5:])
                    if event["event"] == "token" and result["first_token"] is None:
                        result["first_token"] = time.perf_counter() - started
                    elif event["event"] == "done":
                        result["tokens"] = event["explanation"]["timings"].get("tokens", 0)
                        result["status"] = event["explanation"]["grounding"]["status"]
                    elif event["event"] == "error":
                        result["error"] = event["message"]
        except OSError as error:
            result["error"] = type(error).__name__
        result["seconds"] = time.perf_counter() - started
        if result["first_token"] is None and not result["error"]:
            result["error"] = "no token event"
        return result


def web_memory(master_pid: int) -> dict:
    """RSS and PSS (shared pages split between sharers) of gunicorn's master and workers, in MiB."""
    pids = [master_pid] + [int(pid) for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children")
                           .read_text().split()]
    processes = {}
    for pid in pids:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        processes[pid] = {name: int(fields[name].split()[0]) / 1024 for name in ("Rss", "Pss")}
    return {"processes": processes, "rss_mib": sum(p["Rss"] for p in processes.values()),
            "pss_mib": sum(p["Pss"] for p in processes.values())}


def measure_portal(course, *, students: int, questions: list[str]) -> dict:
    users = [learner(course, f"bench-student-{number}", grade=6 + number % 5) for number in range(students)]
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    port = free_port()
    log_dir = ROOT / "var" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    threads = settings.GLOSSA["LLM_THREADS"]
    with LlamaServer(packaged_gguf(), threads=threads, log=log_dir / "bench-llama-server.log") as server:
        environment = {
            **os.environ, "DATABASE_URL": database_url(settings.DATABASES["default"]), "DJANGO_DEBUG": "false",
            "GLOSSA_LLM_BACKEND": "openai", "GLOSSA_LLM_BASE_URL": server.base_url, "GLOSSA_LLM_MODEL": "",
            "GLOSSA_EXPLAIN_RATE": "1000/min", "GLOSSA_MAX_NEW_TOKENS": str(settings.GLOSSA["MAX_NEW_TOKENS"]),
        }
        web = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "edu.wsgi", "--bind", f"127.0.0.1:{port}",
             "--worker-class", "gthread", "--workers", "2", "--threads", "8", "--timeout", "300",
             "--config", "python:edu.gunicorn_config"],
            env=environment, cwd=ROOT, stdout=(log_dir / "bench-web.log").open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base)
            memory_started = web_memory(web.pid)
            sessions = [Student(base, user.username) for user in users]
            log("portal: warm-up (every web process loads the embedder and NER model once)")
            warm = [threading.Thread(target=sessions[i].ask, args=(course.slug, questions[0])) for i in range(4)]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join()
            memory_before = web_memory(web.pid)
            log(f"portal: {students} students ask at once")
            results: list[dict] = [{}] * students
            barrier = threading.Barrier(students)

            def ask(number: int) -> None:
                barrier.wait()
                results[number] = sessions[number].ask(course.slug, questions[number % len(questions)])

            started = time.perf_counter()
            askers = [threading.Thread(target=ask, args=(number,)) for number in range(students)]
            for thread in askers:
                thread.start()
            for thread in askers:
                thread.join()
            wall = time.perf_counter() - started
            memory_after = web_memory(web.pid)
        finally:
            web.terminate()
            web.wait(timeout=30)
    firsts = sorted(result["first_token"] for result in results if result["first_token"] is not None)
    return {
        "students": students,
        "web": "gunicorn gthread, 2 workers x 8 threads; backend openai -> llama_cpp.server",
        "server_threads": threads,
        "failed": [result["error"] for result in results if result["error"]],
        "first_token_p50": statistics.median(firsts) if firsts else None,
        "first_token_p95": statistics.quantiles(firsts, n=20, method="inclusive")[18] if len(firsts) >= 2 else None,
        "first_token_max": max(firsts) if firsts else None,
        "wall_seconds": wall,
        "tokens": sum(result["tokens"] for result in results),
        "total_tokens_per_s": sum(result["tokens"] for result in results) / wall,
        "memory_started": memory_started,
        "memory_before": memory_before,
        "memory_after": memory_after,
        "results": results,
    }


def wait_for(base: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).read()  # noqa: S310 (our gunicorn)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start; see var/log/bench-web.log")


# --- Backends compared on the same questions --------------------------------------------------------
def measure_backend(course, user, backend: str, questions: list[str]) -> dict:
    use_backend(backend)
    backends.get_generator()  # loaded before timing
    rows = []
    for question in questions:
        explanation = explain(learner=user, course=course, question=question)
        timings, grounding = explanation.timings, explanation.grounding
        rows.append({"question": question, "tokens": timings.get("tokens", 0), "generate": timings.get("generate"),
                     "sentences": grounding.get("sentences", 0), "supported": grounding.get("supported", 0),
                     "status": grounding["status"]})
    tokens = sum(row["tokens"] for row in rows)
    seconds = sum(row["generate"] or 0 for row in rows)
    sentences = sum(row["sentences"] for row in rows)
    supported = sum(row["supported"] for row in rows)
    return {"backend": backend, "model": backends.get_generator().model_name, "tokens": tokens,
            "generate_seconds": seconds, "tokens_per_s": tokens / seconds if seconds else None,
            "model_sentences": sentences, "supported_sentences": supported,
            "grounded_share": supported / sentences if sentences else None, "rows": rows}


def print_table(results: dict) -> None:
    speed = results["speed"]
    print(f"\nGeneration benchmark ({speed['model']}, {speed['threads']} threads, "
          f"max_new_tokens={results['max_new_tokens']})")
    heading = f"speed (median of {len(speed['runs'])} runs, {speed['runs'][0]['pipeline_tokens']} tokens)"
    print(f"{heading:<58}{'value':>12}")
    print(f"{'bare llama.cpp decode tokens/s':<58}{speed['bare_tokens_per_s']:>12.1f}")
    print(f"{'explain pipeline (llamacpp backend) tokens/s':<58}{speed['pipeline_tokens_per_s']:>12.1f}")
    print(f"{'pipeline / bare (target >= 0.90)':<58}{speed['ratio']:>12.3f}")
    print(f"{'bare: first token (s)':<58}{speed['bare_time_to_first_token']:>12.3f}")
    print(f"{'pipeline: first model token after generation start (s)':<58}"
          f"{speed['first_model_token_after_generation_start']:>12.3f}")
    print(f"{'pipeline: first model token from the call (s)':<58}{speed['time_to_first_model_token']:>12.3f}")
    print(f"{'pipeline: first checked sentence shown, from the call (s)':<58}"
          f"{speed['time_to_first_checked_sentence']:>12.3f}")
    portal = results.get("portal")
    if portal:
        print(f"\n{'portal: ' + str(portal['students']) + ' students at once (gunicorn + llama_cpp.server)':<58}")
        print(f"{'first token event p50 / p95 / max (s)':<58}{portal['first_token_p50']:>6.2f} / "
              f"{portal['first_token_p95']:.2f} / {portal['first_token_max']:.2f}")
        print(f"{'total generated tokens/s (all students)':<58}{portal['total_tokens_per_s']:>12.1f}")
        print(f"{'wall seconds for all answers':<58}{portal['wall_seconds']:>12.1f}")
        print(f"{'failed requests':<58}{len(portal['failed']):>12}")
        for label, key in (("started", "memory_started"), ("before (warm)", "memory_before"),
                           ("after", "memory_after")):
            print(f"{'web processes RSS / PSS MiB, ' + label:<58}{portal[key]['rss_mib']:>6.0f} / "
                  f"{portal[key]['pss_mib']:.0f}")
    for row in results.get("compare") or []:
        print(f"{'compare ' + row['backend'] + ': tokens/s, grounded share':<58}{row['tokens_per_s']:>6.1f} / "
              f"{row['grounded_share']:.3f} ({row['supported_sentences']}/{row['model_sentences']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--speed-question", default=SPEED_QUESTION,
                        help="the speed runs' question (answered at length: a short answer times the prompt)")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--questions", type=int, default=12, help="questions for the backend comparison")
    parser.add_argument("--max-new-tokens", type=int, default=settings.GLOSSA["MAX_NEW_TOKENS"])
    parser.add_argument("--skip-portal", action="store_true")
    parser.add_argument("--skip-compare", action="store_true")
    args = parser.parse_args()
    settings.GLOSSA["MAX_NEW_TOKENS"] = args.max_new_tokens

    use_scratch_database()
    log(f"database '{DB_NAME}': indexing the demo course")
    course = demo_course()
    questions = text_questions(max(args.questions, args.students))
    load_before = os.getloadavg()[0]
    results = {"measured_at": datetime.now(UTC).isoformat(), "max_new_tokens": args.max_new_tokens}
    log("speed: explain vs bare llama.cpp")
    results["speed"] = measure_speed(course, learner(course, "bench-speed", grade=11), args.speed_question,
                                     repeats=args.repeats)
    if not args.skip_portal:
        results["portal"] = measure_portal(course, students=args.students, questions=questions)
    if not args.skip_compare:
        reader = learner(course, "bench-compare", grade=8)
        results["compare"] = []
        for backend in ("llamacpp", "transformers"):
            log(f"compare: {backend} on {args.questions} questions")
            results["compare"].append(measure_backend(course, reader, backend, questions[: args.questions]))
    results["load_average_1min"] = {"before": load_before, "after": os.getloadavg()[0], "cpus": os.cpu_count()}
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nload average {results['load_average_1min']}\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
