"""Every page of the portal and the admin console, in real Chromium: axe finds no serious or critical
violation (WCAG 2.0-2.2 A/AA, target sizes and best practices included), and no portal page scrolls
sideways on a 390 px phone. Portal pages are checked at 390 px and 1280 px; the console's pages at 1280 px (its
index at both).

Pages visited (VISITED below lists them as they were reached):
- signed out: sign-in, set-password (an invalid link), password set, a 404;
- student: dashboard, settings, my data, course, ask, a text material, a diagram material;
- teacher: dashboard, course, materials, roster, sign-in sheet, class mastery (heatmap), answers to an
  objective, preview, privacy report, safeguarding alerts and one alert, a material;
- admin: the console's index, and for every registered model its list, its add form and one object's form.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib import admin
from django.urls import reverse

from edu.api import Material
from rag.api import DiagramGraph, IngestionJob
from tests.e2e.conftest import sign_in, sign_out
from tests.factories import (
    CourseFactory,
    InteractionFactory,
    MasteryFactory,
    MaterialFactory,
    ObjectiveFactory,
    PracticeItemFactory,
    UserFactory,
    student_in,
    teacher_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Every WCAG 2.0, 2.1 and 2.2 A/AA rule (2.2's target size among them) and axe's best practices.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                       "best-practice"]},
               "resultTypes": ["violations"]}
AXE = Axe()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'


def serious_violations(page) -> list[str]:
    """axe's serious and critical findings, each with its rule and where (at most three places)."""
    response = AXE.run(page, options=AXE_OPTIONS).response
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
            for v in response["violations"] if v["impact"] in ("serious", "critical")]


def sideways_scroll(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest('.table-scroll'))
  .slice(-3)
  .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
               + ' ' + Math.round(el.getBoundingClientRect().right))"""


@pytest.fixture
def school():
    """A course with a person in every role and something on every page."""
    course = CourseFactory(slug="water", title="Water and weather", subject="Science")
    objectives = [ObjectiveFactory(course=course, code=f"o{n}", title=title, order=n)
                  for n, title in enumerate(["Evaporation", "Condensation", "Precipitation"], start=1)]
    student = student_in(course, username="sam", first_name="Sam", last_name="Stone")
    teacher = teacher_of(course, username="tess", first_name="Tess", last_name="Tide")
    UserFactory(username="ada", is_staff=True, is_superuser=True)
    for index, levels in enumerate([(0.97, 0.6, 0.1), (0.3, 0.05, 0.5), (0.75, 0.45, 0.25)]):
        classmate = student_in(course, username=f"classmate{index}")
        for objective, p_known in zip(objectives, levels, strict=True):
            MasteryFactory(learner=classmate, objective=objective, p_known=p_known, attempts=2 + index)
    nobody_yet = UserFactory(username="nova")
    nobody_yet.set_unusable_password()
    nobody_yet.save(update_fields=["password"])
    from edu.api import Enrollment

    Enrollment.objects.create(user=nobody_yet, course=course, role=Enrollment.Role.STUDENT)
    MasteryFactory(learner=student, objective=objectives[0], p_known=0.8, attempts=4)
    item = PracticeItemFactory(objective=objectives[1], prompt="What happens to water vapour when it cools?",
                               choices=["It evaporates", "It condenses into droplets", "It sinks"], answer=1)
    material = MaterialFactory(course=course, title="Evaporation notes", status=Material.Status.READY,
                               extracted_text="The Sun heats water. The water turns into vapour.")
    IngestionJob.objects.create(material=material, state=IngestionJob.State.INDEXED, progress=100)
    failed = MaterialFactory(course=course, title="Broken upload", status=Material.Status.FAILED, content=b"?")
    IngestionJob.objects.create(material=failed, state=IngestionJob.State.FAILED, progress=40,
                                error_reason="The file is empty.")
    diagram = MaterialFactory(course=course, kind=Material.Kind.SVG, original_filename="cycle.svg", content=SVG,
                              title="Water cycle diagram", status=Material.Status.READY)
    DiagramGraph.objects.create(material=diagram, width=40, height=20, text_blocks=[])
    InteractionFactory(learner=student, course=course, question_redacted="Why do clouds form?")
    from edu.safeguarding.api import assign_lead, screen_student_message

    assign_lead(user=teacher, course=course)
    screen_student_message(student=student, course=course, text="my dad hits me")
    return {"course": course, "item": item, "material": material, "diagram": diagram,
            "alert": course.safeguarding_alerts.get()}


def portal_pages(school) -> dict[str, list[str]]:
    slug = school["course"].slug
    return {
        "anonymous": [reverse("login"), reverse("set_password", kwargs={"uidb64": "MQ", "token": "not-a-token"}),
                      reverse("password_set"), "/no-such-page/"],
        "sam": [reverse("portal:home"), reverse("portal:profile"), reverse("portal:my_data"),
                reverse("portal:course", args=[slug]), reverse("portal:ask", args=[slug]),
                reverse("portal:material", args=[school["material"].pk]),
                reverse("portal:material", args=[school["diagram"].pk])],
        "tess": [reverse("portal:home"), reverse("portal:course", args=[slug]),
                 reverse("portal:materials", args=[slug]), reverse("portal:roster", args=[slug]),
                 reverse("portal:class_mastery", args=[slug]),
                 reverse("portal:objective_answers", args=[slug, school["item"].objective_id]),
                 reverse("portal:preview", args=[slug]), reverse("portal:privacy_report", args=[slug]),
                 reverse("portal:safeguarding_alerts"), reverse("portal:safeguarding_alert", args=[school["alert"].pk]),
                 reverse("portal:material", args=[school["material"].pk])],
    }


def admin_pages() -> list[str]:
    """The console's index and, for every registered model, its list, add form and first object's form."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{prefix}_change", args=[first.pk]))
    return pages


