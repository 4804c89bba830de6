"""Per-course policies: entity selection, thresholds, operators, allow-list and student-ID formats."""

import pytest
from django.core.exceptions import ValidationError

from privacy.api import redact_text
from privacy.services import update_policy
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CourseFactory()


@pytest.mark.slow
def test_operators_per_entity(course):
    update_policy(course=course, operators={"PHONE_NUMBER": "mask", "EMAIL_ADDRESS": "hash", "URL": "remove"})
    text = "call 555-0134, mail jo@x.org or see x.org/~jo"
    result = redact_text(text, kind="learner", course=course, where="query").text
    assert result.startswith("call ********, mail <EMAIL_ADDRESS:")
    assert result.endswith(" or see ")
    again = redact_text("mail JO@x.org", kind="learner", course=course, where="query").text
    assert again.split(":")[1] == result.split("<EMAIL_ADDRESS:")[1].split(">")[0] + ">"


@pytest.mark.slow
def test_entities_and_thresholds(course):
    update_policy(course=course, entities=["EMAIL_ADDRESS"])
    assert redact_text("Jake: jo@x.org", kind="learner", course=course, where="query").text == "Jake: <EMAIL_ADDRESS>"
    update_policy(course=course, entities=[], thresholds={"PHONE_NUMBER": 0.99})
    assert redact_text("ring 555-0134", kind="learner", course=course, where="query").text == "ring 555-0134"


@pytest.mark.slow
def test_course_allow_list_and_student_id_patterns(course):
    text = "Ngozi Adichie-Obi explains osmosis: 555-0134. My number is GL-88231."
    before = redact_text(text, kind="course", course=course, where="ingestion").text
    assert "Ngozi" not in before and "GL-88231" in before  # a name next to a phone is taken for a private one
    update_policy(course=course, allow_list="Ngozi Adichie-Obi\n", student_id_patterns=[r"\bGL-\d{5}\b"])
    after = redact_text(text, kind="course", course=course, where="ingestion").text
    assert after == "Ngozi Adichie-Obi explains osmosis: <PHONE_NUMBER>. My number is <STUDENT_ID>."


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"entities": ["SHOE_SIZE"]}, "entities"),
        ({"operators": {"PERSON": "shout"}}, "operators"),
        ({"thresholds": {"PERSON": 2}}, "thresholds"),
        ({"student_id_patterns": ["(unclosed"]}, "student_id_patterns"),
    ],
)
def test_invalid_policies_are_refused_with_the_field_named(course, fields, field):
    with pytest.raises(ValidationError) as error:
        update_policy(course=course, **fields)
    assert field in error.value.message_dict


def test_unknown_policy_fields_are_refused(course):
    with pytest.raises(ValueError, match="unknown policy fields"):
        update_policy(course=course, colour="red")
