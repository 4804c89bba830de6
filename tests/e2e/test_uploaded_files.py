"""Finding 4, in real headless Chromium: an uploaded HTML file and an SVG with script never run script
on the portal's origin for an administrator who opens them, through any route that serves them
(the material page, the file and picture routes, the admin console).

A control first shows the same SVG does run its script when a page embeds it directly, so the
probes below would notice if a route let it run.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from edu.api import Material
from rag.api import DiagramGraph
from tests.e2e.conftest import sign_in
from tests.factories import CourseFactory, MaterialFactory, UserFactory, teacher_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" '
    b"onload=\"alert('svg-onload'); fetch('/xss-probe/svg-onload')\">"
    b"<script>alert('svg-script'); fetch('/xss-probe/svg-script')</script>"
    b'<rect width="240" height="120" fill="#cde"/><text x="20" y="60">Evaporation</text></svg>'
)
HTML_WITH_SCRIPT = (
    b"<html><body><h1>Lesson</h1><script>alert('html-script'); fetch('/xss-probe/html-script')</script>"
    b"<img src=\"missing.png\" onerror=\"alert('html-img'); fetch('/xss-probe/html-img')\"></body></html>"
)


class ScriptProbe:
    """Records any dialog the page's scripts open and any request they send to /xss-probe/."""

    def __init__(self, page) -> None:
        self.events: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda request: "/xss-probe/" in request.url and self.events.append(request.url))

    def _dialog(self, dialog) -> None:
        self.events.append(f"dialog: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def hostile_uploads(db):
    course = CourseFactory(slug="earth", title="Earth")
    teacher_of(course, username="tess")
    html = MaterialFactory(course=course, kind=Material.Kind.HTML, title="Lesson page", original_filename="lesson.html",
                           content=HTML_WITH_SCRIPT, status=Material.Status.READY)  # fmt: skip
    svg = MaterialFactory(course=course, kind=Material.Kind.SVG, title="Cycle drawing", original_filename="cycle.svg",
                          content=SVG_WITH_SCRIPT, status=Material.Status.READY)  # fmt: skip
    DiagramGraph.objects.create(material=svg, title="Cycle", width=240, height=120, text_blocks=[
        {"text": "Evaporation", "bbox": [20, 48, 100, 64], "role": "node", "redacted": False},
    ])  # fmt: skip
    UserFactory(username="root", is_staff=True, is_superuser=True)
    return html, svg


def test_the_probe_sees_script_run_when_the_svg_is_embedded_directly(page):
    probe = ScriptProbe(page)
    page.set_content(f"<html><body>{SVG_WITH_SCRIPT.decode()}</body></html>")
    page.wait_for_timeout(300)
    assert "dialog: svg-script" in probe.events


def test_an_admin_opening_uploaded_html_and_svg_runs_none_of_their_script(live_server, page, hostile_uploads):
    html, svg = hostile_uploads
    base = live_server.url
    probe = ScriptProbe(page)
    sign_in(page, base, "root", lands_on="/admin/")

    # The material pages: the SVG as Glossa's picture in an <img>, the originals as links.
    for material in (html, svg):
        page.goto(base + reverse("portal:material", args=[material.pk]))
        page.wait_for_load_state("networkidle")
    assert page.locator("img[src$='/picture/']").evaluate("img => img.naturalWidth") > 0

    # The routes opened directly: the SVG original and Glossa's picture render (sandboxed) ...
    for url in (reverse("portal:material_file", args=[svg.pk]), reverse("portal:material_picture", args=[svg.pk])):
        response = page.goto(base + url)
        assert response.status == 200
        assert response.headers["content-security-policy"].startswith("sandbox")
        page.wait_for_timeout(300)
    # ... and the HTML original only downloads, from the material page and from the admin console.
    page.goto(base + reverse("portal:material", args=[html.pk]))
    with page.expect_download() as download:
        page.get_by_role("link", name="Original file").click()
    assert download.value.suggested_filename == "lesson.html"
    page.goto(base + reverse("admin:edu_material_change", args=[html.pk]))
    with page.expect_download():
        page.get_by_role("link", name="Download the original (not redacted)").click()
    page.goto(base + reverse("admin:edu_material_change", args=[svg.pk]))
    with page.expect_download():
        page.get_by_role("link", name="Download the original (not redacted)").click()
    page.wait_for_timeout(300)
    # (No media URL to try here: the test live server adds its own MEDIA_URL handler around the app;
    # tests/security/test_files.py checks that Glossa's URLConf has none, in any mode.)

    assert probe.events == [], probe.events


def test_portal_admin_and_api_docs_pages_work_under_the_csp_without_violations(live_server, page, hostile_uploads):
    html, svg = hostile_uploads
    base = live_server.url
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    sign_in(page, base, "root", lands_on="/admin/")
    for url in (
        reverse("portal:home"),
        reverse("portal:material", args=[svg.pk]),
        reverse("portal:materials", args=[svg.course.slug]),
        reverse("admin:index"),
        reverse("admin:edu_material_change", args=[html.pk]),
        reverse("v1:docs"),
    ):
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Glossa API")  # Swagger UI ran
    assert violations == [], violations

