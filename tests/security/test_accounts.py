"""Findings 1 and 2: a roster import never adopts an existing account, and a teacher cannot take over
one through a sign-in link (neither another course's people nor their own student with a password).
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from edu.api import Enrollment, LearnerProfile
from privacy.models import AuditEvent
from tests.portal import conftest as portal

pytestmark = pytest.mark.django_db
world, _fast_passwords = portal.world, portal._fast_passwords

HEADER = "username,first_name,last_name,email,role,grade,student_id\n"
NOT_ADOPTED = "already has an account; an administrator can link it"


def import_as(client, user, course, csv_text: str):
    client.force_login(user)
    upload = SimpleUploadedFile("roster.csv", csv_text.encode(), content_type="text/csv")
    return client.post(reverse("portal:roster", args=[course.slug]), {"roster": upload})


def identity(user) -> tuple:
    user.refresh_from_db()
    profile = LearnerProfile.objects.filter(user=user).first()
    return (user.first_name, user.last_name, user.email, user.is_staff, profile and profile.grade_level,
            sorted(Enrollment.objects.filter(user=user).values_list("course__slug", "role")))


# --- Import never adopts -----------------------------------------------------------------------
@pytest.mark.parametrize("target", ["other_teacher", "other_student", "admin"])
def test_a_roster_row_naming_someone_elses_account_is_reported_and_left_alone(client, world, target):
    victim = world.users[target]
    before = identity(victim)
    row = f"{victim.username},Renamed,Person,,student,2,S9000001\n"
    page = import_as(client, world.users["teacher"], world.course, HEADER + row).content.decode()
    assert f"row 2: {NOT_ADOPTED}" in page
    assert identity(victim) == before  # no enrollment, no new name, grade or role
    assert victim.username not in page.split("Students (")[1]  # not listed among the course's students


def test_matching_is_by_email_and_any_letter_case_too(client, world):
    otto, olive = world.users["other_teacher"], world.users["other_student"]
    csv_text = HEADER + f"brand.new,New,Name,{olive.email.upper()},student,,\n{otto.username.upper()},O,T,,student,,\n"
    page = import_as(client, world.users["teacher"], world.course, csv_text).content.decode()
    assert f"row 2: {NOT_ADOPTED}" in page and f"row 3: {NOT_ADOPTED}" in page
    assert not get_user_model().objects.filter(username__in=["brand.new", "OTTO"]).exists()
    assert not Enrollment.objects.filter(course=world.course, user__in=[otto, olive]).exists()


def test_the_takeover_chain_is_broken_no_enrollment_so_no_sign_in_link(client, world):
    otto = world.users["other_teacher"]
    import_as(client, world.users["teacher"], world.course, HEADER + f"{otto.username},,,,student,,\n")
    response = client.post(reverse("portal:sign_in_link", args=[world.course.slug, otto.pk]))
    assert response.status_code == 404


def test_teachers_cannot_add_teachers_and_nobody_changes_roles_through_an_import(client, world):
    sam = world.users["student"]
    csv_text = HEADER + "new.teacher,New,Teacher,,teacher,,\n" + f"{sam.username},Sam,Stone,,teacher,,\n"
    page = import_as(client, world.users["teacher"], world.course, csv_text).content.decode()
    assert "row 2: only an administrator can add teachers" in page
    assert "row 3: only an administrator can add teachers" in page
    assert not get_user_model().objects.filter(username="new.teacher").exists()
    assert Enrollment.objects.get(user=sam, course=world.course).role == "student"
    admin_page = import_as(client, world.users["admin"], world.course, csv_text).content.decode()
    assert "row 3: is already in this course with another role" in admin_page  # not even an administrator
    assert Enrollment.objects.get(user__username="new.teacher", course=world.course).role == "teacher"


def test_importing_the_same_roster_twice_changes_nothing_the_second_time(client, world):
    csv_text = HEADER + "nia,Nia,Brook,nia@example.org,student,5,S7000001\nsam,Sam,Stone,,student,6,\n"
    first = import_as(client, world.users["teacher"], world.course, csv_text).content.decode()
    assert "1 new account, 0 guardians added, 1 row unchanged." in first
    nia = get_user_model().objects.get(username="nia")
    before = identity(nia)
    second = import_as(client, world.users["teacher"], world.course, csv_text).content.decode()
    assert "0 new accounts, 0 guardians added, 2 rows unchanged." in second and "<li>row " not in second
    assert identity(nia) == before


# --- Only administrators link existing accounts --------------------------------------------------
def test_a_teacher_cannot_ask_the_importer_to_link_existing_accounts(world):
    from edu.api import import_roster

    with pytest.raises(PermissionDenied):
        import_roster(course=world.course, content=HEADER + "olive,,,,student,,\n",
                      imported_by=world.users["teacher"], link_existing=True)


def test_an_administrator_links_an_existing_account_in_the_admin_and_it_is_audited(client, world):
    olive = world.users["other_student"]
    client.force_login(world.users["admin"])
    url = reverse("admin:edu_course_roster", args=[world.course.pk])
    assert "Import a roster" in client.get(reverse("admin:edu_course_change", args=[world.course.pk])).content.decode()
    csv_text = HEADER + f"{olive.username},Renamed,Person,,student,2,\n"
    upload = SimpleUploadedFile("roster.csv", csv_text.encode(), content_type="text/csv")
    page = client.post(url, {"roster": upload}).content.decode()  # without the option: reported
    assert f"row 2: {NOT_ADOPTED}" in page and not Enrollment.objects.filter(user=olive, course=world.course).exists()
    upload = SimpleUploadedFile("roster.csv", csv_text.encode(), content_type="text/csv")
    page = client.post(url, {"roster": upload, "link_existing": "on"}).content.decode()
    assert "1 existing account linked" in page
    assert Enrollment.objects.get(user=olive, course=world.course).role == "student"
    olive.refresh_from_db()
    assert olive.first_name == "Olive" and LearnerProfile.objects.get(user=olive).grade_level == 6  # not rewritten
    link = AuditEvent.objects.get(action="account_link")
    assert (link.actor_ref, link.subject, link.course, link.where) == (
        f"user:{world.users['admin'].pk}", f"user:{olive.pk}", world.course, "admin"
    )


def test_teachers_cannot_reach_the_admin_roster_import(client, world):
    client.force_login(world.users["teacher"])
    response = client.get(reverse("admin:edu_course_roster", args=[world.course.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_cli_links_existing_accounts_only_when_asked(world, tmp_path):
    olive = world.users["other_student"]
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + f"{olive.username},,,,student,,\n")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", "--course", world.course.slug, str(path), stdout=out, stderr=err)
    assert f"row 2: {NOT_ADOPTED}" in err.getvalue() and "linked 0" in out.getvalue()
    call_command("import_roster", "--course", world.course.slug, str(path), "--link-existing", stdout=out, stderr=err)
    assert "linked 1" in out.getvalue() and Enrollment.objects.filter(user=olive, course=world.course).exists()
    assert AuditEvent.objects.filter(action="account_link", actor_ref="cli", subject=f"user:{olive.pk}").exists()


# --- Sign-in links -----------------------------------------------------------------------------
def test_a_teacher_gets_no_sign_in_link_for_a_student_who_has_a_password(client, world):
    sam = world.users["student"]
    password_before = sam.password
    client.force_login(world.users["teacher"])
    response = client.post(reverse("portal:sign_in_link", args=[world.course.slug, sam.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "already has a password" in page and "administrator can reset it" in page
    assert "set-password" not in page and 'id="issued-link"' not in page
    sam.refresh_from_db()
    assert sam.password == password_before
    assert not AuditEvent.objects.filter(action="sign_in_link").exists()


def test_the_roster_offers_links_only_for_students_without_a_password(client, world):
    nova = get_user_model().objects.create_user(username="nova")  # no password: as a roster import makes them
    Enrollment.objects.create(user=nova, course=world.course, role=Enrollment.Role.STUDENT)
    client.force_login(world.users["teacher"])
    page = client.get(reverse("portal:roster", args=[world.course.slug])).content.decode()
    assert reverse("portal:sign_in_link", args=[world.course.slug, nova.pk]) in page
    assert reverse("portal:sign_in_link", args=[world.course.slug, world.users["student"].pk]) not in page
    response = client.post(reverse("portal:sign_in_link", args=[world.course.slug, nova.pk]))
    assert response.status_code == 200 and 'id="issued-link"' in response.content.decode()
    event = AuditEvent.objects.get(action="sign_in_link")
    assert (event.actor_ref, event.subject, event.course) == (
        f"user:{world.users['teacher'].pk}", f"user:{nova.pk}", world.course
    )
