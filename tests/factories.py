"""Factories for the learning domain. Other apps' tests add theirs beside their tests."""

from __future__ import annotations

import hashlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from edu.models import (
    Course,
    Enrollment,
    Interaction,
    LearnerProfile,
    LearningObjective,
    Mastery,
    Material,
    PracticeItem,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's signature
        if create:
            obj.save()


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    subject = "Science"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningObjective

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"objective-{n}")
    title = factory.Sequence(lambda n: f"Objective {n}")


class LearnerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    grade_level = 6
    reading_level = 6.0


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    role = Enrollment.Role.STUDENT


def student_in(course: Course, **user_fields) -> object:
    """A user enrolled as a student in ``course``, with a learner profile."""
    user = UserFactory(**user_fields)
    EnrollmentFactory(user=user, course=course, role=Enrollment.Role.STUDENT)
    LearnerProfileFactory(user=user)
    return user


def teacher_of(course: Course, **user_fields) -> object:
    user = UserFactory(**user_fields)
    EnrollmentFactory(user=user, course=course, role=Enrollment.Role.TEACHER)
    return user


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    class Params:
        content = b"Plants make food from light, water and carbon dioxide."

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Material {n}")
    kind = Material.Kind.TEXT
    original_filename = "lesson.txt"
    file = factory.LazyAttribute(lambda m: ContentFile(m.content, name=m.original_filename))
    sha256 = factory.LazyAttribute(lambda m: hashlib.sha256(m.content).hexdigest())
    size_bytes = factory.LazyAttribute(lambda m: len(m.content))


class MasteryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mastery

    learner = factory.SubFactory(UserFactory)
    objective = factory.SubFactory(ObjectiveFactory)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    learner = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    question_redacted = "Why does water evaporate?"


class PracticeItemFactory(factory.django.DjangoModelFactory):
    """A multiple-choice item by default; pass kind=short_answer with answer=[...] for a short answer."""

    class Meta:
        model = PracticeItem

    objective = factory.SubFactory(ObjectiveFactory)
    kind = PracticeItem.Kind.MULTIPLE_CHOICE
    prompt = factory.Sequence(lambda n: f"Question {n}: where does a plant make its food?")
    choices = factory.LazyAttribute(lambda i: ["Roots", "Leaves", "Stem"] if i.kind == "multiple_choice" else [])
    answer = factory.LazyAttribute(lambda i: 1 if i.kind == "multiple_choice" else ["leaves"])
    explanation = "Leaves hold the chlorophyll."
