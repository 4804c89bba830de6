"""In real headless Chromium: a student who types their own name and email into a question is told, under the
answer, that both were removed before searching; neither reaches the stored question. The question is off the
course, so the answer is "not found" and no model generates anything (no worker, no model server)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from edu.api import Interaction
from tests.e2e.conftest import sign_in
from tests.factories import CourseFactory, student_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # the NER model

NOTICE = "We removed a name and an email address from your question before searching, to keep your details private."


def test_a_student_who_types_their_own_name_and_email_is_told_they_were_removed(live_server, page):
    course = CourseFactory(slug="rivers", title="Rivers", subject="Geography")
    lina = student_in(course, username="lina", first_name="Lina", last_name="Lake", email="lina.lake@example.org")
    sign_in(page, live_server.url, "lina")
    page.goto(live_server.url + reverse("portal:ask", args=[course.slug]))
    page.get_by_label("Your question").fill("I'm Lina Lake, lina.lake@example.org: who won the world cup in 1998?")
    page.get_by_role("button", name="Explain").click()
    expect(page.locator(".answer-status")).to_have_text("Explanation ready.", timeout=60_000)
    expect(page.get_by_role("note").filter(has_text="We removed")).to_have_text(NOTICE)
    stored = Interaction.objects.get(learner=lina).question_redacted
    assert "Lina" not in stored and "lina.lake@example.org" not in stored
