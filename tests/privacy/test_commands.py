"""The CLI contracts: `redact` (JSON lines in and out, per-line errors), `import_roster` (CSV),
`export_learner` and `erase_learner` (data rights for operators)."""

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from edu.api import Enrollment, LearnerProfile
from privacy.api import ErasureRecord
from tests.factories import CourseFactory, UserFactory, student_in

pytestmark = pytest.mark.django_db


def run_redact(monkeypatch, data: bytes, *args) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out = io.StringIO()
    call_command("redact", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.slow
def test_redact_writes_text_and_offsets_into_the_input(monkeypatch):
    text = "I'm Jake Miller, mail jake@example.org"
    (record,) = run_redact(monkeypatch, json.dumps({"id": "a1", "text": text}).encode() + b"\n", "--kind", "learner")
    assert record["id"] == "a1"
    assert record["text"] == "I'm <PERSON>, mail <EMAIL_ADDRESS>"
    assert [text[e["start"] : e["end"]] for e in record["entities"]] == ["Jake Miller", "jake@example.org"]
    assert {e["type"] for e in record["entities"]} == {"PERSON", "EMAIL_ADDRESS"}


@pytest.mark.slow
def test_bad_lines_get_errors_and_the_batch_goes_on(monkeypatch):
    lines = [
        json.dumps({"id": 1, "text": "mail a@b.org"}).encode(),
        json.dumps({"id": 2, "text": ""}).encode(),
        b'{"id": 3, "text": "caf\xe9 ' + b"\xff\xfe" + b'"}',
        b'{"id": 4, "text": ',
        json.dumps({"id": 5, "text": "x" * (5 * 1024 * 1024)}).encode(),
        json.dumps({"id": 6}).encode(),
        json.dumps({"id": 7, "text": "call 555-0134"}).encode(),
    ]
    records = run_redact(monkeypatch, b"\n".join(lines) + b"\n")
    assert [(r.get("id"), "error" in r) for r in records] == [
        (1, False), (2, True), (None, True), (None, True), (5, True), (6, True), (7, False)
    ]
    errors = {r["line"]: r["error"] for r in records if "error" in r}
    assert "empty" in errors[2] and "UTF-8" in errors[3] and "JSON" in errors[4]
    assert "limit" in errors[5] and "missing" in errors[6]
    assert records[-1]["text"] == "call <PHONE_NUMBER>"


def test_redact_refuses_an_unknown_course():
    with pytest.raises(CommandError, match="No course"):
        call_command("redact", "--course", "nope")


@pytest.mark.slow
def test_redact_applies_the_course_roster(monkeypatch, tmp_path):
    CourseFactory(slug="bio-7")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,role,student_id,grade\nHope Adeyemi,hope@school.org,student,S1234567,7\n")
    call_command("import_roster", "--course", "bio-7", str(roster), stdout=io.StringIO())
    records = run_redact(monkeypatch, b'{"id": 1, "text": "we have hope"}\n', "--kind", "course", "--course", "bio-7")
    assert records[0]["text"] == "we have <PERSON>"


def test_import_roster_enrolls_people_and_reports_bad_rows(tmp_path):
    course = CourseFactory(slug="hist-8")
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text(
        "name,email,role,student_id,grade\n"
        "Amara Okafor,amara@school.org,student,S1000001,8\n"
        "Luis Ortega,luis@school.org,teacher,,\n"
        "Ngozi Okafor,ngozi@home.org,guardian,S1000001,\n"
        ",nobody@school.org,student,,\n"
        "Bad Email,not-an-email,student,,\n"
        "Odd Role,odd@school.org,janitor,,\n"
        "Lost Guardian,lost@home.org,guardian,S9999999,\n"
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", "--course", "hist-8", str(csv_file), stdout=out, stderr=err)
    assert "Created 3, linked 0, added 1 guardians, unchanged 0, rejected 3 rows." in out.getvalue()
    assert [line.split(":")[0] for line in err.getvalue().splitlines()] == ["row 6", "row 7", "row 8"]
    assert "not-an-email" not in err.getvalue() and "Lost" not in err.getvalue()
    roles = dict(Enrollment.objects.filter(course=course).values_list("user__email", "role"))
    assert roles == {"amara@school.org": "student", "luis@school.org": "teacher", "nobody@school.org": "student"}
    profile = LearnerProfile.objects.get(user__email="amara@school.org")
    assert (profile.student_id, profile.grade_level, profile.guardian_name) == ("S1000001", 8, "Ngozi Okafor")


def test_import_roster_needs_the_required_columns(tmp_path):
    CourseFactory(slug="geo-6")
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text("full name,mail\nA,b@c.org\n")
    with pytest.raises(CommandError, match="header with a 'username' or an 'email' column"):
        call_command("import_roster", "--course", "geo-6", str(csv_file))


def test_export_learner_writes_the_learners_json(tmp_path):
    learner = student_in(CourseFactory(), first_name="Ines")
    target = tmp_path / "export.json"
    call_command("export_learner", "--username", learner.username, "--output", str(target), stdout=io.StringIO())
    assert json.loads(target.read_text())["account"]["first_name"] == "Ines"
    out = io.StringIO()
    call_command("export_learner", "--username", learner.username, stdout=out)
    assert json.loads(out.getvalue())["account"]["username"] == learner.username


def test_erase_learner_needs_confirmation_and_an_admin(monkeypatch):
    learner, admin = student_in(CourseFactory()), UserFactory(is_staff=True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing erased"):
        call_command("erase_learner", "--username", learner.username, "--requested-by", admin.username)
    with pytest.raises(CommandError, match="Only the learner or an administrator"):
        call_command("erase_learner", "--username", learner.username, "--requested-by", UserFactory().username,
                     "--yes")
    assert LearnerProfile.objects.filter(user=learner).exists()
    out = io.StringIO()
    call_command("erase_learner", "--username", learner.username, "--requested-by", admin.username, "--yes",
                 stdout=out)
    assert not LearnerProfile.objects.filter(user_id=learner.pk).exists()
    record = ErasureRecord.objects.get()
    assert f"erasure record {record.pk}" in out.getvalue() and record.requested_by == admin


def test_learner_commands_refuse_unknown_users_without_echoing_the_name():
    with pytest.raises(CommandError, match="No such user") as error:
        call_command("export_learner", "--username", "ghost.pupil@example.org")
    assert "ghost" not in str(error.value)
