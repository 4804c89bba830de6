"""Finding 3 and 4: students never receive a raw upload, no media route exists, titles are redacted.

Students get what was indexed: the redacted text and Glossa's own rendering of a diagram (fresh
pixels with redacted labels painted over, or an allow-listed SVG). The original is for the course's
teachers and administrators only, through a permission-checked view, never from MEDIA_URL.
"""

from __future__ import annotations

import importlib
import io

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.urls import clear_url_caches, reverse
from PIL import Image

from edu.api import Material
from rag.api import DiagramGraph, IngestionJob, ingest_upload, run_ingestion
from rag.renditions import PAINT
from tests.factories import CourseFactory, MaterialFactory, UserFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db

LEAKY_NOTE = b"Water cycle notes. Ask Lina Brightwater (lina.brightwater@example.org) for the field photos."


@pytest.fixture
def course_people():
    course = CourseFactory(slug="earth")
    return course, student_in(course, username="pupil"), teacher_of(course, username="tutor")


def _as(client, user):
    client.force_login(user)
    return client


# --- The original upload -------------------------------------------------------------------------
def test_a_student_cannot_download_the_unredacted_original(client, course_people):
    course, student, _ = course_people
    note = MaterialFactory(course=course, content=LEAKY_NOTE, status=Material.Status.READY)
    response = _as(client, student).get(reverse("portal:material_file", args=[note.pk]))
    assert response.status_code == 403
    assert b"lina.brightwater" not in response.content


