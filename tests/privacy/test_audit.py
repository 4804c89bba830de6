"""Every redaction leaves an audit event with counts per type and boundary, never a value."""

import json

import pytest

from privacy.api import redact_text, redaction_summary
from privacy.models import AuditEvent
from tests.factories import CourseFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_audit_event_has_counts_but_no_values(caplog):
    course = CourseFactory()
    text = "I'm Rosalind Achterberg, rosa@achterberg.net, 555-0134"
    redact_text(text, kind="learner", course=course, where="query", subject="interaction:7")
    event = AuditEvent.objects.get()
    assert (event.where, event.kind, event.course, event.subject) == ("query", "learner", course, "interaction:7")
    assert event.counts == {"PERSON": 1, "EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1} and event.total == 3
    stored = json.dumps([event.counts, event.subject, event.where])
    for value in ("Rosalind", "Achterberg", "rosa@", "555-0134"):
        assert value not in stored
        assert value not in caplog.text


def test_summary_counts_per_entity_and_boundary():
    course = CourseFactory()
    redact_text("mail a@b.org", kind="learner", course=course, where="query")
    redact_text("mail c@d.org and e@f.org", kind="course", course=course, where="ingestion")
    redact_text("mail g@h.org", kind="learner", where="query")  # another course: not counted
    summary = redaction_summary(course=course)
    assert summary["events"] == 2 and summary["total"] == 3
    assert summary["by_entity"] == {"EMAIL_ADDRESS": 3}
    assert summary["by_where"] == {"ingestion": {"EMAIL_ADDRESS": 2}, "query": {"EMAIL_ADDRESS": 1}}


def test_admin_privacy_report_shows_counts(admin_client):
    course = CourseFactory(title="Biology 7")
    redact_text("mail a@b.org", kind="learner", course=course, where="query")
    response = admin_client.get("/admin/privacy/auditevent/report/", {"course": course.pk})
    assert response.status_code == 200
    assert b"EMAIL_ADDRESS" in response.content and b"a@b.org" not in response.content
    changelist = admin_client.get("/admin/privacy/auditevent/")
    assert b"/admin/privacy/auditevent/report/" in changelist.content
