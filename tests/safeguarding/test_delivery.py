"""Alerts reach the lead through a real Celery worker on the database broker within seconds, and the
words in an uploaded picture are screened like typed ones."""

from __future__ import annotations

import time

import pytest

from edu.safeguarding import api as safeguarding_api
from edu.safeguarding.models import Alert, AlertEvent
from rag import api as rag_api
from tests.factories import CourseFactory, UserFactory, student_in

SVG_NOTE = (b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120">'
            b'<text x="10" y="40">my stepdad hits me every night</text>'
            b'<text x="10" y="90">Photosynthesis</text></svg>')


@pytest.mark.worker
@pytest.mark.slow
def test_a_worker_notifies_the_lead_within_seconds(celery_worker_factory):
    celery_worker_factory(queues="default")
    course = CourseFactory(slug="worker-safeguarding")
    student = student_in(course, username="wes")
    safeguarding_api.assign_lead(user=UserFactory(username="lead", email="lead@school.example"), course=course)
    started = time.monotonic()
    decision = safeguarding_api.screen_student_message(student=student, course=course, text="i want to die")
    while not Alert.objects.filter(pk=decision.alert_id, notified_at__isnull=False).exists():
        assert time.monotonic() - started < 10, "the lead was not notified within 10 s"
        time.sleep(0.05)
    assert AlertEvent.objects.filter(alert_id=decision.alert_id, action="notified").count() == 1


@pytest.mark.slow
def test_the_words_in_an_uploaded_picture_are_screened(db):
    course = CourseFactory(slug="pictures")
    student = student_in(course, username="pip")
    explanation = rag_api.explain(learner=student, course=course, question="what does my picture show?",
                                  image=SVG_NOTE)
    assert explanation.grounding["status"] == "safeguarding" and "not your fault" in explanation.text
    alert = Alert.objects.get()
    assert (alert.source, alert.category) == ("image_text", "abuse")
