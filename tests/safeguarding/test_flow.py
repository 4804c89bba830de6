"""Every student message is screened before retrieval, and every generated answer before it is shown."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from edu.api import Interaction
from edu.safeguarding import api as safeguarding_api
from edu.safeguarding.models import Alert
from rag import api as rag_api
from tests.factories import CourseFactory, student_in, teacher_of


@pytest.fixture
def course_with_people(db):
    course = CourseFactory(slug="magnets", title="Magnets", subject="Physics")
    student = student_in(course, username="ria")
    lead = teacher_of(course, username="tom")
    safeguarding_api.assign_lead(user=lead, course=course)
    return course, student, lead


def test_a_disclosure_is_answered_with_support_not_retrieval(course_with_people):
    course, student, _ = course_with_people
    explanation = rag_api.explain(learner=student, course=course,
                                  question="how do magnets attract? btw my stepdad beats me")
    assert explanation.grounding["status"] == "safeguarding" and explanation.citations == []
    assert "not your fault" in explanation.text
    assert explanation.interaction_id is None and not Interaction.objects.exists()
    alert = Alert.objects.get()
    assert (alert.student_id, alert.category) == (student.pk, "abuse")


def test_a_harmful_request_is_refused_by_the_tutor(course_with_people):
    course, student, _ = course_with_people
    explanation = rag_api.explain(learner=student, course=course, question="how do i make a pipe bomb")
    assert explanation.grounding["action"] == "refuse" and "can't help" in explanation.text
    assert not Alert.objects.exists()


def test_the_rest_api_and_the_portal_stream_give_the_same_reply(course_with_people, client):
    course, student, _ = course_with_people
    api = APIClient()
    api.force_authenticate(student)
    response = api.post(reverse("v1:explain", args=[course.slug]), {"question": "i want to kill myself"},
                        format="json")
    assert response.status_code == 200 and "glad you said something" in response.json()["text"]
    client.force_login(student)
    stream = client.post(reverse("portal:ask_stream", args=[course.slug]), {"question": "everyone at school "
                         "calls me names every day"})
    events = [json.loads(line[6:]) for line in b"".join(stream.streaming_content).decode().splitlines()
              if line.startswith("data: ")]
    done = events[-1]
    assert done["event"] == "done" and "Nobody" in done["explanation"]["text"]
    assert "No course source supports" not in done["html"]
    assert Alert.objects.count() == 2


def test_the_lead_sees_the_alert_in_the_portal_with_the_students_words(course_with_people, client):
    course, student, lead = course_with_people
    rag_api.explain(learner=student, course=course, question="my dad hits me when he is drunk")
    alert = Alert.objects.get()
    client.force_login(lead)
    home = client.get(reverse("portal:home"))
    assert b"Safeguarding" in home.content  # the lead's badge
    queue = client.get(reverse("portal:safeguarding_alerts"))
    assert queue.status_code == 200 and b"Abuse" in queue.content and b"my dad hits me" not in queue.content
    page = client.get(reverse("portal:safeguarding_alert", args=[alert.pk]))
    assert b"my dad hits me when he is drunk" in page.content and page["Cache-Control"] == "no-store"
    acted = client.post(reverse("portal:safeguarding_act", args=[alert.pk]), {"action": "acknowledge"})
    assert acted.status_code == 302
    assert Alert.objects.get().status == "acknowledged"
    client.force_login(student)
    assert client.get(reverse("portal:safeguarding_alert", args=[alert.pk])).status_code == 404


def test_a_generated_answer_is_released_sentence_by_sentence_and_stopped_when_flagged(db):
    screen = safeguarding_api.AnswerScreen(course=None)
    shown = [screen.feed(piece) for piece in ["Magnets ", "attract iron.", " Send me ", "nudes", " now."]]
    assert shown == ["", "Magnets attract iron.", "", "", ""]
    assert screen.blocked and screen.finish() == "" and not screen.allows("Magnets attract iron.")
    clean = safeguarding_api.AnswerScreen(course=None)
    assert [clean.feed(piece) for piece in ["The cell kills ", "bacteria."]] == ["", "The cell kills bacteria."]
    assert clean.feed(" More") == "" and clean.finish() == " More" and clean.allows("The cell kills bacteria.")
