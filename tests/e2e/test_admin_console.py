"""The admin console in real headless Chromium: a staff member signs in and lands on it; the audit trail and the
ingestion jobs are shown, never edited, and a staff member who is not a superuser is offered no way to delete
them (not even holding Django's delete permissions); a superuser is, which shows the checks look in the right
place."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from edu.api import Material
from privacy.api import AuditEvent, record_action
from rag.api import IngestionJob
from tests.e2e.conftest import sign_in
from tests.factories import CourseFactory, MaterialFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DELETE_EVENTS = "Delete selected audit events"


@pytest.fixture
def console():
    course = CourseFactory(slug="rivers", title="Rivers")
    material = MaterialFactory(course=course, title="Delta notes", status=Material.Status.READY)
    job = IngestionJob.objects.create(material=material, state=IngestionJob.State.INDEXED, progress=100)
    stan = UserFactory(username="stan", is_staff=True)
    stan.user_permissions.set(Permission.objects.filter(codename__in=[
        "view_auditevent", "delete_auditevent", "view_ingestionjob", "delete_ingestionjob",
    ]))  # fmt: skip
    UserFactory(username="ada", is_staff=True, is_superuser=True)
    event = record_action(action=AuditEvent.Action.EXPORT, actor=stan, where="admin", subject="user:1")
    return {"job": job, "event": event}


def test_staff_land_on_the_console_where_audit_events_and_jobs_are_read_only(live_server, page, console):
    base, job, event = live_server.url, console["job"], console["event"]
    sign_in(page, base, "stan", lands_on="/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.get_by_role("link", name="Audit events").first.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.get_by_role("option", name=DELETE_EVENTS)).to_have_count(0)
    page.locator("#result_list tbody tr a").first.click()
    page.wait_for_url(f"**{reverse('admin:privacy_auditevent_change', args=[event.pk])}")
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    assert page.goto(base + reverse("admin:privacy_auditevent_delete", args=[event.pk])).status == 403

    page.goto(base + reverse("admin:index"))
    page.get_by_role("link", name="Ingestion jobs").first.click()
    expect(page.get_by_role("option", name="Re-run ingestion of the selected jobs' materials")).to_have_count(1)
    expect(page.get_by_role("option", name="Delete selected ingestion jobs")).to_have_count(0)
    page.locator("#result_list tbody tr a").first.click()
    expect(page.locator(".field-state .readonly")).to_have_text("Indexed")  # shown, not a control
    expect(page.locator("[name=state], [name=progress]")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    assert page.goto(base + reverse("admin:rag_ingestionjob_delete", args=[job.pk])).status == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists() and IngestionJob.objects.filter(pk=job.pk).exists()

    page.context.clear_cookies()  # the superuser, for contrast, is offered the deletion
    sign_in(page, base, "ada", lands_on="/admin/")
    page.goto(base + reverse("admin:privacy_auditevent_changelist"))
    expect(page.get_by_role("option", name=DELETE_EVENTS)).to_have_count(1)
    page.goto(base + reverse("admin:privacy_auditevent_change", args=[event.pk]))
    expect(page.get_by_role("link", name="Delete")).to_have_count(1)
