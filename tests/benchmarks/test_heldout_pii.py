"""benchmarks/heldout_pii: the held-out PII set is reproducible and every label points at exactly what it names."""

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.heldout_pii.generate import ENTITY_TYPES, LOCALES, generate, main, summarize, validate


@pytest.fixture(scope="module")
def data():
    return generate()


def test_the_same_seed_gives_the_same_set_and_another_seed_a_different_one(data):
    assert json.dumps(generate(), sort_keys=True) == json.dumps(data, sort_keys=True)
    assert generate(seed=7)["records"] != data["records"]


def test_the_set_does_not_depend_on_the_interpreter_hash_seed(data):
    """Sets and dicts iterate differently per process; nothing in the set may depend on that order."""
    script = "import hashlib, json; from benchmarks.heldout_pii.generate import generate; " \
             "print(hashlib.sha256(json.dumps(generate(), sort_keys=True).encode()).hexdigest())"
    root = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()}


def test_the_generated_set_passes_its_own_validation(data):
    assert validate(data) == []


def test_validation_catches_a_span_that_is_off_by_one(data):
    broken = json.loads(json.dumps(data))
    record = next(r for r in broken["records"] if r["entities"])
    record["entities"][0]["end"] += 1
    assert validate(broken)


def test_every_span_is_the_exact_value_without_surrounding_space_or_punctuation(data):
    for record in data["records"]:
        text = record["text"]
        for span in record["entities"] + record["keep"]:
            value = text[span["start"]:span["end"]]
            assert value and value == value.strip(), (record["id"], value)
            assert not (span["start"] and text[span["start"] - 1].isalnum()), (record["id"], value)
            assert not (span["end"] < len(text) and text[span["end"]].isalnum()), (record["id"], value)
        for entity in record["entities"]:
            assert entity["type"] in ENTITY_TYPES
            assert text[entity["end"] - 1] not in ".,;:!?", (record["id"], text[entity["start"]:entity["end"]])


def test_spans_never_overlap(data):
    for record in data["records"]:
        spans = sorted((s["start"], s["end"]) for s in record["entities"] + record["keep"])
        assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False)), record["id"]


def test_labelled_values_match_their_format(data):
    for record in data["records"]:
        for entity in record["entities"]:
            value = record["text"][entity["start"]:entity["end"]]
            if entity["type"] == "EMAIL_ADDRESS":
                assert re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", value), value
            if entity["type"] == "PHONE_NUMBER":
                assert re.fullmatch(r"\+?[\d ().\-/]+", value) and sum(c.isdigit() for c in value) >= 5, value


def test_roster_spans_are_values_of_that_course_roster_in_any_casing_and_spacing(data):
    def key(value):
        return re.sub(r"\W+", "", value).lower()

    for record in data["records"]:
        rows = data["rosters"][record["course"]] if record["course"] else []
        emails_and_ids = {key(row[k]) for row in rows for k in ("email", "guardian_email", "student_id")}
        for entity in record["entities"]:
            if entity["roster"] and entity["type"] in ("EMAIL_ADDRESS", "STUDENT_ID"):
                assert key(record["text"][entity["start"]:entity["end"]]) in emails_and_ids


def test_the_set_has_the_promised_shape(data):
    counts = summarize(data)
    assert counts["records"] == {"learner": 700, "course": 250}
    assert set(counts["learner_locales"]) == set(LOCALES)
    assert all(counts["learner_spans"][t] >= 60 for t in ENTITY_TYPES)
    assert 4 <= len(data["rosters"]) <= 6
    assert all(15 <= len(rows) <= 30 for rows in data["rosters"].values())
    learners = [r for r in data["records"] if r["kind"] == "learner"]
    no_pii = sum(1 for r in learners if not r["entities"])
    with_roster = sum(1 for r in learners if any(e["roster"] for e in r["entities"]))
    assert 0.10 <= no_pii / len(learners) <= 0.20
    assert 0.25 <= with_roster / len(learners) <= 0.40
    courses = [r for r in data["records"] if r["kind"] == "course"]
    assert all(r["keep"] for r in courses)
    assert sum(1 for r in courses if any(e["roster"] for e in r["entities"])) >= 50


def test_the_readme_counts_are_those_of_the_default_seed(data):
    readme = (Path(__file__).resolve().parents[2] / "benchmarks" / "heldout_pii" / "README.md").read_text()
    totals = re.findall(r"^\| \*\*all\*\* \| (.+) \|$", readme, flags=re.MULTILINE)
    for kind, row in zip(("learner", "course"), totals, strict=True):
        spans = summarize(data)[f"{kind}_spans"]
        records = [r for r in data["records"] if r["kind"] == kind]
        expected = [len(records), *(spans.get(t, 0) for t in ENTITY_TYPES), sum(len(r["keep"]) for r in records)]
        assert [int(n) for n in row.split(" | ")] == expected, kind


def test_the_command_writes_records_and_rosters_as_json_lines(tmp_path, capsys):
    assert main([str(tmp_path)]) == 0
    records = [json.loads(line) for line in (tmp_path / "records.jsonl").read_text().splitlines()]
    rosters = [json.loads(line) for line in (tmp_path / "rosters.jsonl").read_text().splitlines()]
    assert len(records) == 950
    assert {row["course"] for row in rosters} == set(generate()["rosters"])
    assert '"learner_spans"' in capsys.readouterr().out
