"""Placeholders are consistent within a conversation, stored encrypted, restored for the owner only."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from privacy.api import pseudonymize, purge_conversation, reidentify
from privacy.models import PseudonymMapping
from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def owner():
    return UserFactory()


def test_same_person_gets_the_same_placeholder_across_turns(owner):
    conversation = uuid.uuid4()
    first = pseudonymize("My friend Jake Miller and Sara Lind", owner=owner, conversation_id=conversation, where="chat")
    second = pseudonymize("Did jake miller email sara@x.org?", owner=owner, conversation_id=conversation, where="chat")
    assert first.text == "My friend <PERSON_1> and <PERSON_2>"
    assert second.text == "Did <PERSON_1> email <EMAIL_ADDRESS_1>?"


def test_other_conversations_start_their_own_numbering(owner):
    pseudonymize("Ask Sara Lind", owner=owner, conversation_id=uuid.uuid4(), where="query")
    other = pseudonymize("Ask Jake Miller", owner=owner, conversation_id=uuid.uuid4(), where="query")
    assert other.text == "Ask <PERSON_1>"


def test_mapping_is_encrypted_at_rest(owner):
    conversation = uuid.uuid4()
    pseudonymize("I am Wilhelmina Okonkwo", owner=owner, conversation_id=conversation, where="query")
    with connection.cursor() as cursor:
        cursor.execute("SELECT vault FROM privacy_pseudonymmapping WHERE conversation_id = %s", [conversation])
        (stored,) = cursor.fetchone()
    assert "Wilhelmina" not in stored and "PERSON" not in stored


def test_only_the_owner_gets_values_back(owner):
    conversation = uuid.uuid4()
    pseudonymize("I am Wilhelmina Okonkwo", owner=owner, conversation_id=conversation, where="query")
    answer = "Hello <PERSON_1>, and <PERSON_9> is unknown."
    assert reidentify(answer, owner=owner, conversation_id=conversation, requesting_user=owner) == (
        "Hello Wilhelmina Okonkwo, and <PERSON_9> is unknown."
    )
    stranger = UserFactory()
    assert reidentify(answer, owner=owner, conversation_id=conversation, requesting_user=stranger) == answer


def test_a_conversation_cannot_be_borrowed_by_another_user(owner):
    conversation = uuid.uuid4()
    pseudonymize("I am Wilhelmina Okonkwo", owner=owner, conversation_id=conversation, where="query")
    with pytest.raises(PermissionDenied):
        pseudonymize("hi", owner=UserFactory(), conversation_id=conversation, where="query")


def test_purge_forgets_the_mapping(owner):
    conversation = uuid.uuid4()
    pseudonymize("I am Wilhelmina Okonkwo", owner=owner, conversation_id=conversation, where="query")
    assert purge_conversation(conversation_id=conversation) == 1
    assert not PseudonymMapping.objects.exists()
    assert reidentify("<PERSON_1>", owner=owner, conversation_id=conversation, requesting_user=owner) == "<PERSON_1>"


def test_a_course_term_is_no_name_but_a_roster_name_goes_whatever_the_course_says(owner):
    from tests.factories import CourseFactory, student_in

    course = CourseFactory()
    classmate = student_in(course, first_name="Harvey", last_name="Quill")
    question = "What is meant by carbaminohemoglobin? Harvey Quill asked too."
    plain = pseudonymize(question, owner=owner, conversation_id=uuid.uuid4(), course=course, where="query")
    kept = pseudonymize(question, owner=owner, conversation_id=uuid.uuid4(), course=course, where="query",
                        keep_terms=["carbaminohemoglobin", "Harvey"])
    assert "carbaminohemoglobin" not in plain.text  # a lower-case word no dictionary knows looks like a name
    assert kept.text.startswith("What is meant by carbaminohemoglobin?")
    assert "Harvey" not in kept.text and classmate.first_name not in kept.text
