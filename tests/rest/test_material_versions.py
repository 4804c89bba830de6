"""A new version of a material through the REST API: the portal's service behind the portal's permission
rules (its course's teachers and admins; 404 outside one's courses, 403 for the course's students), queued
for indexing while students keep the current version; input the service refuses is a 400 that says why and
leaves the material as it was."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from edu.api import Material
from rag.api import IngestionJob, run_ingestion

pytestmark = pytest.mark.django_db

NEW_VERSION = b"# Evaporation\n\nThe Sun warms the sea and water rises into the air as vapour.\n"


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def post_version(world, role: str, upload: SimpleUploadedFile | None):
    data = {"file": upload} if upload is not None else {}
    return api_as(world.users[role]).post(
        reverse("v1:material_new_version", args=[world.material.pk]), data, format="multipart")


def as_stored(material: Material) -> tuple:
    material.refresh_from_db()
    return material.file.name, material.sha256, material.version, material.status, material.original_filename


@pytest.mark.parametrize("role", ["teacher", "admin"])
def test_a_teacher_of_the_course_queues_a_new_version_and_students_keep_the_current_one(world, role):
    before = as_stored(world.material)
    response = post_version(world, role, SimpleUploadedFile("evaporation-v2.md", NEW_VERSION))

    assert response.status_code == 202
    job = response.json()
    assert (job["material"], job["replacement"], job["new_filename"], job["state"]) == (
        world.material.pk, True, "evaporation-v2.md", IngestionJob.State.QUEUED)
    assert as_stored(world.material) == before  # nothing changes for students until it is indexed
    assert api_as(world.users["teacher"]).get(reverse("v1:job", args=[job["id"]])).json()["id"] == job["id"]


@pytest.mark.slow
def test_the_queued_version_takes_the_materials_place_once_the_job_pipeline_indexes_it(world):
    job_id = post_version(world, "teacher", SimpleUploadedFile("evaporation-v2.md", NEW_VERSION)).json()["id"]

    run_ingestion(job_id=job_id)

    detail = api_as(world.users["student"]).get(reverse("v1:material", args=[world.material.pk])).json()
    assert (detail["id"], detail["title"], detail["version"], detail["status"]) == (
        world.material.pk, "Evaporation notes", 2, Material.Status.READY)
    assert any("water rises into the air" in chunk["text"] for chunk in detail["chunks"])


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 401), ("student", 403), ("other_student", 404), ("other_teacher", 404)])
def test_nobody_else_may_replace_a_material(world, role, status):
    before = as_stored(world.material)
    response = post_version(world, role, SimpleUploadedFile("evaporation-v2.md", NEW_VERSION))

    assert response.status_code == status
    assert as_stored(world.material) == before
    assert not IngestionJob.objects.filter(material=world.material, replacement=True).exists()


@pytest.mark.parametrize(("upload", "says"), [
    (None, "No file was submitted."),
    (SimpleUploadedFile("evaporation.md", b""), "empty"),
    (SimpleUploadedFile("evaporation.exe", b"MZ\x90\x00"), "'.exe' files are not supported"),
    (SimpleUploadedFile("evaporation.txt", b"Plants make food from light, water and carbon dioxide."),
     "already has"),  # the very file the material has (MaterialFactory's content)
])
def test_a_refused_version_is_a_400_that_says_why_and_keeps_the_current_version(world, upload, says):
    before = as_stored(world.material)
    response = post_version(world, "teacher", upload)

    assert response.status_code == 400
    assert says in " ".join(response.json()["file"])
    assert as_stored(world.material) == before
    assert not IngestionJob.objects.filter(material=world.material, replacement=True).exists()


def test_a_file_over_the_upload_limit_is_refused_while_it_streams_in(world, settings):
    settings.GLOSSA = {**settings.GLOSSA, "MAX_UPLOAD_BYTES": 32}
    before = as_stored(world.material)
    response = post_version(world, "teacher", SimpleUploadedFile("evaporation-v2.md", NEW_VERSION))

    assert response.status_code == 400
    assert "larger than the" in response.json()["file"][0]
    assert as_stored(world.material) == before


def test_a_second_version_waits_for_the_first_to_be_indexed(world):
    assert post_version(world, "teacher", SimpleUploadedFile("evaporation-v2.md", NEW_VERSION)).status_code == 202
    response = post_version(world, "teacher", SimpleUploadedFile("evaporation-v3.md", NEW_VERSION + b"More."))

    assert response.status_code == 400
    assert "still being indexed" in response.json()["file"][0]
    assert IngestionJob.objects.filter(material=world.material, replacement=True).count() == 1


def test_the_schema_documents_the_endpoint():
    schema = APIClient().get(reverse("v1:schema"), {"format": "json"}).json()
    assert "post" in schema["paths"]["/api/v1/materials/{id}/new-version/"]
