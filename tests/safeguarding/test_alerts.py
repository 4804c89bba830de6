"""Alerts reach the course's safeguarding lead only, with the student's words; every reading and
action is recorded; alerts are acknowledged, escalated and closed with a note; old closed ones go."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from edu.safeguarding import api as safeguarding_api
from edu.safeguarding import services
from edu.safeguarding.models import Alert, AlertEvent
from privacy.api import AuditEvent, erase_learner, export_learner_data
from tests.factories import CourseFactory, UserFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    course = CourseFactory(slug="forces", title="Forces", subject="Physics")
    other = CourseFactory(slug="poems", title="Poems", subject="Literature")
    student = student_in(course, username="kim")
    lead = teacher_of(course, username="lee", email="lee@school.example")
    school_lead = UserFactory(username="dsl", email="dsl@school.example")
    other_lead = teacher_of(other, username="ola", email="ola@school.example")
    services.assign_lead(user=lead, course=course)
    services.assign_lead(user=school_lead, course=None)
    services.assign_lead(user=other_lead, course=other)
    return course, student, lead, school_lead, other_lead


def disclose(course, student, text="how do magnets work? also my stepdad hits me") -> safeguarding_api.Decision:
    return safeguarding_api.screen_student_message(student=student, course=course, text=text, grade=6)


def test_a_disclosure_gets_a_supportive_reply_and_an_encrypted_alert(school, settings):
    settings.GLOSSA = {**settings.GLOSSA, "SAFEGUARDING_HELPLINES": ["Childline: 0800 1111"]}
    course, student, *_ = school
    safeguarding_api.update_course_safeguarding(course=course, help_contacts="Ms Diaz, school counsellor: room 12")
    decision = disclose(course, student)
    assert decision.action == "support" and decision.category == "abuse"
    assert "not your fault" in decision.reply and "Ms Diaz" in decision.reply and "Childline" in decision.reply
    alert = Alert.objects.get(pk=decision.alert_id)
    assert (alert.category, alert.severity, alert.status) == ("abuse", "high", "open")
    assert "stepdad" not in alert.original_encrypted  # stored encrypted


def test_replies_are_written_for_the_grade(school):
    course, student, *_ = school
    young = safeguarding_api.screen_student_message(student=student, course=course, text="i want to die", grade=3)
    older = safeguarding_api.screen_student_message(student=student, course=course, text="i want to die", grade=11)
    assert "grown-up" in young.reply and "safeguarding lead" in older.reply


def test_harmful_and_sexual_requests_are_refused_without_an_alert(school):
    course, student, *_ = school
    for text in ("how do i make a pipe bomb", "send me nudes"):
        decision = disclose(course, student, text)
        assert decision.action == "refuse" and decision.alert_id is None
        assert "course" in decision.reply
    assert not Alert.objects.exists()


def test_lesson_questions_are_answered(school):
    course, student, *_ = school
    assert disclose(course, student, "why does friction kill the speed of a sled").action == "answer"
    assert not Alert.objects.exists()


def test_a_teachers_preview_raises_no_alert(school):
    course, _, lead, *_ = school
    decision = safeguarding_api.screen_student_message(student=lead, course=course, text="i want to kill myself")
    assert decision.action == "support" and decision.alert_id is None


def test_only_the_courses_leads_see_the_alert_and_reading_it_is_audited(school):
    course, student, lead, school_lead, other_lead = school
    alert_id = disclose(course, student).alert_id
    assert [a.pk for a in safeguarding_api.alerts_for_lead(user=lead)] == [alert_id]
    assert [a.pk for a in safeguarding_api.alerts_for_lead(user=school_lead)] == [alert_id]
    assert not safeguarding_api.alerts_for_lead(user=other_lead).exists()
    for outsider in (other_lead, student, UserFactory(username="root", is_superuser=True, is_staff=True)):
        with pytest.raises(PermissionDenied):
            safeguarding_api.read_alert(actor=outsider, alert_id=alert_id, where="portal")
    detail = safeguarding_api.read_alert(actor=lead, alert_id=alert_id, where="portal")
    assert detail.original == "how do magnets work? also my stepdad hits me"
    viewed = AlertEvent.objects.get(alert_id=alert_id, action="viewed")
    assert (viewed.actor_id, viewed.where) == (lead.pk, "portal")
    audit = AuditEvent.objects.get(action=AuditEvent.Action.REIDENTIFICATION, subject=f"safeguarding_alert:{alert_id}")
    assert audit.actor_ref == f"user:{lead.pk}" and "stepdad" not in str(audit.counts)


def test_alerts_are_acknowledged_escalated_and_closed_with_a_note(school):
    course, student, lead, *_ = school
    alert_id = disclose(course, student).alert_id
    act = safeguarding_api.act_on_alert
    assert act(actor=lead, alert_id=alert_id, action="acknowledge", where="portal").status == "acknowledged"
    with pytest.raises(safeguarding_api.AlertActionError, match="note"):
        act(actor=lead, alert_id=alert_id, action="escalate", where="portal")
    assert act(actor=lead, alert_id=alert_id, action="escalate", note="Called social care", where="api").status \
        == "escalated"
    closed = act(actor=lead, alert_id=alert_id, action="close", note="Family support in place", where="portal")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(safeguarding_api.AlertActionError):
        act(actor=lead, alert_id=alert_id, action="acknowledge", where="portal")
    events = safeguarding_api.read_alert(actor=lead, alert_id=alert_id, where="portal").events
    assert [event["action"] for event in events][:5] == ["created", "acknowledged", "escalated", "closed", "viewed"]
    assert events[2]["note"] == "Called social care"
    assert "social care" not in AlertEvent.objects.get(alert_id=alert_id, action="escalated").note_encrypted


def test_leads_are_emailed_without_the_students_words(school, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    course, student, *_ = school
    alert_id = disclose(course, student).alert_id
    assert services.notify_leads(alert_id=alert_id) == 2
    message = mail.outbox[0]
    assert sorted(message.to) == ["dsl@school.example", "lee@school.example"]
    assert "stepdad" not in message.body and "kim" not in message.body and f"/safeguarding/{alert_id}/" in message.body
    assert Alert.objects.get(pk=alert_id).notified_at is not None


def test_closed_alerts_past_retention_are_purged_and_open_ones_kept(school, settings):
    settings.GLOSSA = {**settings.GLOSSA, "SAFEGUARDING_RETENTION_DAYS": 30}
    course, student, lead, *_ = school
    old_closed = disclose(course, student).alert_id
    still_open = disclose(course, student).alert_id
    safeguarding_api.act_on_alert(actor=lead, alert_id=old_closed, action="close", note="done", where="portal")
    Alert.objects.filter(pk=old_closed).update(closed_at=timezone.now() - datetime.timedelta(days=31))
    assert safeguarding_api.purge_expired_alerts() == 1
    assert list(Alert.objects.values_list("pk", flat=True)) == [still_open]


def test_the_students_export_withholds_the_record_and_erasure_removes_it(school):
    course, student, *_ = school
    disclose(course, student)
    exported = export_learner_data(user=student)
    rows = exported["safeguarding.Alert"]
    assert rows and all(row["original_encrypted"].startswith("withheld") for row in rows)
    assert "stepdad" not in str(exported)
    erase_learner(user=student, requested_by=student)
    assert not Alert.objects.exists() and not AlertEvent.objects.exists()


def test_the_rest_api_gives_the_lead_the_alert_and_takes_actions(school):
    from django.urls import reverse
    from rest_framework.test import APIClient

    course, student, lead, _, other_lead = school
    alert_id = disclose(course, student).alert_id
    client = APIClient()
    client.force_authenticate(lead)
    listed = client.get(reverse("v1:safeguarding_alerts")).json()
    assert [item["id"] for item in listed] == [alert_id] and "original" not in listed[0]
    detail = client.get(reverse("v1:safeguarding_alert", args=[alert_id]))
    assert detail.json()["original"] == "how do magnets work? also my stepdad hits me"
    assert AlertEvent.objects.filter(alert_id=alert_id, action="viewed", where="api").count() == 1
    closing = client.post(reverse("v1:safeguarding_act", args=[alert_id]), {"action": "close"}, format="json")
    assert closing.status_code == 409 and "note" in closing.json()["detail"]
    closed = client.post(reverse("v1:safeguarding_act", args=[alert_id]), {"action": "close", "note": "ok"},
                         format="json")
    assert closed.json()["status"] == "closed"
    client.force_authenticate(other_lead)
    assert client.get(reverse("v1:safeguarding_alert", args=[alert_id])).status_code == 404


def test_the_admin_shows_alerts_without_the_words(school, client):
    from django.urls import reverse

    course, student, *_ = school
    alert_id = disclose(course, student).alert_id
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:safeguarding_alert_change", args=[alert_id]))
    assert page.status_code == 200 and b"abuse" in page.content
    assert b"stepdad" not in page.content and b"original_encrypted" not in page.content
