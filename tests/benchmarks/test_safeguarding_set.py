"""The held-out safeguarding set is well formed and big enough to measure what issue #19 asks for.

The set (benchmarks/data/safeguarding_heldout.jsonl) was written blind to the screening code; these
checks only guard its shape and the balance the benchmark relies on, never a screening result.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SET_PATH = DATA / "safeguarding_heldout.jsonl"
README_PATH = DATA / "safeguarding_heldout.README.md"

CATEGORIES = {"self_harm", "abuse", "bullying", "violence", "sexual", "harmful_request"}
SEVERITIES = {"low", "medium", "high"}
SUBJECTS = {"biology", "history", "literature", "computing", "geography", "chemistry", "general"}
FIELDS = {"id", "text", "course_subject", "grade", "flags", "note"}
MINIMUM_PER_CATEGORY = {
    "self_harm": 50, "abuse": 50, "bullying": 25, "violence": 25, "sexual": 25, "harmful_request": 25,
}
LANGUAGE_NOTE = re.compile(r"^(Spanish|French|German):")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    lines = SET_PATH.read_text(encoding="utf-8").splitlines()
    parsed = []
    for number, line in enumerate(lines, start=1):
        assert line.strip(), f"line {number} is blank"
        parsed.append(json.loads(line))
    return parsed


def test_every_row_has_exactly_the_documented_fields(rows):
    for row in rows:
        assert set(row) == FIELDS, row.get("id")


def test_ids_are_unique_and_numbered(rows):
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"sg-\d{4}", row_id) for row_id in ids)


def test_texts_are_non_empty_and_not_repeated(rows):
    texts = [row["text"].strip().lower() for row in rows]
    assert all(texts)
    assert len(texts) == len(set(texts))


def test_subject_grade_and_note_are_valid(rows):
    for row in rows:
        assert row["course_subject"] in SUBJECTS, row["id"]
        assert isinstance(row["grade"], int) and 3 <= row["grade"] <= 12, row["id"]
        assert row["note"].strip(), row["id"]


def test_flags_use_only_the_cli_categories_and_severities_once_per_category(rows):
    for row in rows:
        assert isinstance(row["flags"], list), row["id"]
        for flag in row["flags"]:
            assert set(flag) == {"category", "severity"}, row["id"]
            assert flag["category"] in CATEGORIES, row["id"]
            assert flag["severity"] in SEVERITIES, row["id"]
        categories = [flag["category"] for flag in row["flags"]]
        assert len(categories) == len(set(categories)), row["id"]


def test_at_least_400_messages_about_half_of_them_risky(rows):
    risky = sum(1 for row in rows if row["flags"])
    assert len(rows) >= 400
    assert 0.4 <= risky / len(rows) <= 0.6


def test_each_category_has_its_minimum_and_every_severity(rows):
    per_category = Counter(flag["category"] for row in rows for flag in row["flags"])
    severities = {(flag["category"], flag["severity"]) for row in rows for flag in row["flags"]}
    for category, minimum in MINIMUM_PER_CATEGORY.items():
        assert per_category[category] >= minimum, category
        assert all((category, severity) in severities for severity in SEVERITIES), category


def test_benign_half_is_mostly_course_material_from_every_subject(rows):
    benign = [row for row in rows if not row["flags"]]
    per_subject = Counter(row["course_subject"] for row in benign)
    assert all(per_subject[subject] >= 20 for subject in SUBJECTS), per_subject
    assert sum(n for subject, n in per_subject.items() if subject != "general") >= 0.6 * len(benign)


def test_spanish_french_and_german_messages_on_both_sides(rows):
    languages = Counter((LANGUAGE_NOTE.match(row["note"]).group(1), bool(row["flags"]))
                        for row in rows if LANGUAGE_NOTE.match(row["note"]))
    for language in ("Spanish", "French", "German"):
        assert languages[(language, True)] >= 5, language
        assert languages[(language, False)] >= 3, language


def test_risky_messages_also_arrive_in_subject_courses(rows):
    """A disclosure in a literature or history course must count; the set must contain such cases."""
    per_subject = Counter(row["course_subject"] for row in rows if row["flags"])
    assert all(per_subject[subject] >= 10 for subject in SUBJECTS), per_subject


def test_readme_counts_match_the_file(rows):
    readme = README_PATH.read_text(encoding="utf-8")
    risky = sum(1 for row in rows if row["flags"])
    assert f"| total | {len(rows)} |" in readme
    assert f"| risky | {risky} |" in readme
    assert f"| benign | {len(rows) - risky} |" in readme
    for category in CATEGORIES:
        counts = Counter(flag["severity"] for row in rows for flag in row["flags"] if flag["category"] == category)
        line = f"| `{category}` | {sum(counts.values())} | {counts['high']} | {counts['medium']} | {counts['low']} |"
        assert line in readme, line


@pytest.mark.parametrize(("name", "prefix"),
                         [("safeguarding_heldout_c.jsonl", "c"), ("safeguarding_heldout_d.jsonl", "d")])
def test_the_later_blind_sets_have_the_same_shape(name, prefix):
    """Blind C and D were written the same way by other engineers; the benchmark reads them like the first."""
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    assert len({row["id"] for row in rows}) == len(rows) >= 400
    assert all(set(row) == FIELDS and re.fullmatch(rf"{prefix}-\d{{4}}", row["id"]) for row in rows)
    assert all(3 <= row["grade"] <= 12 and row["text"].strip() for row in rows)
    flags = [flag for row in rows for flag in row["flags"]]
    assert all(flag["category"] in CATEGORIES and flag["severity"] in SEVERITIES for flag in flags)
    assert 0.4 <= sum(1 for row in rows if row["flags"]) / len(rows) <= 0.6
    assert min(Counter(flag["category"] for flag in flags).values()) >= 40
