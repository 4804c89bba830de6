"""In real headless Chromium: a teacher replaces a material's file (the Celery worker indexes the new version
while students keep the old one; a broken version fails with its reason and changes nothing), and a student
reads a material on its reading page, where a citation scrolls to its passage and marks it, or says it
quoted an earlier version, and a Markdown figure shows the picture it names (Glossa's rendering, never the
upload). axe finds no serious or critical violation on these pages.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.template.loader import render_to_string
from django.urls import reverse
from playwright.sync_api import expect

from edu.api import Material
from rag import api as rag_api
from rag.selectors import citation_places
from tests.e2e.conftest import sign_in, sign_out, unlabeled_controls
from tests.factories import CourseFactory, student_in, teacher_of
from tests.rag.ingestion import photos

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                       "best-practice"]},
               "resultTypes": ["violations"]}  # fmt: skip
PHONE = {"width": 390, "height": 844}
BROKEN_PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def lesson(sections: dict[str, str]) -> bytes:
    """A Markdown lesson long enough that its last section is far below the first screen."""
    parts = ["# Rivers and seas"]
    for heading, sentence in sections.items():
        parts += [f"## {heading}", *[f"{sentence} Paragraph {n} of {heading.lower()}." for n in range(1, 7)]]
    return "\n\n".join(parts).encode() + b"\n"


FIRST = lesson({
    "Sources": "A river starts at a spring or a melting glacier high in the hills.",
    "Valleys": "Running water wears away rock and carries sand downhill.",
    "Deltas": "Where a river meets the sea it drops its mud, building a delta of new land.",
})  # fmt: skip
SECOND = lesson({
    "Sources": "A river begins where rain and melting snow gather on high ground.",
    "Estuaries": "Salt water from the sea mixes with river water in an estuary.",
})  # fmt: skip


def serious_violations(page) -> list[str]:
    response = Axe().run(page, options=AXE_OPTIONS).response
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
            for v in response["violations"] if v["impact"] in ("serious", "critical")]  # fmt: skip


@pytest.fixture
def rivers_course():
    course = CourseFactory(slug="rivers", title="Rivers", subject="Geography")
    teacher_of(course, username="tess", first_name="Tess", last_name="Tide")
    student_in(course, username="lina", first_name="Lina", last_name="Lake")
    job = rag_api.ingest_upload(course=course, filename="rivers.md", content=FIRST, enqueue=False)
    assert rag_api.run_ingestion(job_id=job.pk).state == "indexed"
    return course, Material.objects.get(pk=job.material_id)


def citation_link(material: Material, text: str) -> str:
    """The href the answer footer gives a citation of the passage holding ``text`` (as the ask page shows it)."""
    chunk = rag_api.Chunk.objects.filter(material=material, text__contains=text).order_by("ordinal").first()
    citations = citation_places([{"chunk_id": chunk.pk, "material_id": material.pk, "material_title": material.title,
                                  "modality": "text", "heading": chunk.heading, "page": None, "region": None,
                                  "diagram_id": None}])  # fmt: skip
    footer = render_to_string("portal/_answer_footer.html", {"explanation": {"citations": citations,
                                                                            "grounding": {"status": "ok"}}})
    return footer.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_a_citation_scrolls_to_its_passage_on_a_clean_reading_page(live_server, page, rivers_course):
    course, material = rivers_course
    base = live_server.url
    link = citation_link(material, "building a delta")
    assert link.startswith(reverse("portal:material_read", args=[material.pk]))

    sign_in(page, base, "lina")
    page.goto(base + reverse("portal:course", args=[course.slug]))
    page.get_by_role("link", name="Rivers and seas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rivers and seas")
    expect(page.get_by_role("heading", name="Deltas", level=2)).to_be_visible()
    body = page.locator("article.reading").inner_text()
    for debug_or_markup in ("chunk", "matched against", "##", "Indexed text"):
        assert debug_or_markup not in body
    assert serious_violations(page) == []

    page.goto(base + link)
    cited = page.locator("mark.cited-passage")
    expect(cited.first).to_be_in_viewport()  # scrolled to, far below the first screen
    assert "building a delta" in " ".join(cited.all_inner_texts())
    assert page.evaluate("() => window.scrollY") > 300
    assert page.locator("mark.cited-passage", has_text="A river starts at a spring").count() == 0
    assert serious_violations(page) == []

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert serious_violations(page) == []


NIGHT_SKY = (b"# Night sky\n\nStars seem to turn around the pole; the picture below shows their trails.\n\n"
             b"![Star trails circling the pole above a hill](images/star-trails.jpg)\n")


def test_a_markdown_figure_shows_students_the_rendering_of_the_picture_it_names(live_server, page, rivers_course):
    course, _ = rivers_course
    base = live_server.url
    jobs = [rag_api.run_ingestion(job_id=rag_api.ingest_upload(course=course, filename=name, content=content,
                                                               enqueue=False).pk)
            for name, content in (("star-trails.jpg", photos.star_trails()), ("night-sky.md", NIGHT_SKY))]  # fmt: skip
    assert [job.state for job in jobs] == ["indexed", "indexed"], [job.error_reason for job in jobs]
    picture, lesson = (job.material_id for job in jobs)

    sign_in(page, base, "lina")
    page.goto(base + reverse("portal:material_read", args=[lesson]))
    image = page.locator("article.reading figure").get_by_role("img", name="Star trails circling the pole above a hill")
    expect(image).to_be_visible()
    assert image.get_attribute("src") == reverse("portal:material_picture", args=[picture])
    assert image.evaluate("img => img.complete && img.naturalWidth") == 640, "Glossa's rendering loaded"
    assert page.request.get(base + reverse("portal:material_file", args=[picture])).status == 403, "not the upload"
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.worker
def test_a_teacher_replaces_a_file_and_students_read_the_new_version_once_it_is_indexed(
    live_server, celery_worker_factory, page, rivers_course
):
    course, material = rivers_course
    base = live_server.url
    old_citation = citation_link(material, "building a delta")
    celery_worker_factory(env={"GLOSSA_INGEST_TEST_STAGE_DELAY": "10"})  # time to look while it is indexed
    student_page = page.context.browser.new_context(locale="en-US").new_page()
    sign_in(student_page, base, "lina")

    sign_in(page, base, "tess")
    page.goto(base + reverse("portal:material", args=[material.pk]))
    assert unlabeled_controls(page) == []
    assert serious_violations(page) == []
    page.get_by_label("New version of the file").set_input_files(
        {"name": "rivers-2027.md", "mimeType": "text/markdown", "buffer": SECOND})
    page.get_by_role("button", name="Upload the new version").click()
    page.wait_for_url(f"**{reverse('portal:materials', args=[course.slug])}")
    expect(page.get_by_text("students keep the current version until it is indexed")).to_be_visible()
    row = page.locator("#jobs tr", has_text="new version: rivers-2027.md")
    expect(row.get_by_role("progressbar")).to_be_visible()
    expect(row).to_have_attribute("data-state", "embedding", timeout=240_000)
    # Meanwhile a student still reads the current version.
    student_page.goto(base + reverse("portal:material_read", args=[material.pk]))
    expect(student_page.get_by_text("building a delta").first).to_be_visible()
    assert row.get_attribute("data-state") != "indexed"
    student_page.context.close()
    expect(row).to_have_attribute("data-state", "indexed", timeout=240_000)

    # A broken file as the next version fails with its reason, and the version just indexed stays.
    page.goto(base + reverse("portal:material", args=[material.pk]))
    page.get_by_label("New version of the file").set_input_files(
        {"name": "rivers-scan.pdf", "mimeType": "application/pdf", "buffer": BROKEN_PDF})
    page.get_by_role("button", name="Upload the new version").click()
    failed = page.locator("#jobs tr", has_text="new version: rivers-scan.pdf")
    expect(failed).to_have_attribute("data-state", "failed", timeout=240_000)
    expect(failed.locator(".failure")).to_contain_text("damaged")
    page.goto(base + reverse("portal:material", args=[material.pk]))
    expect(page.get_by_role("heading", name="The new version could not be indexed")).to_be_visible()
    expect(page.get_by_text("Students still read version 2")).to_be_visible()
    assert serious_violations(page) == []
    sign_out(page)

    sign_in(page, base, "lina")
    page.goto(base + reverse("portal:course", args=[course.slug]))
    page.get_by_role("link", name="Rivers and seas").click()
    expect(page.get_by_role("heading", name="Estuaries")).to_be_visible()
    expect(page.get_by_text("building a delta")).to_have_count(0)
    page.goto(base + old_citation)  # an answer from before the new version
    expect(page.get_by_role("note")).to_contain_text("quoted an earlier version of this material (version 1)")
    expect(page.locator("mark.cited-passage")).to_have_count(0)
    assert serious_violations(page) == []
