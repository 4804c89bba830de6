"""End-to-end, in real headless Chromium: a teacher indexes a diagram, a student asks about it and
reads a streamed, cited answer, and a student downloads their data.

With GLOSSA_SCREENSHOTS=docs/screenshots the same flows refresh the README's screenshots.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, sign_out, unlabeled_controls
from tests.factories import (
    CourseFactory,
    InteractionFactory,
    MasteryFactory,
    ObjectiveFactory,
    PracticeItemFactory,
    UserFactory,
    student_in,
    teacher_of,
)
from tests.rag.diagrams.drawing import Sketch

WATER_CYCLE = Sketch(
    size=(900, 560),
    title="The Water Cycle",
    boxes={
        "Evaporation": (200, 200),
        "Condensation": (700, 200),
        "Precipitation": (700, 430),
        "Collection": (200, 430),
    },
    links=[
        ("Evaporation", "Condensation", "arrow"),
        ("Condensation", "Precipitation", "arrow"),
        ("Precipitation", "Collection", "arrow"),
        ("Collection", "Evaporation", "arrow"),
    ],
)
LESSON = (
    b"# Evaporation\n\nThe Sun heats water in oceans, lakes and rivers. The water turns into water vapour "
    b"and rises into the air. This is evaporation.\n\n# Condensation\n\nHigh up, the vapour cools and turns "
    b"back into tiny droplets that form clouds. This is condensation.\n\nQuestions? Write to "
    b"tess.tide@school.example or call 555-201-7788.\n"
)
# Records the answer text while the explanation streams: tokens must show before the sources do.
WATCH_STREAM = """() => {
  window.__streamed = [];
  const answer = document.querySelector('#answer');
  new MutationObserver(() => window.__streamed.push({
    text: answer.querySelector('.answer-text').textContent.length,
    sourcesShown: answer.querySelector('.answer-footer').childElementCount > 0,
  })).observe(answer, {subtree: true, childList: true, characterData: true});
}"""

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def classmates(course, objectives) -> None:
    """A few more students with some practice, so the class views have something to show."""
    for index, (first, last, levels) in enumerate(
        [("Omar", "Reed", (0.92, 0.7)), ("Ana", "Silva", (0.35, 0.15)), ("Ben", "Okafor", (0.6, 0.45))]
    ):
        student = student_in(course, username=f"classmate{index}", first_name=first, last_name=last)
        for objective, p_known in zip(objectives, levels, strict=True):
            MasteryFactory(learner=student, objective=objective, p_known=p_known, attempts=3 + index * 2)


@pytest.mark.worker
def test_teacher_indexes_a_diagram_and_a_student_gets_a_streamed_cited_answer(
    live_server, celery_worker_factory, page, shoot
):
    course = CourseFactory(slug="earth-systems", title="Earth Systems", subject="Science", grade_band="5-8")
    objectives = [
        ObjectiveFactory(course=course, code="states-of-matter", title="States of matter", order=1),
        ObjectiveFactory(course=course, code="water-cycle", title="The water cycle", order=2),
    ]
    teacher_of(course, username="tess", first_name="Tess", last_name="Tide")
    lina = student_in(course, username="lina", first_name="Lina", last_name="Lake")
    MasteryFactory(learner=lina, objective=objectives[0], p_known=0.82, attempts=5)
    PracticeItemFactory(
        objective=objectives[1],
        prompt="What happens to water vapour when it cools?",
        choices=["It evaporates", "It condenses into droplets", "It sinks into rock"],
        answer=1,
        explanation="Cooling vapour condenses into tiny droplets: clouds.",
    )
    classmates(course, objectives)
    celery_worker_factory()
    base = live_server.url

    # 1. The teacher uploads a diagram (and a lesson) and watches both jobs reach "indexed".
    page.goto(f"{base}/accounts/login/")
    shoot(page, "login")
    sign_in(page, base, "tess")
    page.goto(base + reverse("portal:materials", args=[course.slug]))
    page.get_by_label("Files").set_input_files(
        [
            {"name": "water_cycle.png", "mimeType": "image/png", "buffer": WATER_CYCLE.render()},
            {"name": "evaporation_lesson.md", "mimeType": "text/markdown", "buffer": LESSON},
        ]
    )
    assert unlabeled_controls(page) == []
    page.get_by_label("The water cycle").check()
    page.get_by_role("button", name="Upload and index").click()
    diagram_job = page.locator("#jobs tr", has_text="water cycle")
    expect(diagram_job).to_be_visible()
    expect(diagram_job.get_by_role("progressbar")).to_be_visible()
    shoot(page, "teacher-upload-progress")
    expect(diagram_job).to_have_attribute("data-state", "indexed", timeout=240_000)
    # indexed, it takes the document's own title ("Evaporation")
    expect(page.locator("#jobs tr", has_text="evaporation")).to_have_attribute(
        "data-state", "indexed", timeout=120_000
    )
    expect(page.locator("#jobs")).not_to_have_attribute("hx-trigger", "every 1s")  # polling stopped
    shoot(page, "teacher-materials")

    # The material view draws the recovered graph over the image, described for screen readers.
    diagram_job.get_by_role("link").click()
    overlay = page.locator("svg.diagram-overlay")
    expect(overlay.locator("rect.node")).to_have_count(4)
    expect(overlay.locator("line.edge").first).to_be_attached()
    alt = page.locator(".diagram-stage img").get_attribute("alt")
    assert "Evaporation" in alt and "Condensation" in alt
    shoot(page, "material-diagram")
    page.goto(base + reverse("portal:class_mastery", args=[course.slug]))
    expect(page.locator("table.heatmap tbody tr")).to_have_count(4)
    shoot(page, "class-heatmap")
    page.goto(base + reverse("portal:privacy_report", args=[course.slug]))
    expect(page.locator("#by-type")).to_be_visible()
    shoot(page, "privacy-report")
    sign_out(page)

    # 2. The student asks about the diagram and reads the answer as it is written, with its sources.
    sign_in(page, base, "lina")
    expect(page.get_by_label("Mastery of States of matter")).to_be_visible()
    shoot(page, "student-dashboard")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()  # keyboard users skip the header
    page.get_by_label("It condenses into droplets").check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_text("Your mastery of The water cycle: 20% →")).to_be_visible()
    page.get_by_role("link", name="Ask a question").click()
    assert unlabeled_controls(page) == []
    page.get_by_label("Your question").fill("What is evaporation?")
    page.get_by_label("Or pick a course diagram").select_option(index=1)
    page.evaluate(WATCH_STREAM)
    page.get_by_role("button", name="Explain").click()
    sources = page.locator(".citations li")
    expect(sources.first).to_be_visible(timeout=180_000)
    streamed = page.evaluate("window.__streamed")
    # The lesson's own defining sentence is on screen before the answer is finished (only checked text streams).
    assert any(step["text"] > 0 and not step["sourcesShown"] for step in streamed), "no token arrived before the end"
    answer = page.locator(".answer-text").inner_text()
    assert len(answer.split()) >= 5
    citation = sources.first.get_by_role("link")
    assert "/materials/" in citation.get_attribute("href")
    expect(page.get_by_role("button", name="Helpful")).to_be_visible()
    shoot(page, "student-ask-answer")
    page.get_by_role("button", name="Too hard").click()
    expect(page.get_by_role("status").filter(has_text="Your next explanations will use")).to_be_visible()
    citation.click()
    expect(page.locator(".is-cited").first).to_be_visible()  # the cited passage or diagram is highlighted


def test_student_downloads_their_data_export(live_server, page, shoot, tmp_path: Path):
    course = CourseFactory(slug="earth-systems", title="Earth Systems")
    lina = student_in(course, username="lina", first_name="Lina", last_name="Lake")
    InteractionFactory(learner=lina, course=course, question_redacted="Why do clouds form?")
    InteractionFactory(learner=student_in(course, username="omar"), course=course, question_redacted="Not Lina's")
    UserFactory(username="bystander")
    sign_in(page, live_server.url, "lina")
    page.get_by_role("link", name="My data").click()
    shoot(page, "my-data")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("glossa-my-data-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = json.loads(target.read_text())
    assert data["account"]["username"] == "lina"
    exported = json.dumps(data)
    assert "Why do clouds form?" in exported
    assert "Not Lina's" not in exported and "omar" not in exported
