"""The REST API (v1): same rules as the portal, validated input, an OpenAPI schema, rate-limited explain."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from edu.api import LearnerProfile
from edu.rest.throttles import explain_allowed
from rag.api import IngestionJob

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_schema_documents_every_endpoint_of_the_issue():
    schema = APIClient().get(reverse("v1:schema"), {"format": "json"}).json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/courses/{slug}/materials/",
        "/api/v1/materials/{id}/",
        "/api/v1/courses/{slug}/jobs/",
        "/api/v1/jobs/{id}/",
        "/api/v1/courses/{slug}/search/",
        "/api/v1/courses/{slug}/explain/",
        "/api/v1/profile/",
        "/api/v1/export/",
    ):
        assert path in paths, path
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_courses_list_only_the_users_courses_with_their_role(world):
    data = api_as(world.users["teacher"]).get(reverse("v1:courses")).json()
    assert data == [
        {
            "slug": "water",
            "title": "Water",
            "description": "",
            "subject": "Science",
            "grade_band": "",
            "role": "teacher",
        }
    ]


def test_teachers_upload_through_the_api_and_see_the_job(world):
    client = api_as(world.users["teacher"])
    response = client.post(
        reverse("v1:materials", args=[world.course.slug]),
        {
            "files": [
                SimpleUploadedFile("tides.md", b"# Tides\nThe Moon pulls the sea."),
                SimpleUploadedFile("notes.docx", b"PK.."),
            ]
        },
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert [job["material_title"] for job in body["jobs"]] == ["tides"]
    assert body["errors"][0].startswith("notes.docx: '.docx' files are not supported")
    job = client.get(reverse("v1:job", args=[body["jobs"][0]["id"]])).json()
    assert job["state"] == IngestionJob.State.QUEUED


def test_students_cannot_upload(world):
    response = api_as(world.users["student"]).post(
        reverse("v1:materials", args=[world.course.slug]),
        {"files": [SimpleUploadedFile("a.txt", b"hello")]},
        format="multipart",
    )
    assert response.status_code == 403
    assert not IngestionJob.objects.filter(material__original_filename="a.txt").exists()


def test_profile_patch_validates_and_saves(world):
    client = api_as(world.users["student"])
    bad = client.patch(
        reverse("v1:profile"), {"reading_level": 40, "accessibility_needs": ["telepathy"]}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"reading_level", "accessibility_needs"}
    assert LearnerProfile.objects.get(user=world.users["student"]).reading_level == 6.0
    good = client.patch(
        reverse("v1:profile"), {"reading_level": 4.5, "accessibility_needs": ["dyslexia"]}, format="json"
    )
    assert good.json() == {
        "grade_level": 6,
        "reading_level": 4.5,
        "language": "en",
        "accessibility_needs": ["dyslexia"],
    }


def test_export_is_the_callers_own_data(world):
    data = api_as(world.users["other_student"]).get(reverse("v1:export")).json()
    assert data["account"]["username"] == "olive"


def test_material_detail_shows_redaction_counts_to_teachers_only(world):
    IngestionJob.objects.filter(pk=world.job.pk).update(stats={"redactions": {"PERSON": 1}})
    url = reverse("v1:material", args=[world.material.pk])
    assert api_as(world.users["teacher"]).get(url).json()["redactions"] == {"PERSON": 1}
    assert "redactions" not in api_as(world.users["student"]).get(url).json()


def test_explain_is_rate_limited_per_user_across_the_portal_and_the_api(world, settings):
    """One counter for both front doors: the limit cannot be doubled by switching between them."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"explain": "1/min"}}
    student = world.users["student"]
    request = RequestFactory().post("/")
    request.user = student
    assert explain_allowed(request)  # the one explanation of this minute
    api = api_as(student).post(reverse("v1:explain", args=[world.course.slug]), {"question": "Why?"}, format="json")
    assert api.status_code == 429
    portal = APIClient()
    portal.force_login(student)
    page = portal.post(reverse("portal:ask_stream", args=[world.course.slug]), {"question": "Why?"})
    assert page.status_code == 429
    assert page.json()["errors"]["__all__"] == ["Too many questions at once; please wait a minute."]
    other = world.users["other_student"]
    request.user = other
    assert explain_allowed(request)  # the limit is per user
