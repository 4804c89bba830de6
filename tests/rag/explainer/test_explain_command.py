"""`manage.py explain`: live tokens or JSON with text, citations, grounding verdicts and timings."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rag.explainer import NOT_FOUND
from tests.rag.explainer.conftest import learner_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _run(*args: str) -> str:
    out = StringIO()
    call_command("explain", *args, stdout=out)
    return out.getvalue()


def test_json_output_has_text_citations_grounding_and_timings(water_course, generator):
    learner_in(water_course, grade=7, username="maya")
    result = json.loads(_run("--course", "water", "--user", "maya", "--json", "What is evaporation?"))
    assert result["text"]
    assert result["citations"]
    assert {"status", "sentences", "supported", "verdicts"} <= set(result["grounding"])
    for stage in ("redact", "retrieve", "image", "prompt", "first_token", "generate", "grounding", "total"):
        assert stage in result["timings"]
    assert result["timings"]["tokens_per_s"] > 0


def test_plain_output_streams_the_answer_then_lists_sources_and_verdicts(water_course, generator):
    learner_in(water_course, grade=7, username="maya")
    output = _run("--course", "water", "--user", "maya", "What is condensation?")
    assert "Grounding:" in output
    assert "tokens/s" in output


def test_an_off_course_question_is_answered_with_not_found(water_course):
    learner_in(water_course, grade=7, username="maya")
    result = json.loads(_run("--course", "water", "--user", "maya", "--json", "Who painted the Mona Lisa?"))
    assert result["text"] == NOT_FOUND
    assert result["grounding"]["status"] == "no_sources"


def test_unknown_course_user_or_image_are_clear_errors(water_course, tmp_path):
    learner_in(water_course, grade=7, username="maya")
    with pytest.raises(CommandError, match="No course"):
        _run("--course", "nope", "--user", "maya", "Why?")
    with pytest.raises(CommandError, match="No user"):
        _run("--course", "water", "--user", "nobody", "Why?")
    with pytest.raises(CommandError, match="image file cannot be read"):
        _run("--course", "water", "--user", "maya", "--image", str(tmp_path / "missing.png"), "Why?")