def visit(page, url: str, base: str, failures: list[str], visited: list[str], *, phone_check: bool) -> None:
    response = page.goto(base + url)
    status = response.status if response is not None else 0
    visited.append(f"{page.viewport_size['width']}px {url} {status}")
    if status == 403 and url.endswith("/add/"):  # a read-only record of the console: nobody adds one by hand
        visited[-1] += " (read-only: no add form)"
        return
    if status >= 500 or (status >= 400 and url != "/no-such-page/" and "set-password" not in url):
        failures.append(f"{url}: HTTP {status}")
        return
    for finding in serious_violations(page):
        failures.append(f"{page.viewport_size['width']}px {url}: {finding}")
    if phone_check and (overflow := sideways_scroll(page)) > 0:
        failures.append(f"{page.viewport_size['width']}px {url}: scrolls sideways by {overflow} px "
                        f"(widest: {page.evaluate(WIDEST)})")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_portal_and_admin_page_passes_axe_and_fits_a_phone(live_server, page, school, viewport):
    page.set_viewport_size(viewport)
    base, failures, visited = live_server.url, [], []
    pages = portal_pages(school)
    for url in pages["anonymous"]:
        visit(page, url, base, failures, visited, phone_check=True)
    for username in ("sam", "tess"):
        sign_in(page, base, username)
        for url in pages[username]:
            visit(page, url, base, failures, visited, phone_check=True)
        if username == "tess":  # the printable sign-in sheet is the answer to a POST from the roster page
            page.goto(base + reverse("portal:roster", args=[school["course"].slug]))
            page.get_by_role("button", name="Sign-in sheet for the class").click()
            page.wait_for_load_state()
            visited.append(f"{viewport['width']}px sign-in sheet")
            failures += [f"sign-in sheet: {finding}" for finding in serious_violations(page)]
            if sideways_scroll(page) > 0:
                failures.append("sign-in sheet scrolls sideways")
        sign_out(page)
    sign_in(page, base, "ada", lands_on="/admin/")
    # The console is Django's own and used at a desk (its tables scroll in their box on a phone): every page of it
    # at the desktop width, its index on the phone too.
    for url in admin_pages() if viewport == DESKTOP else [reverse("admin:index")]:
        visit(page, url, base, failures, visited, phone_check=False)
    print("\n".join(visited))
    assert len(visited) > (40 if viewport == DESKTOP else 20)
    assert failures == [], "\n".join(failures)
