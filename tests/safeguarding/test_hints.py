""""Hints first": on every demo practice item the tutor's first reply guides without the answer."""

from __future__ import annotations

import pytest

from edu import services as edu_services
from edu.api import Course, PracticeItem
from edu.demo import DEMO_COURSE, DEMO_OBJECTIVES
from edu.demo.loader import CONTENT_DIR
from edu.safeguarding import api as safeguarding_api

pytestmark = pytest.mark.django_db
LESSONS = [path.read_text(encoding="utf-8") for path in sorted(CONTENT_DIR.glob("*.md"))]


@pytest.fixture
def demo_course() -> Course:
    course = edu_services.create_course(**DEMO_COURSE)
    for objective in DEMO_OBJECTIVES:
        edu_services.create_objective(course=course, **{k: v for k, v in objective.items() if k != "prerequisites"})
    with (CONTENT_DIR / "practice_items.csv").open(encoding="utf-8") as items:
        assert not edu_services.import_items_csv(course=course, file=items).errors
    return course


def test_no_demo_item_gets_its_answer_in_the_first_reply(demo_course):
    safeguarding_api.update_course_safeguarding(course=demo_course, hints_first=True)
    items = list(PracticeItem.objects.filter(objective__course=demo_course))
    assert len(items) == 15
    for item in items:
        assert safeguarding_api.practice_item_for(course=demo_course, question=item.prompt) == item
        reply = safeguarding_api.hints_reply(item=item, sources=LESSONS, grade=5)
        assert not safeguarding_api.gives_away(reply, item), item.prompt
        assert "1. " in reply and "Then check your answer" in reply
    clues = [safeguarding_api.hints_reply(item=item, sources=LESSONS) for item in items]
    assert sum("A clue from your course" in reply for reply in clues) >= 12  # the course still helps


def test_hints_only_when_the_course_asks_and_the_question_is_an_item(demo_course):
    item = PracticeItem.objects.filter(objective__course=demo_course).first()
    assert safeguarding_api.practice_item_for(course=demo_course, question=item.prompt) is None  # setting off
    safeguarding_api.update_course_safeguarding(course=demo_course, hints_first=True)
    assert safeguarding_api.practice_item_for(course=demo_course, question="Why is the sky blue?") is None


def test_a_reply_that_would_quote_the_answer_leaves_that_sentence_out(demo_course):
    item = PracticeItem.objects.filter(objective__course=demo_course, kind="short_answer").first()
    answer = item.answer[0]
    reply = safeguarding_api.hints_reply(item=item, sources=[f"The answer is {answer}. Particles move faster."])
    assert answer not in reply.casefold() and "Particles move faster." in reply


@pytest.mark.slow
def test_the_explainer_gives_hints_for_a_practice_item(demo_course):
    from rag.api import explain
    from tests.factories import student_in

    safeguarding_api.update_course_safeguarding(course=demo_course, hints_first=True)
    item = PracticeItem.objects.filter(objective__course=demo_course).first()
    explanation = explain(learner=student_in(demo_course, username="pia"), course=demo_course, question=item.prompt)
    assert explanation.grounding["status"] == "hints" and not safeguarding_api.gives_away(explanation.text, item)
