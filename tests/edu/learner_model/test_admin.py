"""The admin for practice items and responses (edu/admin.py)."""

import pytest

from edu.models import PracticeItem
from edu.services import record_answer
from tests.factories import ObjectiveFactory, PracticeItemFactory, student_in

pytestmark = pytest.mark.django_db


def test_items_are_listed_and_edited_inline_on_their_objective(admin_client):
    item = PracticeItemFactory()
    assert item.prompt in admin_client.get("/admin/edu/practiceitem/").content.decode()
    page = admin_client.get(f"/admin/edu/learningobjective/{item.objective.pk}/change/").content.decode()
    assert "practice_items-0-prompt" in page


def test_an_item_added_in_the_admin_records_its_author(admin_client, admin_user):
    objective = ObjectiveFactory()
    response = admin_client.post(
        "/admin/edu/practiceitem/add/",
        {
            "objective": objective.pk,
            "kind": "short_answer",
            "prompt": "What do leaves make?",
            "choices": "[]",
            "answer": '["sugar"]',
            "explanation": "",
            "order": 0,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PracticeItem.objects.get().created_by == admin_user


def test_an_invalid_item_is_refused_with_the_reason(admin_client):
    response = admin_client.post(
        "/admin/edu/practiceitem/add/",
        {"objective": ObjectiveFactory().pk, "kind": "multiple_choice", "prompt": "Pick", "choices": '["A"]',
         "answer": "0", "order": 0},
    )
    assert response.status_code == 200
    assert "at least two choices" in response.content.decode()
    assert not PracticeItem.objects.exists()


def test_responses_are_read_only(admin_client):
    item = PracticeItemFactory()
    response = record_answer(learner=student_in(item.objective.course), item=item, answer="Leaves")
    assert admin_client.get("/admin/edu/itemresponse/").status_code == 200
    assert admin_client.get("/admin/edu/itemresponse/add/").status_code == 403
    page = admin_client.get(f"/admin/edu/itemresponse/{response.pk}/change/").content.decode()
    assert 'name="answer"' not in page  # shown, not editable
