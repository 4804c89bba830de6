"""The reading page of a material and new versions of it, through the portal with the real pipeline."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from edu.api import Material
from rag import api as rag_api

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

LESSON = (
    b"# The water cycle\n\n## Evaporation\n\nThe **Sun** heats water in oceans and lakes. The water turns into "
    b"vapour and rises.\n\n- Oceans\n- Lakes\n\n![Arrows from the sea up to a cloud](cycle.png \"Water cycle\")\n\n"
    b"*Figure 1: Water rises as vapour.*\n\n## Condensation\n\nHigh up, the vapour cools into droplets that form "
    b"clouds.\n\nQuestions? Write to tess.tide@school.example or call 555-201-7788.\n"
)
NEW_LESSON = b"# The water cycle\n\n## Precipitation\n\nDroplets join and fall as rain, snow or hail.\n"


@pytest.fixture
def lesson(world) -> Material:
    job = rag_api.ingest_upload(course=world.course, filename="water.md", content=LESSON, enqueue=False)
    job = rag_api.run_ingestion(job_id=job.pk)
    assert job.state == rag_api.IngestionJob.State.INDEXED, job.error_reason
    return Material.objects.get(pk=job.material_id)


def as_user(client, user):
    client.force_login(user)
    return client


def read(client, material: Material, query: str = "") -> str:
    response = client.get(reverse("portal:material_read", args=[material.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_students_read_clean_redacted_text_with_headings_lists_and_figures(client, world, lesson):
    page = read(as_user(client, world.users["student"]), lesson)
    article = page[page.index('<article class="reading"'):page.index("</article>")]

    assert "<h2>Evaporation</h2>" in article and "<h2>Condensation</h2>" in article  # the title is the h1
    assert "<li>Oceans</li>" in article and "<li>Lakes</li>" in article
    assert "The Sun heats water in oceans and lakes." in article
    assert "Arrows from the sea up to a cloud" in article and "Figure 1: Water rises as vapour." in article
    assert article.count("Figure 1: Water rises as vapour.") == 1  # in the figure, not again as a paragraph
    for debug_or_markup in ("badge", "matched against", "chunk", "**", "## ", "![", "Evaporation &gt;"):
        assert debug_or_markup not in article, debug_or_markup
    assert "tess.tide@school.example" not in page and "555-201-7788" not in page
    assert len(re.findall(r'id="passage-\d+"', article)) == rag_api.Chunk.objects.filter(material=lesson).count()


def test_a_citation_opens_its_passage_marked_and_an_older_link_is_sent_there(client, world, lesson):
    student = as_user(client, world.users["student"])
    chunk = rag_api.Chunk.objects.filter(material=lesson, text__contains="droplets").get()

    page = read(student, lesson, f"?passage={chunk.ordinal}&version=1")
    marked = [html.unescape(part) for part in re.findall(r'<mark class="cited-passage is-cited">(.*?)</mark>', page)]
    assert "".join(marked) and all(part in chunk.text for part in marked)
    assert "The Sun heats water" not in "".join(marked)
    assert f'href="#passage-{chunk.ordinal}"' in page

    old_link = student.get(reverse("portal:material", args=[lesson.pk]) + f"?chunk={chunk.pk}")
    assert old_link.status_code == 302
    assert old_link["Location"].endswith(f"/read/?chunk={chunk.pk}#passage-{chunk.ordinal}")


def test_teachers_keep_the_index_view_and_a_failed_material_is_for_them_only(client, world, lesson):
    teacher_page = as_user(client, world.users["teacher"]).get(reverse("portal:material", args=[lesson.pk]))
    assert "matched against" in teacher_page.content.decode()  # the index stays for teachers
    assert reverse("portal:material_read", args=[lesson.pk]) in teacher_page.content.decode()

    Material.objects.filter(pk=lesson.pk).update(status=Material.Status.FAILED)
    student = as_user(client, world.users["student"])
    assert student.get(reverse("portal:material_read", args=[lesson.pk])).status_code == 404
    client.logout()
    teacher = as_user(client, world.users["teacher"])
    assert teacher.get(reverse("portal:material_read", args=[lesson.pk])).status_code == 200


def test_a_teacher_replaces_the_file_students_keep_the_old_text_until_the_new_one_is_indexed(client, world, lesson):
    teacher = as_user(client, world.users["teacher"])
    response = teacher.post(reverse("portal:replace_material", args=[lesson.pk]),
                            {"file": SimpleUploadedFile("water-v2.md", NEW_LESSON)})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("portal:materials", args=["water"])
    job = rag_api.IngestionJob.objects.filter(material=lesson).latest("created_at")
    assert job.replacement and job.state == "queued"
    manage = teacher.get(reverse("portal:material", args=[lesson.pk])).content.decode()
    assert "A new version is being indexed" in manage and "Students read version 1 until it is ready." in manage
    assert "(new version: water-v2.md)" in teacher.get(reverse("portal:jobs", args=["water"])).content.decode()
    client.logout()

    student = as_user(client, world.users["student"])
    chunk = rag_api.Chunk.objects.filter(material=lesson, text__contains="droplets").get()
    assert "The Sun heats water" in read(student, lesson)
    rag_api.run_ingestion(job_id=job.pk)

    page = read(student, lesson)
    assert "Droplets join and fall as rain" in page and "The Sun heats water" not in page
    assert "<h1 id=\"reading-title\">water</h1>" not in page  # the title stayed
    old_citation = read(student, lesson, f"?passage={chunk.ordinal}&version=1")
    assert "quoted an earlier version of this material (version 1)" in old_citation
    assert "cited-passage" not in old_citation


def test_a_failed_new_version_shows_its_reason_to_the_teacher_and_students_keep_reading(client, world, lesson):
    teacher = as_user(client, world.users["teacher"])
    teacher.post(reverse("portal:replace_material", args=[lesson.pk]),
                 {"file": SimpleUploadedFile("water.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8)})  # fmt: skip
    job = rag_api.IngestionJob.objects.filter(material=lesson).latest("created_at")
    job = rag_api.run_ingestion(job_id=job.pk)
    assert job.state == "failed"

    manage = teacher.get(reverse("portal:material", args=[lesson.pk])).content.decode()
    assert "The new version could not be indexed" in manage and job.error_reason in manage
    assert "Students still read version 1" in manage
    client.logout()
    assert "The Sun heats water" in read(as_user(client, world.users["student"]), lesson)


def test_a_new_version_that_changes_nothing_is_refused_with_a_reason(client, world, lesson):
    teacher = as_user(client, world.users["teacher"])
    response = teacher.post(reverse("portal:replace_material", args=[lesson.pk]),
                            {"file": SimpleUploadedFile("water.md", LESSON)}, follow=True)  # fmt: skip
    assert "This is the file the material already has" in response.content.decode()
    assert not rag_api.IngestionJob.objects.filter(material=lesson, replacement=True).exists()


CYCLE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120">'
    b'<text x="20" y="60" font-size="20">Evaporation</text><text x="260" y="60" font-size="20">Condensation</text>'
    b'<line x1="150" y1="55" x2="250" y2="55" stroke="black"/></svg>'
)


def test_a_diagram_citation_shows_the_picture_with_the_named_labels_framed(client, world):
    job = rag_api.run_ingestion(job_id=rag_api.ingest_upload(course=world.course, filename="cycle.svg",
                                                             content=CYCLE_SVG, enqueue=False).pk)  # fmt: skip
    assert job.state == "indexed", job.error_reason
    figure = rag_api.Chunk.objects.get(material_id=job.material_id, modality="diagram")
    material = Material.objects.get(pk=job.material_id)

    student = as_user(client, world.users["student"])
    page = read(student, material, f"?passage={figure.ordinal}&version=1&region=10,30,160,70")
    assert f'<figure class="reading-figure is-cited" id="passage-{figure.ordinal}">' in page
    assert reverse("portal:material_picture", args=[material.pk]) in page and "Evaporation" in page
    assert '<rect class="cited-region" x="10.0" y="30.0" width="150.0" height="40.0"' in page
    assert 'class="cited-region"' not in read(client, material, f"?passage={figure.ordinal}&version=1")