def test_the_courses_teacher_and_an_admin_get_the_original_as_a_sandboxed_attachment(client, course_people):
    course, _, teacher = course_people
    note = MaterialFactory(course=course, content=LEAKY_NOTE)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    for user in (teacher, admin):
        response = _as(client, user).get(reverse("portal:material_file", args=[note.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == LEAKY_NOTE
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Security-Policy"].startswith("sandbox")


def test_the_material_page_offers_students_no_link_to_the_original(client, course_people):
    course, student, teacher = course_people
    note = MaterialFactory(course=course, content=LEAKY_NOTE, status=Material.Status.READY)
    original = reverse("portal:material_file", args=[note.pk])
    reading_page = _as(client, student).get(reverse("portal:material_read", args=[note.pk]))
    assert reading_page.status_code == 200 and original not in reading_page.content.decode()
    assert original in _as(client, teacher).get(reverse("portal:material", args=[note.pk])).content.decode()


def test_no_media_route_exists_even_in_debug_mode(settings):
    """``make run`` used to serve MEDIA_ROOT without authentication whenever DEBUG was on."""
    settings.DEBUG = True
    import edu.urls

    try:
        reloaded = importlib.reload(edu.urls)
        views = [getattr(pattern, "callback", None) for pattern in reloaded.urlpatterns]
        assert not any(getattr(view, "__module__", "") == "django.views.static" for view in views)
        routes = [str(pattern.pattern) for pattern in reloaded.urlpatterns]
        assert not any(route.startswith(django_settings.MEDIA_URL) for route in routes)
    finally:
        settings.DEBUG = False
        importlib.reload(edu.urls)
        clear_url_caches()


def test_the_admin_change_form_links_the_checked_view_not_the_storage_url(client, course_people):
    course, _, _ = course_people
    note = MaterialFactory(course=course, content=LEAKY_NOTE)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = _as(client, admin).get(reverse("admin:edu_material_change", args=[note.pk])).content.decode()
    assert "/media/" not in page and note.file.name not in page
    assert reverse("portal:material_file", args=[note.pk]) in page


# --- What students see of a diagram --------------------------------------------------------------
def _photo_with_metadata() -> bytes:
    """A JPEG 'diagram' with two dark label boxes, GPS and author metadata."""
    image = Image.new("RGB", (200, 100), "white")
    for x0 in (20, 120):
        image.paste((0, 0, 0), (x0, 20, x0 + 60, 40))
    exif = Image.Exif()
    exif[0x013B] = "Lina Brightwater"  # Artist
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 10.0)}  # GPS: latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def test_a_students_picture_is_re_encoded_with_redacted_labels_painted_over_and_no_metadata(client, course_people):
    course, student, _ = course_people
    photo = MaterialFactory(
        course=course, kind=Material.Kind.IMAGE, original_filename="cycle.jpg", content=_photo_with_metadata(),
        status=Material.Status.READY,
    )
    DiagramGraph.objects.create(material=photo, width=200, height=100, text_blocks=[
        {"text": "<PERSON>", "bbox": [20, 20, 80, 40], "role": "node", "redacted": True},
        {"text": "Sun", "bbox": [120, 20, 180, 40], "role": "node", "redacted": False},
    ])  # fmt: skip
    response = _as(client, student).get(reverse("portal:material_picture", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"].startswith("sandbox")
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "PNG" and picture.size == (200, 100)
    assert picture.getpixel((50, 30)) == PAINT, "the redacted label is painted over"
    assert max(picture.getpixel((150, 30))) < 40, "the kept label is still there"
    assert not picture.getexif() and "exif" not in picture.info
    assert b"Lina" not in response.content and b"GPS" not in response.content


def test_a_diagram_indexed_before_text_boxes_were_kept_shows_students_no_picture(client, course_people):
    course, student, _ = course_people
    photo = MaterialFactory(
        course=course, kind=Material.Kind.IMAGE, original_filename="old.jpg", content=_photo_with_metadata(),
        status=Material.Status.READY,
    )
    DiagramGraph.objects.create(material=photo, width=200, height=100, text_blocks=None)
    assert _as(client, student).get(reverse("portal:material_picture", args=[photo.pk])).status_code == 404


def test_asking_about_a_course_diagram_hands_the_explainer_the_students_picture_not_the_upload(
    client, course_people, monkeypatch
):
    course, student, _ = course_people
    raw = _photo_with_metadata()
    photo = MaterialFactory(
        course=course, kind=Material.Kind.IMAGE, original_filename="cycle.jpg", content=raw,
        status=Material.Status.READY,
    )
    diagram = DiagramGraph.objects.create(material=photo, title="Cycle", width=200, height=100, text_blocks=[
        {"text": "<PERSON>", "bbox": [20, 20, 80, 40], "role": "node", "redacted": True},
    ])  # fmt: skip
    received: list[bytes] = []

    def explainer_spy(**kwargs):  # records what the view hands over; the explainer itself is tested elsewhere
        received.append(kwargs["image"])
        return iter([])

    monkeypatch.setattr("edu.portal.views.rag_api.stream_explanation", explainer_spy)
    response = _as(client, student).post(
        reverse("portal:ask_stream", args=[course.slug]), {"question": "What is this?", "diagram": diagram.pk}
    )
    b"".join(response.streaming_content)
    assert len(received) == 1 and received[0] != raw
    picture = Image.open(io.BytesIO(received[0]))
    assert picture.format == "PNG" and picture.getpixel((50, 30)) == PAINT


HOSTILE_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="300" height="120" onload="alert('svg')">
  <script>alert('script')</script>
  <foreignObject width="100" height="40"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <image href="https://tracker.example.net/pixel.png" width="1" height="1"/>
  <rect x="10" y="10" width="120" height="40" style="fill:#eef;stroke:url(https://tracker.example.net/s)"
        onclick="alert('click')"/>
  <text x="20" y="35">Evaporation</text>
  <text x="20" y="100">Drawn by lina.brightwater@example.org</text>
</svg>"""


def test_a_students_svg_is_an_allow_listed_copy_with_redacted_text_redrawn(client, course_people):
    course, student, _ = course_people
    drawing = MaterialFactory(
        course=course, kind=Material.Kind.SVG, original_filename="cycle.svg", content=HOSTILE_SVG,
        status=Material.Status.READY,
    )
    DiagramGraph.objects.create(material=drawing, width=300, height=120, text_blocks=[
        {"text": "Evaporation", "bbox": [20, 22, 90, 38], "role": "node", "redacted": False},
        {"text": "Drawn by <EMAIL_ADDRESS>", "bbox": [20, 88, 200, 104], "role": "note", "redacted": True},
    ])  # fmt: skip
    response = _as(client, student).get(reverse("portal:material_picture", args=[drawing.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("sandbox")
    body = response.content.decode()
    for forbidden in ("<script", "alert", "onload", "onclick", "foreignObject", "tracker.example.net", "lina."):
        assert forbidden not in body, forbidden
    assert "Evaporation" in body and "&lt;EMAIL_ADDRESS&gt;" in body and "#eef" in body


# --- Real ingestion: titles, stored names, refused files -----------------------------------------
@pytest.mark.slow
def test_a_title_and_original_name_from_a_pupils_filename_are_redacted(course_people):
    course, _, _ = course_people
    student_in(course, username="mgonzalez", first_name="Maria", last_name="Gonzalez")
    job = ingest_upload(
        course=course, filename="Maria_Gonzalez_S1234567_IEP_dyslexia.md", content=b"# Notes\n\nRivers.", enqueue=False
    )
    material = job.material
    for stored in (material.title, material.original_filename, material.file.name):
        for identifier in ("Maria", "Gonzalez", "S1234567"):
            assert identifier not in stored, (identifier, stored)
    assert material.original_filename.endswith(".md") and material.file.name.endswith(".md")


LABELLED_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="420" height="200">
  <defs><marker id="head" markerWidth="8" markerHeight="8" refX="8" refY="4" orient="auto">
    <path d="M0,0 L8,4 L0,8 z"/></marker></defs>
  <rect x="10" y="60" width="150" height="40" fill="none" stroke="black"/>
  <text x="20" y="85" font-size="14">Evaporation</text>
  <rect x="250" y="60" width="150" height="40" fill="none" stroke="black"/>
  <text x="260" y="85" font-size="14">Condensation</text>
  <line x1="160" y1="80" x2="250" y2="80" stroke="black" marker-end="url(#head)"/>
  <text x="10" y="180" font-size="12">Questions to lina.brightwater@example.org before Friday please</text>
</svg>"""


@pytest.mark.slow
def test_an_indexed_svg_reaches_students_without_the_email_written_on_it(client, course_people):
    course, student, _ = course_people
    job = run_ingestion(job_id=ingest_upload(course=course, filename="cycle.svg", content=LABELLED_SVG,
                                             enqueue=False).pk)  # fmt: skip
    assert job.state == IngestionJob.State.INDEXED, job.error_reason
    body = _as(client, student).get(reverse("portal:material_picture", args=[job.material_id])).content.decode()
    assert "lina.brightwater" not in body and "example.org" not in body
    assert "Evaporation" in body and "Condensation" in body


@pytest.mark.slow
def test_a_file_that_fails_validation_is_deleted_and_not_listed_for_students(client, course_people):
    course, student, teacher = course_people
    scripted = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><text x="1" y="9">A</text></svg>'
    queued = ingest_upload(course=course, filename="evil.svg", content=scripted, enqueue=False)
    stored_name = queued.material.file.name
    assert default_storage.exists(stored_name)
    job = run_ingestion(job_id=queued.pk)
    assert job.state == IngestionJob.State.FAILED
    material = Material.objects.get(pk=job.material_id)
    assert not material.file and not default_storage.exists(stored_name)
    course_page = _as(client, student).get(reverse("portal:course", args=[course.slug])).content.decode()
    assert reverse("portal:material", args=[material.pk]) not in course_page
    jobs_page = _as(client, teacher).get(reverse("portal:jobs", args=[course.slug])).content.decode()
    assert "script" in jobs_page.lower()  # the teacher still sees why it failed
