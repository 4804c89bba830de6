"""Admin console extras: re-run ingestion jobs, export and erase learners."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from edu.api import Interaction, LearnerProfile
from privacy.api import ContentKind, ErasureRecord, redact_text
from privacy.models import AuditEvent
from rag.api import IngestionJob
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # noqa: S105 - the factories' test password

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(client, world):
    client.force_login(world.users["admin"])
    return client


def test_rerun_action_queues_the_jobs_material_again(admin_client_for, world):
    admin_client_for.post(
        reverse("admin:rag_ingestionjob_changelist"), {"action": "rerun_selected", ACTION_CHECKBOX_NAME: [world.job.pk]}
    )
    assert IngestionJob.objects.filter(material=world.material, state=IngestionJob.State.QUEUED).count() == 1


def test_export_action_downloads_each_selected_learners_data(admin_client_for, world):
    profile = LearnerProfile.objects.get(user=world.users["student"])
    response = admin_client_for.post(
        reverse("admin:edu_learnerprofile_changelist"),
        {"action": "export_learners", ACTION_CHECKBOX_NAME: [profile.pk]},
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert list(json.loads(response.content)) == ["sam"]


def test_erase_action_asks_first_then_erases_and_keeps_a_record(admin_client_for, world):
    profile = LearnerProfile.objects.get(user=world.users["student"])
    url = reverse("admin:edu_learnerprofile_changelist")
    selection = {"action": "erase_learners", ACTION_CHECKBOX_NAME: [profile.pk]}
    confirm_page = admin_client_for.post(url, selection)
    assert "Erase 1 learner?" in confirm_page.content.decode()
    assert Interaction.objects.filter(learner=world.users["student"]).exists()
    admin_client_for.post(url, {**selection, "confirmed": "yes"})
    assert not LearnerProfile.objects.filter(pk=profile.pk).exists()
    assert not Interaction.objects.filter(learner_id=world.users["student"].pk).exists()
    assert ErasureRecord.objects.filter(subject_ref=f"user:{world.users['student'].pk}").exists()


def test_ingestion_jobs_are_shown_not_edited(admin_client_for, world):
    listing = admin_client_for.get(reverse("admin:rag_ingestionjob_changelist")).content.decode()
    assert world.material.course.title in listing  # the course column
    page = admin_client_for.get(reverse("admin:rag_ingestionjob_change", args=[world.job.pk])).content.decode()
    assert 'name="state"' not in page and 'name="progress"' not in page and 'name="_save"' not in page


def test_staff_who_are_not_superusers_cannot_delete_audit_events_or_jobs(client, world):
    staff = UserFactory(username="stan", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=[
        "view_auditevent", "delete_auditevent", "view_ingestionjob", "delete_ingestionjob",
    ]))
    client.force_login(staff)
    redact_text("mail ana@example.org", kind=ContentKind.LEARNER, where="query")  # writes an audit event
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:privacy_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:rag_ingestionjob_delete", args=[world.job.pk])).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_learners_leave_through_erase_never_a_bare_delete(admin_client_for, world):
    listing = admin_client_for.get(reverse("admin:edu_learnerprofile_changelist")).content.decode()
    assert 'value="erase_learners"' in listing and 'value="delete_selected"' not in listing
    profile = LearnerProfile.objects.get(user=world.users["student"])
    assert admin_client_for.get(reverse("admin:edu_learnerprofile_delete", args=[profile.pk])).status_code == 403


def test_staff_sign_in_lands_on_the_console_and_students_on_the_portal(client, world):
    UserFactory(username="stan", is_staff=True)
    staff = client.post(reverse("login"), {"username": "stan", "password": PASSWORD})
    assert staff.status_code == 302 and staff["Location"] == reverse("admin:index")
    client.logout()
    student = client.post(reverse("login"), {"username": world.users["student"].username, "password": PASSWORD})
    assert student.status_code == 302 and student["Location"] == reverse("portal:home")
