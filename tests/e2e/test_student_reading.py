"""A student on a 390 px phone, with the dyslexia-friendly setting, on the demo course as `make run` loads it:
the page fits the phone and reads in the dyslexia-friendly style, the finished answer takes the focus,
"Too hard" says what changes, and the next explanation of the same question reads at a lower grade."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from edu.api import LearnerProfile
from rag.tailoring import fk_grade
from tests.demo import demo_practice_rows, indexed_demo_course
from tests.e2e.conftest import sign_in
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CITATION = re.compile(r"\s*\[\d+\]")
# The computed look of a paragraph: font, spacing, line height and the widest a line may be, in pixels,
# with the width of "0" in that font (what 1ch is).
TEXT_STYLE = """(selector) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const probe = document.createElement('span');
  probe.textContent = '0'.repeat(100);
  probe.style.font = style.font;
  probe.style.letterSpacing = style.letterSpacing;
  probe.style.position = 'absolute';
  probe.style.whiteSpace = 'nowrap';
  document.body.append(probe);
  const ch = probe.getBoundingClientRect().width / 100;
  probe.remove();
  return {font: style.fontFamily, letter: parseFloat(style.letterSpacing), word: parseFloat(style.wordSpacing),
          lineHeight: parseFloat(style.lineHeight) / parseFloat(style.fontSize),
          maxChars: parseFloat(style.maxWidth) / ch};
}"""


@pytest.fixture
def demo_course():
    """The demo course, indexed here (no worker needed), and the first of its practice questions."""
    return indexed_demo_course(), demo_practice_rows()[0]["prompt"]


def answer_grade(page) -> float:
    return fk_grade(CITATION.sub("", page.locator(".answer-text").inner_text()))


def ask(page, question: str) -> None:
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Explain").click()
    expect(page.locator(".answer-status")).to_have_text("Explanation ready.", timeout=180_000)


def test_a_phone_student_with_dyslexia_gets_a_simpler_answer_after_too_hard(live_server, page, demo_course):
    course, question = demo_course
    student = UserFactory(username="dara")
    EnrollmentFactory(user=student, course=course)
    LearnerProfile.objects.update_or_create(
        user=student, defaults={"grade_level": 7, "reading_level": 7.0, "reading_level_set": True,
                                "accessibility_needs": [LearnerProfile.Accessibility.DYSLEXIA]},
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "dara")
    page.goto(live_server.url + reverse("portal:ask", args=[course.slug]))

    # The dyslexia-friendly style applies on the page, with the font shipped in the repository.
    expect(page.locator("body")).to_have_class(re.compile(r"\bdyslexia-friendly\b"))
    lead = page.evaluate(TEXT_STYLE, "main label")
    assert lead["font"].startswith('"Atkinson Hyperlegible"')
    assert lead["letter"] > 0 and lead["word"] > 0 and lead["lineHeight"] >= 1.5 and lead["maxChars"] <= 70.5
    font_loaded = "() => document.fonts.ready.then(() => document.fonts.check('16px \"Atkinson Hyperlegible\"'))"
    assert page.evaluate(font_loaded)

    ask(page, question)
    answer = page.locator(".answer-text")
    expect(answer).to_be_focused()  # the finished answer takes the focus; the status line announced it
    expect(page.locator(".answer-status")).to_have_attribute("role", "status")
    first = answer_grade(page)
    style = page.evaluate(TEXT_STYLE, ".answer-text")
    assert style["lineHeight"] >= 1.5 and style["maxChars"] <= 70.5
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_role("button", name="Too hard").click()
    said = page.locator(".feedback-thanks")
    expect(said).to_contain_text("Your next explanations will use short sentences and simpler words")
    expect(said).to_have_attribute("role", "status")
    expect(said).to_be_focused()

    ask(page, question)
    expect(answer).to_be_focused()
    second = answer_grade(page)
    print(f"{question!r}: reading grade {first:.2f} before 'too hard', {second:.2f} after")
    assert second < first
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
