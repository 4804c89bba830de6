"""PracticeItem (edu/models.py) and its services: teacher-authored items are validated before saving."""

import pytest
from django.core.exceptions import ValidationError

from edu.models import PracticeItem
from edu.selectors import practice_items
from edu.services import create_practice_item, update_practice_item
from tests.factories import ObjectiveFactory, PracticeItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_multiple_choice_item_stores_the_index_of_its_correct_choice():
    teacher = UserFactory()
    item = create_practice_item(
        objective=ObjectiveFactory(),
        kind="multiple_choice",
        prompt="Which gas do plants take in?",
        choices=["Oxygen", "Carbon dioxide", "Nitrogen"],
        answer=1,
        created_by=teacher,
    )
    item.refresh_from_db()
    assert (item.choices, item.answer, item.created_by) == (["Oxygen", "Carbon dioxide", "Nitrogen"], 1, teacher)
    assert item.is_correct("carbon dioxide") and not item.is_correct("Oxygen")


def test_a_short_answer_item_accepts_any_of_its_answers():
    item = create_practice_item(
        objective=ObjectiveFactory(), kind="short_answer", prompt="Half of one?", answer=["0.5", "one half"]
    )
    assert item.is_correct("1/2") and item.is_correct("One half.") and not item.is_correct("0.25")


@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"kind": "multiple_choice", "choices": ["Only one"], "answer": 0}, "choices"),
        ({"kind": "multiple_choice", "choices": ["Yes", "yes!"], "answer": 0}, "choices"),
        ({"kind": "multiple_choice", "choices": ["A", ""], "answer": 0}, "choices"),
        ({"kind": "multiple_choice", "choices": ["A", "B"], "answer": 2}, "answer"),
        ({"kind": "multiple_choice", "choices": ["A", "B"], "answer": "A"}, "answer"),
        ({"kind": "multiple_choice", "choices": ["A", "B"], "answer": True}, "answer"),
        ({"kind": "short_answer", "choices": [], "answer": []}, "answer"),
        ({"kind": "short_answer", "choices": [], "answer": ["  "]}, "answer"),
        ({"kind": "short_answer", "choices": ["A", "B"], "answer": ["A"]}, "choices"),
        ({"kind": "essay", "choices": [], "answer": ["A"]}, "kind"),
        ({"kind": "short_answer", "choices": [], "answer": ["A"], "prompt": "   "}, "prompt"),
    ],
)
def test_an_invalid_item_is_refused_and_not_saved(fields, field_in_error):
    with pytest.raises(ValidationError) as raised:
        create_practice_item(objective=ObjectiveFactory(), **{"prompt": "A question?", **fields})
    assert field_in_error in raised.value.message_dict
    assert not PracticeItem.objects.exists()


def test_an_edit_is_validated_as_a_whole():
    item = PracticeItemFactory()
    with pytest.raises(ValidationError):
        update_practice_item(item=item, choices=["Roots"])
    item.refresh_from_db()
    assert item.choices == ["Roots", "Leaves", "Stem"]
    update_practice_item(item=item, choices=["Roots", "Leaves"], answer=1, active=False)
    item.refresh_from_db()
    assert (item.choices, item.active) == (["Roots", "Leaves"], False)


def test_an_edit_cannot_touch_unknown_fields():
    with pytest.raises(ValueError, match="unknown practice item fields: objective"):
        update_practice_item(item=PracticeItemFactory(), objective=ObjectiveFactory())


def test_retired_items_are_listed_only_on_request():
    objective = ObjectiveFactory()
    active = PracticeItemFactory(objective=objective, order=2)
    retired = PracticeItemFactory(objective=objective, order=1, active=False)
    assert list(practice_items(objective=objective)) == [active]
    assert list(practice_items(objective=objective, include_inactive=True)) == [retired, active]
