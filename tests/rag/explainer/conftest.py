"""A small science course indexed with the real embedder, learners of two reading levels, the real generator
(on every backend)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

import edu.demo
from edu.api import LearnerProfile
from rag.embeddings import get_embedder
from rag.generation.backends import BACKENDS, get_generator
from rag.models import Chunk, DiagramGraph
from tests.factories import CourseFactory, MaterialFactory, ObjectiveFactory, student_in

WATER_CYCLE_LESSON = Path(edu.demo.__file__).parent / "content" / "water_cycle.md"


def lesson_sections() -> list[tuple[str, str]]:
    """The four stage sections of the demo water-cycle lesson: real teaching prose, as a teacher wrote it."""
    text = WATER_CYCLE_LESSON.read_text().replace("**", "")
    stages = re.findall(r"^### (\w+)\n\n(.+?)(?=\n#)", text, flags=re.MULTILINE | re.DOTALL)
    return [(heading, " ".join(body.split())) for heading, body in stages]


DIAGRAM_DESCRIPTION = (
    "Diagram: The water cycle. It has 4 labels: Evaporation, Condensation, Precipitation, Collection. "
    "Arrows: Evaporation leads to Condensation. Condensation leads to Precipitation. "
    "Precipitation leads to Collection. Collection leads to Evaporation."
)
DIAGRAM_LABELS = ["Evaporation", "Condensation", "Precipitation", "Collection"]


def backend_settings(backend: str, request: pytest.FixtureRequest) -> dict:
    """Settings that select ``backend`` on the packaged SmolLM2-135M weights."""
    if backend == "openai":
        server = request.getfixturevalue("llama_server")
        return {"LLM_BACKEND": "openai", "LLM_BASE_URL": server.base_url, "LLM_MODEL": "", "LLM_API_KEY": ""}
    return {"LLM_BACKEND": backend, "LLM_MODEL": ""}


@pytest.fixture(scope="session", params=BACKENDS)
def generator_settings(request) -> dict:
    return backend_settings(request.param, request)


@pytest.fixture(scope="session")
def generator(generator_settings):
    """The packaged model on each backend in turn (llama.cpp in process, a real llama.cpp server, transformers),
    loaded once; every test that asks for it runs on all three."""
    with override_settings(GLOSSA={**django_settings.GLOSSA, **generator_settings}):
        return get_generator()


@pytest.fixture(scope="session")
def default_generator(request):
    """The packaged model on the default backend (llama.cpp in process), for tests of what the explainer makes of
    any model's text (tailoring, descriptions, placeholders): the backends' own differences (loading, streaming,
    what they write) are tested with ``generator`` on all three, and each runs at a third of the cost."""
    with override_settings(GLOSSA={**django_settings.GLOSSA, **backend_settings(DEFAULT_BACKEND, request)}):
        return get_generator()


DEFAULT_BACKEND = django_settings.GLOSSA["LLM_BACKEND"]


@pytest.fixture(autouse=True)
def _generator_backend(request, settings):
    """A test that uses the generator explains with it (the explainer asks ``get_generator`` for it)."""
    if "generator" in request.fixturenames:
        settings.GLOSSA = {**settings.GLOSSA, **request.getfixturevalue("generator_settings")}
    elif "default_generator" in request.fixturenames:
        settings.GLOSSA = {**settings.GLOSSA, **backend_settings(DEFAULT_BACKEND, request)}


def _index(material, texts: list[tuple[str, str]], *, diagram=None) -> list[Chunk]:
    vectors = get_embedder().encode([f"{heading}\n{text}" for heading, text in texts])
    return [
        Chunk.objects.create(
            course=material.course, material=material, diagram=diagram, ordinal=ordinal, heading=heading, text=text,
            modality=Chunk.Modality.DIAGRAM if diagram else Chunk.Modality.TEXT,
            embedding=vector, embedding_model=get_embedder().model_name,
        )
        for ordinal, ((heading, text), vector) in enumerate(zip(texts, vectors, strict=True))
    ]


@pytest.fixture
def water_course(db):
    """A course with a water-cycle lesson (4 passages) and its diagram, indexed with real vectors."""
    course = CourseFactory(slug="water", title="Earth science")
    objective = ObjectiveFactory(course=course, code="water-cycle", title="Describe the water cycle")
    lesson = MaterialFactory(course=course, title="The water cycle", content=b"water cycle lesson")
    lesson.objectives.add(objective)
    _index(lesson, lesson_sections())
    picture = MaterialFactory(course=course, title="Water cycle diagram", content=b"water cycle diagram")
    graph = DiagramGraph.objects.create(
        material=picture, title="The water cycle", width=800, height=600, description=DIAGRAM_DESCRIPTION,
        nodes=[{"id": f"n{i}", "label": label, "bbox": [0, 0, 10, 10], "score": 1.0}
               for i, label in enumerate(DIAGRAM_LABELS)],
        edges=[{"source": f"n{i}", "target": f"n{(i + 1) % 4}", "directed": True, "label": ""} for i in range(4)],
    )
    _index(picture, [("The water cycle", DIAGRAM_DESCRIPTION)], diagram=graph)
    return course


def learner_in(course, *, grade: int, accessibility: tuple[str, ...] = (), **user_fields):
    learner = student_in(course, **user_fields)
    LearnerProfile.objects.filter(user=learner).update(
        grade_level=grade, reading_level=float(grade), accessibility_needs=list(accessibility)
    )
    return learner


@pytest.fixture(autouse=True)
def _short_answers(settings):
    """Enough tokens for 3-4 sentences; keeps the real-model tests within the suite's time budget."""
    settings.GLOSSA = {**settings.GLOSSA, "MAX_NEW_TOKENS": 72}
