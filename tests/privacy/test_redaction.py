"""Learner text loses every person; course material keeps the public names it teaches about."""

import pytest

from privacy.api import ContentKind, redact_text, redact_texts
from privacy.models import AuditEvent
from privacy.public_names import PublicNames
from tests.factories import CourseFactory, LearnerProfileFactory, student_in, teacher_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

LESSON = (
    "Isaac Newton (1642-1727) formulated the laws of motion. Newton was born in England. "
    "Marie Curie discovered polonium in Paris. The Nile flows through Egypt."
)


def test_learner_text_redacts_people_contacts_and_personal_places():
    result = redact_text(
        "Hi, I'm Jake Miller, email jake.m@gmail.com, phone (212) 555-0134. I live in Springfield.",
        kind=ContentKind.LEARNER, where="query",
    )
    assert result.text == (
        "Hi, I'm <PERSON>, email <EMAIL_ADDRESS>, phone <PHONE_NUMBER>. I live in <LOCATION>."
    )
    assert result.counts == {"PERSON": 1, "EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1, "LOCATION": 1}


def test_offsets_point_into_the_input_text():
    text = "write to ana@school.edu please"
    (entity,) = redact_text(text, kind="learner", where="query").entities
    assert text[entity.start : entity.end] == "ana@school.edu"
    assert entity.type == "EMAIL_ADDRESS" and 0 < entity.score <= 1


def test_course_text_keeps_public_names_and_places():
    result = redact_text(LESSON, kind=ContentKind.COURSE, where="ingestion")
    assert result.text == LESSON


def test_course_text_still_removes_contact_data_ids_and_private_people():
    result = redact_text(
        "Hand essays to Jordan Blake by Friday: jblake@school.org, 555-0134, id S7654321. "
        "Einstein published relativity in 1905.",
        kind=ContentKind.COURSE, where="ingestion",
    )
    assert "Jordan" not in result.text and "jblake" not in result.text
    assert "555-0134" not in result.text and "S7654321" not in result.text
    assert "Einstein published relativity" in result.text


def test_course_text_keeps_historical_names_that_are_not_allow_listed():
    lesson = "Hedy Lamarr co-invented frequency hopping. Later, Lamarr's idea shaped wireless networks."
    assert not PublicNames.for_course().is_public_name("Hedy Lamarr")
    assert redact_text(lesson, kind=ContentKind.COURSE, where="ingestion").text == lesson


def test_course_text_removes_a_private_name_next_to_contact_data():
    note = "Lesson on Hedy Lamarr.\nParent contact: Jordan Blake, jblake@example.org, (212) 555-0134."
    assert redact_text(note, kind=ContentKind.COURSE, where="ingestion").text == (
        "Lesson on Hedy Lamarr.\nParent contact: <PERSON>, <EMAIL_ADDRESS>, <PHONE_NUMBER>."
    )


def test_course_text_keeps_a_famous_address_and_removes_a_private_one():
    lesson = (
        "Anne Frank's family hid at Prinsengracht 263 in Amsterdam. Sherlock Holmes lived at 221B Baker Street, "
        "London.\nSend the signed forms to the school office, 14 Elm Road, Leeds LS1 4AP."
    )
    result = redact_text(lesson, kind=ContentKind.COURSE, where="ingestion")
    assert "Prinsengracht 263" in result.text and "221B Baker Street, London" in result.text
    assert "14 Elm Road" not in result.text and "LS1 4AP" not in result.text


def test_a_private_name_in_course_text_goes_whole():
    result = redact_text("Absent last week: Tomasz Nowak.", kind=ContentKind.COURSE, where="ingestion")
    assert result.text == "Absent last week: <PERSON>."


def test_roster_first_names_in_lower_case_go_while_the_lesson_stays():
    course = CourseFactory()
    student_in(course, first_name="Wangari", last_name="Otieno")
    lesson = "wangari, read how Wangari Maathai planted trees in Kenya."
    result = redact_text(lesson, kind=ContentKind.COURSE, course=course, where="ingestion")
    assert result.text == "<PERSON>, read how <PERSON> planted trees in Kenya."


def test_roster_names_win_in_course_text_even_lower_case_but_not_inside_a_public_name():
    """A pupil called Isaac is not the Isaac of "Isaac Newton": the lesson keeps Newton whole."""
    course = CourseFactory()
    student_in(course, first_name="Isaac", last_name="Brown")
    teacher_of(course, first_name="Priya", last_name="Raman")
    result = redact_text(
        "Isaac Newton's laws. ask priya raman or isaac about it. Isaac was absent.", kind=ContentKind.COURSE,
        course=course, where="ingestion",
    )
    assert result.text == "Isaac Newton's laws. ask <PERSON> or <PERSON> about it. <PERSON> was absent."


def test_guardian_names_are_on_the_roster():
    course = CourseFactory()
    profile = LearnerProfileFactory(user=student_in(course))
    profile.guardian_name = "Olu Adeyemi"
    profile.save()
    result = redact_text("Please call olu tonight.", kind=ContentKind.COURSE, course=course, where="ingestion")
    assert result.text == "Please call <PERSON> tonight."


def test_roster_cache_follows_new_enrollments():
    course = CourseFactory()
    text = "we still have hope today"
    assert redact_text(text, kind="course", course=course, where="cli").text == text
    student_in(course, first_name="Hope", last_name="Okafor")
    assert redact_text(text, kind="course", course=course, where="cli").text == "we still have <PERSON> today"


def test_batch_keeps_order_and_writes_one_audit_event():
    texts = ["mail a@b.org", "", "nothing here", "call 555-0134"]
    results = redact_texts(texts, kind="learner", where="prompt")
    assert [r.text for r in results] == ["mail <EMAIL_ADDRESS>", "", "nothing here", "call <PHONE_NUMBER>"]
    event = AuditEvent.objects.get()
    assert (event.where, event.texts, event.total) == ("prompt", 4, 2)


def test_long_text_is_redacted_across_segments():
    filler = "The water cycle moves water around the planet. " * 3000  # about 144,000 characters
    text = filler + "Contact me at late@example.org."
    result = redact_text(text, kind="learner", where="ingestion")
    assert result.text.endswith("Contact me at <EMAIL_ADDRESS>.")
    (entity,) = result.entities
    assert text[entity.start : entity.end] == "late@example.org"


@pytest.mark.parametrize("bad", [{"kind": "teacher"}, {"where": ""}])
def test_bad_arguments_get_clear_errors(bad):
    arguments = {"kind": "learner", "where": "query", **bad}
    with pytest.raises(ValueError, match="kind must be|where must"):
        redact_text("hello", **arguments)


@pytest.mark.parametrize(
    "question",
    [
        "why does lava cool into igneous rock?",
        "how do earthworms improve topsoil?",
        "what does magma become?",
        "what is lava",
        "earthworm topsoil",
        "what do decomposers do?",
        "is subduction why mountains form?",
    ],
)
def test_science_words_in_learner_questions_are_not_people(question):
    result = redact_text(question, kind=ContentKind.LEARNER, where="query")
    assert result.entities == [] and result.text == question


def test_lower_case_names_in_learner_questions_still_go():
    course = CourseFactory()
    student_in(course, first_name="Amber", last_name="Lowe")
    texts = ["my friend jose said lava is hot", "can amber explain why lava cools?"]
    results = redact_texts(texts, kind=ContentKind.LEARNER, course=course, where="query")
    assert [r.text for r in results] == ["my friend <PERSON> said lava is hot", "can <PERSON> explain why lava cools?"]
