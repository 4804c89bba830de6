"""Finding 9: uploads over the limit are refused while they stream, before anything is stored, and no
upload is read whole into memory; request sizes are capped in Django and gunicorn."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from edu.api import Material
from edu.portal.services import upload_materials
from edu.uploads import SizeLimitedUploadHandler
from tests.factories import CourseFactory, teacher_of

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024


@pytest.fixture
def small_limit(settings):
    settings.GLOSSA = {**settings.GLOSSA, "MAX_UPLOAD_BYTES": LIMIT}


@pytest.fixture
def course_teacher():
    course = CourseFactory(slug="earth")
    return course, teacher_of(course, username="tutor")


class CountingHandler(SizeLimitedUploadHandler):
    """The real handler, recording how many bytes of each file it let through to storage."""

    passed: dict[str, int] = {}

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        chunk = super().receive_data_chunk(raw_data, start)
        CountingHandler.passed[self.file_name] = CountingHandler.passed.get(self.file_name, 0) + len(chunk)
        return chunk


@pytest.mark.slow
def test_a_file_past_the_limit_is_dropped_while_streaming_and_the_others_are_kept(
    client, settings, small_limit, course_teacher
):
    course, teacher = course_teacher
    settings.FILE_UPLOAD_HANDLERS = ["tests.security.test_uploads.CountingHandler", *settings.FILE_UPLOAD_HANDLERS[1:]]
    CountingHandler.passed = {}
    client.force_login(teacher)
    big = SimpleUploadedFile("huge-scan.txt", b"a" * (LIMIT * 8))
    small = SimpleUploadedFile("rivers.txt", b"Rivers carry water to the sea.")
    response = client.post(reverse("portal:materials", args=[course.slug]), {"files": [big, small]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "huge-scan.txt: this file is larger than the 0.0625 MB upload limit and was not kept" in page
    assert CountingHandler.passed["huge-scan.txt"] <= LIMIT, "reading stopped at the limit"
    assert list(Material.objects.filter(course=course).values_list("original_filename", flat=True)) == ["rivers.txt"]


def test_the_api_reports_a_file_dropped_for_its_size(small_limit, course_teacher):
    course, teacher = course_teacher
    api = APIClient()
    api.force_authenticate(teacher)
    big = SimpleUploadedFile("huge-scan.txt", b"a" * (LIMIT + 1))
    response = api.post(reverse("v1:materials", args=[course.slug]), {"files": [big]}, format="multipart")
    assert response.status_code == 400
    assert "larger than the 0.0625 MB upload limit" in response.json()["errors"][0]
    assert not Material.objects.filter(course=course).exists()


class NoWholeReads(TemporaryUploadedFile):
    """A large upload as Django hands it over (on disk), failing the test if anyone reads it whole."""

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size > 0, "the upload was read whole into memory"
        return self.file.read(size)


@pytest.mark.slow
# Storage moves Django's temporary upload file into place; its closer then finds nothing to delete.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_upload_service_streams_files_in_chunks(course_teacher):
    course, teacher = course_teacher
    content = b"# Rivers\n\n" + b"Rivers carry water to the sea. " * 20000
    upload = NoWholeReads("rivers.md", "text/markdown", len(content), "utf-8")
    upload.file.write(content)
    upload.file.seek(0)
    outcome = upload_materials(course=course, files=[upload], uploaded_by=teacher)
    assert not outcome.errors and len(outcome.jobs) == 1
    material = outcome.jobs[0].material
    assert material.size_bytes == len(content)
    with material.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.slow
def test_empty_and_unsupported_uploads_are_reported_and_nothing_is_kept(course_teacher):
    course, teacher = course_teacher
    outcome = upload_materials(
        course=course,
        files=[SimpleUploadedFile("blank.md", b""), SimpleUploadedFile("setup.exe", b"MZ\x90\x00")],
        uploaded_by=teacher,
    )
    assert not outcome.jobs
    assert any(error.startswith("blank.md:") and "empty" in error for error in outcome.errors)
    assert any(error.startswith("setup.exe:") for error in outcome.errors)
    assert not Material.objects.filter(course=course).exists()


def test_a_request_with_too_many_files_is_refused(client, settings, course_teacher):
    course, teacher = course_teacher
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client.force_login(teacher)
    files = [SimpleUploadedFile(f"part-{n}.txt", b"Rivers.") for n in range(4)]
    response = client.post(reverse("portal:materials", args=[course.slug]), {"files": files})
    assert response.status_code == 400
    assert not Material.objects.filter(course=course).exists()


def test_request_size_limits_are_configured_for_django_and_gunicorn(settings):
    from edu import gunicorn_config

    assert settings.FILE_UPLOAD_HANDLERS[0] == "edu.uploads.SizeLimitedUploadHandler"
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES and settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert gunicorn_config.limit_request_line <= 8190
    assert gunicorn_config.limit_request_fields <= 100
    assert gunicorn_config.limit_request_field_size <= 8190
