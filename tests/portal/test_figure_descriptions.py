"""A picture nothing could be read on: the material page asks its teacher for a description, which is
redacted, re-indexed in the background and read by screen readers; nobody else may set it."""

from __future__ import annotations

import html

import numpy as np
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from edu.celery import app as celery_app
from rag.api import Chunk, DiagramGraph, ingest_upload, rerun_ingestion, run_ingestion
from tests.factories import student_in
from tests.rag.ingestion import photos

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PROMPT = "No labels could be read on this picture"


@pytest.fixture
def photo(world) -> DiagramGraph:
    """The course's indexed photo of star trails (no words on it)."""
    job = ingest_upload(course=world.course, filename="star-trails.jpg", content=photos.star_trails(), enqueue=False)
    run_ingestion(job_id=job.pk)
    return DiagramGraph.objects.get(material=job.material)


@pytest.fixture
def tasks_run_inline(monkeypatch) -> None:
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_the_material_page_asks_the_course_teacher_to_describe_an_unlabelled_picture(world, photo):
    url = reverse("portal:material", args=[photo.material_id])
    teacher_page = client_for(world.users["teacher"]).get(url).content.decode()
    student_page = client_for(world.users["student"]).get(url).content.decode()

    assert PROMPT in teacher_page and reverse("portal:describe_figure", args=[photo.pk]) in teacher_page
    assert PROMPT not in student_page
    assert reverse("portal:describe_figure", args=[photo.pk]) not in student_page


def test_only_a_teacher_of_the_course_may_describe_a_picture(world, photo):
    url = reverse("portal:describe_figure", args=[photo.pk])
    before = Chunk.objects.get(diagram=photo).text
    data = {"description": "Star trails above a hill."}

    assert client_for(world.users["other_teacher"]).post(url, data).status_code == 404
    assert client_for(world.users["student"]).post(url, data).status_code == 403
    photo.refresh_from_db()
    assert photo.teacher_description == "" and Chunk.objects.get(diagram=photo).text == before


def test_a_description_is_redacted_re_indexed_and_becomes_the_pictures_alt_text(
    world, photo, tasks_run_inline, django_capture_on_commit_callbacks
):
    student_in(world.course, first_name="Amelia", last_name="Okonkwo")
    chunk = Chunk.objects.get(diagram=photo)
    vector_before = np.array(chunk.embedding)
    url = reverse("portal:describe_figure", args=[photo.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.users["teacher"]).post(
            url, {"description": "Star trails circling the pole star above the hill, photographed by Amelia Okonkwo."}
        )

    assert response.status_code == 302
    photo.refresh_from_db()
    chunk.refresh_from_db()
    for stored in (photo.teacher_description, chunk.text):
        assert "Okonkwo" not in stored and "Amelia" not in stored
        assert "Star trails circling the pole star above the hill" in stored
    assert not np.allclose(np.array(chunk.embedding), vector_before), "the chunk was embedded again"
    assert not photo.needs_description

    student = client_for(world.users["student"])
    page = student.get(reverse("portal:material_read", args=[photo.material_id]))
    assert f'alt="{html.escape(photo.teacher_description)}"' in page.content.decode()
    (api_figure,) = student.get(reverse("v1:material", args=[photo.material_id])).json()["diagrams"]
    assert api_figure["alt_text"] == photo.teacher_description and not api_figure["needs_description"]


def test_an_empty_description_changes_nothing_and_a_re_run_keeps_a_given_one(
    world, photo, tasks_run_inline, django_capture_on_commit_callbacks
):
    teacher = client_for(world.users["teacher"])
    url = reverse("portal:describe_figure", args=[photo.pk])
    assert teacher.post(url, {"description": "   "}).status_code == 302
    photo.refresh_from_db()
    assert photo.needs_description, "nothing was stored"

    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(url, {"description": "Star trails over a dark hill."})
    job = run_ingestion(job_id=rerun_ingestion(material=photo.material, enqueue=False).pk)

    again = DiagramGraph.objects.get(material=job.material)
    assert again.pk != photo.pk and again.teacher_description == "Star trails over a dark hill."
    assert "Star trails over a dark hill." in Chunk.objects.get(diagram=again).text


def test_a_figure_known_only_by_its_caption_is_shown_with_it_and_not_offered_for_description(world):
    page = b"""<h1>Heart</h1><p>The heart pumps blood.</p>
    <figure><img src="heart.png" alt="A cut-away heart"><figcaption>Figure 2 The four chambers.</figcaption></figure>"""
    job = run_ingestion(job_id=ingest_upload(course=world.course, filename="heart.html", content=page,
                                             enqueue=False).pk)  # fmt: skip
    figure = DiagramGraph.objects.get(material=job.material)

    shown = client_for(world.users["teacher"]).get(reverse("portal:material", args=[job.material_id]))
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "Figure 2 The four chambers." in text and "in Heart" in text
    assert reverse("portal:describe_figure", args=[figure.pk]) not in text, "its picture is not in the file"
