"""End-to-end, in real headless Chromium: a student discloses inside a question and reads a kind
reply with help contacts; the course's safeguarding lead sees the alert, reads the words, acts."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from edu.celery import app as celery_app
from edu.safeguarding import api as safeguarding_api
from tests.e2e.conftest import sign_in, sign_out
from tests.factories import CourseFactory, student_in, teacher_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WORDS = "how do plants grow? btw my stepdad hits me when he is drunk"


def test_a_disclosure_reaches_the_lead_and_the_student_gets_help(live_server, page, shoot, settings, monkeypatch):
    # The notification task runs in the server's thread here (a worker runs it in the benchmark).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.GLOSSA = {**settings.GLOSSA, "SAFEGUARDING_HELPLINES": ["Childline: 0800 1111"]}
    course = CourseFactory(slug="plants", title="Plants", subject="Biology")
    student_in(course, username="lina", first_name="Lina", last_name="Lake")
    lead = teacher_of(course, username="dsl", first_name="Dana", last_name="Lead")
    teacher_of(course, username="tess")  # a teacher who is not the lead
    safeguarding_api.assign_lead(user=lead, course=course)
    safeguarding_api.update_course_safeguarding(course=course, help_contacts="Mr Park, school counsellor: room 12")
    base = live_server.url

    sign_in(page, base, "lina")
    page.goto(f"{base}/courses/plants/ask/")
    page.get_by_label("Your question").fill(WORDS)
    page.get_by_role("button", name="Explain").click()
    answer = page.locator(".answer-text")
    expect(answer).to_contain_text("it is not your fault", timeout=60_000)
    expect(answer).to_contain_text("Mr Park, school counsellor")
    expect(answer).to_contain_text("Childline: 0800 1111")
    expect(page.get_by_text("No course source supports")).to_have_count(0)
    shoot(page, "student-safeguarding-reply")
    sign_out(page)
    assert [message.to for message in mail.outbox] == [[lead.email]]
    assert "stepdad" not in mail.outbox[0].body

    sign_in(page, base, "tess")  # not a lead: no badge, no queue
    expect(page.get_by_role("link", name="Safeguarding")).to_have_count(0)
    assert page.goto(f"{base}/safeguarding/").status == 403
    page.goto(f"{base}/")
    sign_out(page)

    sign_in(page, base, "dsl")
    page.get_by_role("link", name="Safeguarding").click()
    expect(page.get_by_role("cell", name="Abuse")).to_be_visible()
    expect(page.get_by_text(WORDS)).to_have_count(0)  # the list never shows the words
    page.get_by_role("link", name="Open alert").first.click()
    expect(page.locator(".original-words")).to_have_text(WORDS)
    shoot(page, "safeguarding-alert")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged").first).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_text("Write a note")).to_be_visible()
    page.get_by_label("Note (required to escalate or close)").fill("Spoke with Lina; social care informed.")
    page.get_by_role("button", name="Close").click()
    expect(page.locator(".trail")).to_contain_text("closed")
    expect(page.locator(".trail")).to_contain_text("Spoke with Lina")
