"""Every action on personal data leaves an audit event: who (an account id), what, when, which course,
and through which front door; never a name, email, ID or any other value it touched."""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from edu.api import LearnerProfile
from privacy.api import redaction_summary
from privacy.models import AuditEvent, PrivacyPolicy, PseudonymMapping
from privacy.services import reidentify, update_policy
from privacy.vault import encrypt_json
from tests.portal import conftest as portal

pytestmark = pytest.mark.django_db
world, _fast_passwords = portal.world, portal._fast_passwords

PERSONAL_VALUES = ("Nia", "Brook", "nia@example.org", "S7000001", "Ngozi", "ngozi@home.org", "Jake Miller",
                   "Sam", "Stone", "sam@example.org")


def actions() -> list[tuple]:
    return list(AuditEvent.objects.exclude(action="").order_by("pk").values_list("action", "where", "actor_ref",
                                                                                 "subject"))


def assert_no_values_in_the_trail() -> None:
    every_field = str(list(AuditEvent.objects.values()))
    assert not [value for value in PERSONAL_VALUES if value in every_field]


def test_a_portal_roster_import_is_audited_with_counts_only(client, world):
    client.force_login(world.users["teacher"])
    csv_text = ("username,first_name,last_name,email,role,grade,student_id\n"
                "nia,Nia,Brook,nia@example.org,student,5,S7000001\n"
                ",Ngozi,Brook,ngozi@home.org,guardian,,S7000001\n"
                "bad!,x,y,,student,,\n")
    upload = SimpleUploadedFile("roster.csv", csv_text.encode(), content_type="text/csv")
    client.post(reverse("portal:roster", args=[world.course.slug]), {"roster": upload})
    event = AuditEvent.objects.get(action="roster_import")
    assert (event.where, event.actor_ref, event.course) == ("portal", f"user:{world.users['teacher'].pk}", world.course)
    assert event.counts == {"created": 1, "linked": 0, "unchanged": 0, "guardians": 1, "rejected": 1}
    assert_no_values_in_the_trail()


def test_exports_through_every_front_door_are_audited(client, world, tmp_path):
    sam = world.users["student"]
    client.force_login(sam)
    client.get(reverse("portal:export_data"))
    api = APIClient()
    api.force_authenticate(sam)
    api.get(reverse("v1:export"))
    call_command("export_learner", "--username", sam.username, "--output", str(tmp_path / "x.json"),
                 stdout=io.StringIO())
    client.force_login(world.users["admin"])
    profile = LearnerProfile.objects.get(user=sam)
    client.post(reverse("admin:edu_learnerprofile_changelist"),
                {"action": "export_learners", ACTION_CHECKBOX_NAME: [profile.pk]})
    admin_ref = f"user:{world.users['admin'].pk}"
    assert actions() == [
        ("export", "portal", f"user:{sam.pk}", f"user:{sam.pk}"),
        ("export", "api", f"user:{sam.pk}", f"user:{sam.pk}"),
        ("export", "cli", "cli", f"user:{sam.pk}"),
        ("export", "admin", admin_ref, f"user:{sam.pk}"),
    ]
    assert_no_values_in_the_trail()


def test_erasures_are_audited_by_who_asked(client, world):
    sam, olive = world.users["student"], world.users["other_student"]
    client.force_login(sam)
    client.post(reverse("portal:erase_data"), {"confirm": sam.username})
    client.force_login(world.users["admin"])
    profile = LearnerProfile.objects.get(user=olive)
    client.post(reverse("admin:edu_learnerprofile_changelist"),
                {"action": "erase_learners", ACTION_CHECKBOX_NAME: [profile.pk], "confirmed": "yes"})
    assert actions() == [
        ("erasure", "portal", f"user:{sam.pk}", f"user:{sam.pk}"),
        ("erasure", "admin", f"user:{world.users['admin'].pk}", f"user:{olive.pk}"),
    ]
    assert_no_values_in_the_trail()


def test_reidentifying_a_pseudonymised_answer_is_audited_without_the_value(world):
    sam = world.users["student"]
    conversation = uuid.uuid4()
    PseudonymMapping.objects.create(owner=sam, conversation_id=conversation, course=world.course,
                                    vault=encrypt_json({"<PERSON_1>": "Jake Miller"}))
    shown = reidentify("Ask <PERSON_1>.", owner=sam, conversation_id=conversation, requesting_user=sam)
    assert shown == "Ask Jake Miller."
    event = AuditEvent.objects.get(action="reidentification")
    assert (event.actor_ref, event.course, event.counts) == (f"user:{sam.pk}", world.course, {"placeholders": 1})
    reidentify("Ask <PERSON_1>.", owner=sam, conversation_id=conversation, requesting_user=world.users["teacher"])
    assert AuditEvent.objects.filter(action="reidentification").count() == 1  # nothing put back, nothing audited
    assert_no_values_in_the_trail()


def test_privacy_policy_changes_are_audited_from_the_service_and_the_admin(client, world):
    update_policy(course=world.course, changed_by=world.users["teacher"], where="portal", allow_list="Amazon\n")
    client.force_login(world.users["admin"])
    policy = PrivacyPolicy.objects.get(course=world.course)
    response = client.post(reverse("admin:privacy_privacypolicy_change", args=[policy.pk]), {
        "course": world.course.pk, "entities": "[]", "default_threshold": "0.5", "thresholds": "{}",
        "operators": "{}", "allow_list": "Amazon\n", "student_id_patterns": "[]",
    })
    assert response.status_code == 302
    assert [(action, where, actor) for action, where, actor, _ in actions()] == [
        ("policy_change", "portal", f"user:{world.users['teacher'].pk}"),
        ("policy_change", "admin", f"user:{world.users['admin'].pk}"),
    ]


def test_actions_show_in_the_admin_audit_list_and_stay_out_of_redaction_reports(client, world):
    from privacy.api import record_action

    record_action(action=AuditEvent.Action.SIGN_IN_LINK, actor=world.users["teacher"], where="portal",
                  course=world.course, subject=f"user:{world.users['student'].pk}")
    client.force_login(world.users["admin"])
    page = client.get(reverse("admin:privacy_auditevent_changelist"), {"action": "sign_in_link"}).content.decode()
    assert "Sign-in link issued" in page and f"user:{world.users['teacher'].pk}" in page
    assert redaction_summary(course=world.course)["by_where"] == {}  # counts of redactions only


def test_an_action_must_be_known_and_its_counts_numbers():
    from privacy.api import record_action

    with pytest.raises(ValueError, match="unknown audit action"):
        record_action(action="peek", actor=None, where="cli")
    with pytest.raises(ValueError):
        record_action(action=AuditEvent.Action.EXPORT, actor=None, where="cli", counts={"name": "Jake Miller"})
