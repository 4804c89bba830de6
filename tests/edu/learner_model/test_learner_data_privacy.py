"""ItemResponse and PracticeItem (edu/models.py) under the privacy app's export and erasure."""

import pytest

from edu.models import ItemResponse, Mastery, PracticeItem
from edu.services import record_answer
from privacy.api import erase_learner, export_learner_data
from tests.factories import CourseFactory, ObjectiveFactory, PracticeItemFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    course = CourseFactory()
    teacher = teacher_of(course)
    item = PracticeItemFactory(objective=ObjectiveFactory(course=course), created_by=teacher)
    learner = student_in(course)
    record_answer(learner=learner, item=item, answer="Leaves")
    return learner, teacher, item


def test_a_learners_answers_are_in_their_export(answered):
    learner, _, item = answered
    rows = export_learner_data(user=learner)["edu.ItemResponse"]
    assert [(row["item_id"], row["answer"], row["correct"]) for row in rows] == [(item.pk, "Leaves", True)]


def test_erasing_a_learner_removes_their_answers_and_mastery(answered):
    learner, _, item = answered
    erase_learner(user=learner, requested_by=learner)
    assert not ItemResponse.objects.exists()
    assert not Mastery.objects.exists()
    assert PracticeItem.objects.filter(pk=item.pk).exists()


def test_items_are_course_content_and_survive_their_authors_erasure(answered):
    _, teacher, item = answered
    erase_learner(user=teacher, requested_by=teacher)
    item.refresh_from_db()
    assert item.created_by is None
    assert ItemResponse.objects.count() == 1
