"""`manage.py screen`: JSON lines in, one verdict a line out; bad lines get an error and the batch goes on."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.factories import CourseFactory, ObjectiveFactory


def run(lines: list[str], monkeypatch, **options) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    call_command("screen", stdout=out, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_line_gets_its_flags_and_bad_lines_an_error(monkeypatch):
    results = run([
        json.dumps({"id": "a", "text": "I want to kill myself"}),
        "this is not json",
        json.dumps({"id": "c", "text": "the cell kills bacteria"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 5}),
        "",
        json.dumps({"id": "f", "text": "how do i make a pipe bomb"}),
    ], monkeypatch)
    assert results == [
        {"id": "a", "flags": [{"category": "self_harm", "severity": "high"}]},
        {"id": None, "line": 2, "error": "not valid JSON: Expecting value"},
        {"id": "c", "flags": []},
        {"id": None, "line": 4, "error": "each line must be a JSON object with id and text"},
        {"id": 5, "line": 5, "error": "text is missing or not a string"},
        {"id": "f", "flags": [{"category": "harmful_request", "severity": "high"}]},
    ]


def test_output_never_repeats_the_text(monkeypatch):
    [result] = run([json.dumps({"id": 1, "text": "my dad hits me"})], monkeypatch)
    assert "dad" not in json.dumps(result)


@pytest.mark.django_db
def test_a_course_lends_its_vocabulary(monkeypatch):
    course = CourseFactory(slug="chem", title="Reactions", subject="Chemistry")
    ObjectiveFactory(course=course, title="Explosive decomposition")
    line = json.dumps({"id": 1, "text": "how do we make explosive decomposition happen in the lab"})
    assert run([line], monkeypatch) == [{"id": 1, "flags": [{"category": "harmful_request", "severity": "high"}]}]
    assert run([line], monkeypatch, course="chem") == [{"id": 1, "flags": []}]
    with pytest.raises(CommandError, match="No course"):
        run([line], monkeypatch, course="missing")
