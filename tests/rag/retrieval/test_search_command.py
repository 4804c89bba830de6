"""`manage.py search`: the same search as the portal, from a terminal, as a table or JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rag.embeddings import get_embedder
from rag.models import Chunk
from tests.factories import CourseFactory, MaterialFactory, UserFactory, student_in
from tests.rag.retrieval.factories import ChunkFactory, DiagramGraphFactory

pytestmark = pytest.mark.django_db


def run_search(*args: str) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_unknown_course_and_user_and_outsiders_get_clear_errors_without_personal_data():
    course = CourseFactory(slug="earth")
    outsider = UserFactory(username="outsider-jo")

    with pytest.raises(CommandError, match="No course with slug 'nowhere'"):
        run_search("--course", "nowhere", "--user", outsider.username, "rocks")
    with pytest.raises(CommandError, match="No user with that username") as error:
        run_search("--course", course.slug, "--user", "jo.secret", "rocks")
    assert "jo.secret" not in str(error.value)
    with pytest.raises(CommandError, match="may not search this course"):
        run_search("--course", course.slug, "--user", outsider.username, "rocks")
    with pytest.raises(CommandError, match="k must"):
        run_search("--course", course.slug, "--user", student_in(course).username, "--k", "0", "rocks")


@pytest.fixture
def indexed_course():
    course = CourseFactory(slug="water")
    embedder = get_embedder()
    texts = ["Evaporation: the Sun heats the sea and water becomes vapour.", "Igneous rock forms from magma."]
    for text in texts:
        ChunkFactory(course=course, text=text, heading=text.split(":")[0], embedding=embedder.encode([text])[0])
    material = MaterialFactory(course=course, title="Water cycle diagram", content=b"diagram")
    diagram_text = "Diagram: Ocean leads to Evaporation, Evaporation leads to Clouds."
    ChunkFactory(
        course=course,
        material=material,
        diagram=DiagramGraphFactory(material=material),
        modality=Chunk.Modality.DIAGRAM,
        text=diagram_text,
        region=[0, 0, 640, 480],
        embedding=embedder.encode([diagram_text])[0],
    )
    return course


@pytest.mark.slow
def test_table_output_lists_hits_with_provenance_and_scores(indexed_course):
    student = student_in(indexed_course)

    output = run_search("--course", "water", "--user", student.username, "--k", "2", "How does water evaporate?")

    lines = output.splitlines()
    assert lines[0] == "query (redacted): How does water evaporate?"
    assert " 1. " in output and " 2. " in output and " 3. " not in output
    assert "[diagram] Water cycle diagram" in output and "region [0, 0, 640, 480]" in output
    assert "vector #" in output and "rrf " in output and "mastery " in output
    assert lines[-1].startswith("ms: redact")


@pytest.mark.slow
def test_json_output_is_the_search_response(indexed_course):
    student = student_in(indexed_course)

    payload = json.loads(run_search("--course", "water", "--user", student.username, "--json", "magma rock"))

    assert payload["query_redacted"] == "magma rock"
    assert payload["hits"][0]["text"] == "Igneous rock forms from magma."
    assert set(payload["hits"][0]["scores"]) >= {"rrf", "mastery_boost", "reading_fit", "final"}
    assert set(payload["timings"]) >= {"redact", "encode", "retrieve", "total"}
