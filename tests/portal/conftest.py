"""A small world for portal and API tests: two courses, a person in every role, and their data."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from edu.api import Course, Interaction, Material, PracticeItem
from rag.api import IngestionJob
from tests.factories import (
    CourseFactory,
    InteractionFactory,
    MaterialFactory,
    ObjectiveFactory,
    PracticeItemFactory,
    UserFactory,
    student_in,
    teacher_of,
)

ROLES = ("anonymous", "student", "other_student", "teacher", "other_teacher", "admin")


@dataclass
class World:
    course: Course
    other_course: Course
    users: dict
    material: Material
    job: IngestionJob
    interaction: Interaction
    item: PracticeItem


@pytest.fixture
def world(db) -> World:
    course = CourseFactory(slug="water", title="Water")
    other_course = CourseFactory(slug="rocks", title="Rocks")
    users = {
        "anonymous": None,
        "student": student_in(course, username="sam", first_name="Sam", last_name="Stone"),
        "other_student": student_in(other_course, username="olive", first_name="Olive", last_name="Oak"),
        "teacher": teacher_of(course, username="tess", first_name="Tess", last_name="Tide"),
        "other_teacher": teacher_of(other_course, username="otto", first_name="Otto", last_name="Ore"),
        "admin": UserFactory(username="ada", is_staff=True, is_superuser=True),
    }
    material = MaterialFactory(course=course, title="Evaporation notes")
    job = IngestionJob.objects.create(material=material, state=IngestionJob.State.INDEXED, progress=100)
    interaction = InteractionFactory(learner=users["student"], course=course)
    item = PracticeItemFactory(objective=ObjectiveFactory(course=course, title="Evaporation", p_init=0.3))
    return World(
        course=course,
        other_course=other_course,
        users=users,
        material=material,
        job=job,
        interaction=interaction,
        item=item,
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """Six accounts per test: the production hasher's deliberate slowness would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Throttle counters live in the cache; each test starts with none used."""
    cache.clear()
