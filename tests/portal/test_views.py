"""The portal's pages do what students and teachers need, and refuse bad input without losing data."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from edu.api import Enrollment, Interaction, LearnerProfile, Mastery, Material
from edu.portal.views import removed_notice
from edu.services import record_answer
from rag.api import DiagramGraph, IngestionJob
from tests.factories import MasteryFactory, MaterialFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


# --- Student pages ------------------------------------------------------------------------------
def test_dashboard_shows_the_learners_mastery_per_objective(client, world):
    objective = ObjectiveFactory(course=world.course, title="Evaporation", p_init=0.2)
    untouched = ObjectiveFactory(course=world.course, title="Condensation", p_init=0.3)
    MasteryFactory(learner=world.users["student"], objective=objective, p_known=0.85, attempts=3)
    page = signed_in(client, world.users["student"]).get(reverse("portal:home")).content.decode()
    assert 'aria-label="Mastery of Evaporation"' in page and 'value="0.850"' in page
    # No answers yet is said as such, not shown as a low (red) 30% bar.
    assert f'aria-label="Mastery of {untouched.title}"' not in page and 'value="0.300"' not in page
    assert f'{untouched.title}</span>\n    \n    <span class="mastery-none">No answers yet</span>' in page
    assert "Rocks" not in page  # a course the learner is not in


def test_dashboard_gives_teachers_their_tools_not_a_mastery_bar(client, world):
    ObjectiveFactory(course=world.course, title="Evaporation")
    page = signed_in(client, world.users["teacher"]).get(reverse("portal:home")).content.decode()
    assert reverse("portal:materials", args=[world.course.slug]) in page
    assert "<meter" not in page


def test_profile_settings_are_saved(client, world):
    client = signed_in(client, world.users["student"])
    response = client.post(
        reverse("portal:profile"),
        {
            "grade_level": 4,
            "reading_level": 3.5,
            "language": "es",
            "accessibility_needs": ["dyslexia", "low_vision"],
        },
    )
    assert response.status_code == 302
    profile = LearnerProfile.objects.get(user=world.users["student"])
    assert (profile.grade_level, profile.reading_level, profile.language) == (4, 3.5, "es")
    assert sorted(profile.accessibility_needs) == ["dyslexia", "low_vision"]


def test_profile_rejects_an_impossible_reading_level_and_keeps_the_old_one(client, world):
    response = signed_in(client, world.users["student"]).post(
        reverse("portal:profile"), {"grade_level": 4, "reading_level": 40, "language": "en"}
    )
    assert response.status_code == 200 and "less than or equal to 16" in response.content.decode()
    assert LearnerProfile.objects.get(user=world.users["student"]).reading_level == 6.0


def test_every_profile_input_has_a_label(client, world):
    page = signed_in(client, world.users["student"]).get(reverse("portal:profile")).content.decode()
    for field in ("grade_level", "reading_level", "language"):
        assert f'<label for="id_{field}"' in page


def test_export_downloads_the_learners_own_data_as_json(client, world):
    response = signed_in(client, world.users["student"]).get(reverse("portal:export_data"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="glossa-my-data-')
    data = json.loads(response.content)
    assert data["account"]["username"] == "sam"
    assert "olive" not in response.content.decode()


def test_erasure_needs_the_username_typed_and_then_removes_the_account(client, world):
    student = world.users["student"]
    client = signed_in(client, student)
    refused = client.post(reverse("portal:erase_data"), {"confirm": "someone-else"})
    assert refused.status_code == 400
    assert Interaction.objects.filter(learner=student).exists()
    erased = client.post(reverse("portal:erase_data"), {"confirm": "sam"})
    assert erased.status_code == 200 and "Your data is erased" in erased.content.decode()
    assert not type(student).objects.filter(pk=student.pk).exists()
    assert not Interaction.objects.filter(learner_id=student.pk).exists()
    assert client.get(reverse("portal:home")).status_code == 302  # signed out


def test_feedback_on_an_explanation_moves_the_reading_level(client, world):
    response = signed_in(client, world.users["student"]).post(
        reverse("portal:feedback", args=[world.interaction.pk]), {"feedback": "too_hard"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="status"' in page
    # 6.0 is the middle band: "too hard" moves it into the simple one, and the page says what that changes
    assert "short sentences and simpler words" in page and "Ask your question again" in page
    world.interaction.refresh_from_db()
    assert world.interaction.feedback == "too_hard"
    assert LearnerProfile.objects.get(user=world.users["student"]).reading_level < 6.0


@pytest.mark.parametrize(("simpler_than", "says"), [
    ({"grade_found_too_hard": 6.87, "grade_written": 4.19}, "reading grade 6.9 before, 4.2 now"),
    ({"grade_found_too_hard": 3.42, "grade_written": 3.44}, None),  # nothing simpler was found: no claim
    (None, None),  # no "too hard" on this question
])
def test_an_answer_written_below_the_one_found_too_hard_says_so(simpler_than, says):
    grounding = {"status": "extractive", **({"simpler_than": simpler_than} if simpler_than else {})}
    footer = render_to_string("portal/_answer_footer.html", {"explanation": {"citations": [], "grounding": grounding}})
    assert ("found too hard" in footer) == bool(says)
    assert says is None or says in footer


def test_the_dyslexia_setting_styles_every_page_of_that_student_only(client, world):
    student = world.users["student"]
    LearnerProfile.objects.filter(user=student).update(accessibility_needs=["dyslexia"])
    client = signed_in(client, student)
    for url in (reverse("portal:home"), reverse("portal:ask", args=[world.course.slug]), reverse("portal:profile")):
        assert re.search(r'<body[^>]* class="dyslexia-friendly"', client.get(url).content.decode()), url
    teacher_page = signed_in(client, world.users["teacher"]).get(reverse("portal:home")).content.decode()
    assert "dyslexia-friendly" not in teacher_page


def test_dashboard_offers_the_next_practice_question_and_grading_it_moves_mastery(client, world):
    client = signed_in(client, world.users["student"])
    page = client.get(reverse("portal:home")).content.decode()
    assert world.item.prompt in page and reverse("portal:practice", args=[world.item.pk]) in page
    result = client.post(reverse("portal:practice", args=[world.item.pk]), {"answer": "Leaves"})
    assert "Right!" in result.content.decode()
    mastery = Mastery.objects.get(learner=world.users["student"], objective=world.item.objective)
    assert mastery.attempts == 1 and mastery.p_known > 0.3


def test_an_answer_that_names_no_choice_is_refused_and_not_recorded(client, world):
    response = signed_in(client, world.users["student"]).post(
        reverse("portal:practice", args=[world.item.pk]), {"answer": "Mushrooms"}
    )
    assert response.status_code == 400 and "not one of the item" in response.content.decode()
    assert not Mastery.objects.filter(learner=world.users["student"]).exists()


def test_ask_page_offers_the_courses_diagrams(client, world):
    material = MaterialFactory(course=world.course, kind=Material.Kind.IMAGE, title="Water cycle", content=png_bytes())
    DiagramGraph.objects.create(material=material, title="The water cycle", width=40, height=30)
    page = signed_in(client, world.users["student"]).get(reverse("portal:ask", args=[world.course.slug]))
    assert "The water cycle" in page.content.decode()


def test_ask_refuses_a_file_that_is_not_an_image(client, world):
    fake = SimpleUploadedFile("diagram.png", b"<script>alert(1)</script>", content_type="image/png")
    response = signed_in(client, world.users["student"]).post(
        reverse("portal:ask_stream", args=[world.course.slug]), {"question": "What is this?", "image": fake}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["image"] == ["This file is not a readable image."]


def test_a_failed_materials_page_gives_teachers_the_reason_not_a_clean_bill(client, world):
    world.material.status = Material.Status.FAILED
    world.material.save()
    IngestionJob.objects.filter(pk=world.job.pk).update(
        state=IngestionJob.State.FAILED, error_reason="The PDF is encrypted; upload a version without a password."
    )
    url = reverse("portal:material", args=[world.material.pk])
    page = signed_in(client, world.users["teacher"]).get(url).content.decode()
    assert "The PDF is encrypted; upload a version without a password." in page
    assert "No personal data was found" not in page


@pytest.mark.parametrize(
    ("counts", "notice"),
    [
        ({}, ""),
        ({"PERSON": 1}, "We removed a name from your question before searching, to keep your details private."),
        ({"PERSON": 2, "EMAIL_ADDRESS": 1, "US_SSN": 1},
         "We removed a name, an email address and personal details from your question before searching, "
         "to keep your details private."),
    ],
)
def test_the_student_is_told_what_was_removed_from_their_question(counts, notice):
    assert removed_notice(counts) == notice


# --- Serving uploads safely ---------------------------------------------------------------------
def test_text_materials_download_as_attachments_never_sniffed(client, world):
    response = signed_in(client, world.users["teacher"]).get(reverse("portal:material_file", args=[world.material.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_html_materials_are_served_as_plain_text(client, world):
    page = MaterialFactory(
        course=world.course, kind=Material.Kind.HTML, original_filename="x.html", content=b"<script>alert(1)</script>"
    )
    response = signed_in(client, world.users["teacher"]).get(reverse("portal:material_file", args=[page.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment")


def test_svg_materials_display_only_inside_a_sandbox(client, world):
    svg = MaterialFactory(
        course=world.course,
        kind=Material.Kind.SVG,
        original_filename="d.svg",
        content=b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    )
    response = signed_in(client, world.users["teacher"]).get(reverse("portal:material_file", args=[svg.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "script-src" not in response["Content-Security-Policy"]  # default-src 'none' forbids scripts


def test_images_display_inline_with_their_real_type(client, world):
    image = MaterialFactory(
        course=world.course, kind=Material.Kind.IMAGE, original_filename="cycle.png", content=png_bytes()
    )
    response = signed_in(client, world.users["teacher"]).get(reverse("portal:material_file", args=[image.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")


# --- Teacher pages ------------------------------------------------------------------------------
def test_material_view_draws_the_diagram_graph_over_the_image_with_its_description(client, world):
    image = MaterialFactory(
        course=world.course,
        kind=Material.Kind.IMAGE,
        original_filename="c.png",
        content=png_bytes((200, 100)),
        title="Cycle",
    )
    diagram = DiagramGraph.objects.create(
        material=image,
        title="Cycle",
        width=200,
        height=100,
        description="Evaporation leads to Condensation.",
        nodes=[
            {"id": "n1", "label": "Evaporation", "bbox": [0, 0, 50, 20]},
            {"id": "n2", "label": "Condensation", "bbox": [150, 0, 200, 20]},
        ],
        edges=[{"source": "n1", "target": "n2", "directed": True}],
    )
    IngestionJob.objects.create(
        material=image, state=IngestionJob.State.INDEXED, stats={"redactions": {"PERSON": 2, "EMAIL_ADDRESS": 1}}
    )
    url = reverse("portal:material", args=[image.pk]) + f"?diagram={diagram.pk}&region=0,0,50,20"
    page = signed_in(client, world.users["teacher"]).get(url).content.decode()
    assert 'alt="Evaporation leads to Condensation."' in page
    assert page.count('class="node"') == 2
    assert f'marker-end="url(#arrow-{diagram.pk})"' in page
    assert 'x1="50.0" y1="10.0" x2="150.0" y2="10.0"' in page  # from box border to box border
    assert 'class="cited-region"' in page
    assert "<strong>2</strong> PERSON" in page and "<strong>1</strong> EMAIL_ADDRESS" in page


def test_students_see_sources_but_not_redaction_counts(client, world):
    IngestionJob.objects.filter(pk=world.job.pk).update(stats={"redactions": {"PERSON": 3}})
    world.material.status = "ready"
    world.material.save()
    page = signed_in(client, world.users["student"]).get(reverse("portal:material_read", args=[world.material.pk]))
    assert page.status_code == 200 and "PERSON" not in page.content.decode()


def test_upload_of_many_files_queues_each_and_reports_the_unsupported_one(client, world):
    files = [
        SimpleUploadedFile("rivers.txt", b"Rivers carry water to the sea."),
        SimpleUploadedFile("cycle.png", png_bytes()),
        SimpleUploadedFile("virus.exe", b"MZ..."),
    ]
    response = signed_in(client, world.users["teacher"]).post(
        reverse("portal:materials", args=[world.course.slug]), {"files": files}
    )
    assert response.status_code == 400  # the page comes back with the problem listed
    assert "virus.exe: &#x27;.exe&#x27; files are not supported" in response.content.decode()
    queued = IngestionJob.objects.filter(material__course=world.course, state=IngestionJob.State.QUEUED)
    assert sorted(job.material.original_filename for job in queued) == ["cycle.png", "rivers.txt"]


def test_an_empty_file_in_a_batch_is_named_and_the_good_files_are_still_queued(client, world):
    files = [SimpleUploadedFile("rivers.txt", b"Rivers carry water to the sea."), SimpleUploadedFile("blank.txt", b"")]
    response = signed_in(client, world.users["teacher"]).post(
        reverse("portal:materials", args=[world.course.slug]), {"files": files}
    )
    assert "blank.txt: The submitted file is empty." in response.content.decode()
    queued = IngestionJob.objects.filter(material__course=world.course, state=IngestionJob.State.QUEUED)
    assert [job.material.original_filename for job in queued] == ["rivers.txt"]
    only_empty = signed_in(client, world.users["teacher"]).post(
        reverse("portal:materials", args=[world.course.slug]), {"files": [SimpleUploadedFile("blank.txt", b"")]}
    )
    assert only_empty.status_code == 200 and "blank.txt: The submitted file is empty." in only_empty.content.decode()
    assert IngestionJob.objects.filter(material__course=world.course, state=IngestionJob.State.QUEUED).count() == 1


def test_job_list_polls_while_a_job_runs_and_stops_when_all_are_finished(client, world):
    client = signed_in(client, world.users["teacher"])
    url = reverse("portal:jobs", args=[world.course.slug])
    assert 'hx-trigger="every 1s"' not in client.get(url).content.decode()
    running = IngestionJob.objects.create(material=world.material, state=IngestionJob.State.EMBEDDING, progress=60)
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="60"' in page
    running.state, running.error_reason = IngestionJob.State.FAILED, "The PDF is encrypted."
    running.save()
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' not in page and "The PDF is encrypted." in page


def test_roster_import_enrolls_people_and_names_bad_lines_without_their_data(client, world):
    csv = (
        "username,first_name,last_name,email,role,grade\n"
        "nia,Nia,Brook,nia@example.org,student,5\n"
        ",Nobody,Here,,student,5\n"
        "tom,Tom,Vale,tom@example.org,principal,\n"
        "sam,Sam,Stone,,student,7\n"
    )
    upload = SimpleUploadedFile("roster.csv", csv.encode(), content_type="text/csv")
    response = signed_in(client, world.users["teacher"]).post(
        reverse("portal:roster", args=[world.course.slug]), {"roster": upload}
    )
    page = response.content.decode()
    assert "1 new account, 0 guardians added, 1 row unchanged, 2 rows not imported." in page
    assert "row 3: the username is missing" in page and "row 4: the role must be" in page
    assert "Nobody" not in page and "Vale" not in page  # bad rows are named by line, not by content
    nia = Enrollment.objects.get(course=world.course, user__username="nia")
    assert nia.role == "student" and LearnerProfile.objects.get(user=nia.user).grade_level == 5
    assert not nia.user.has_usable_password()
    assert not type(nia.user).objects.filter(username="tom").exists()
    assert LearnerProfile.objects.get(user=world.users["student"]).grade_level == 6  # sam: unchanged, not regraded


def _issued_link(client, teacher, course, student) -> str:
    response = signed_in(client, teacher).post(reverse("portal:sign_in_link", args=[course.slug, student.pk]))
    assert response.status_code == 200
    return re.search(r'id="issued-link" type="text" readonly value="([^"]+)"', response.content.decode()).group(1)


def test_an_imported_student_signs_in_through_a_one_time_link_from_their_teacher(client, world):
    student = world.users["student"]
    student.set_unusable_password()
    student.save()
    link = _issued_link(client, world.users["teacher"], world.course, student)
    client.logout()

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "Choose your password" in form_page.content.decode()
    saved = client.post(form_page.redirect_chain[-1][0], {"new_password1": "tide-pool-orbit-42",
                                                           "new_password2": "tide-pool-orbit-42"}, follow=True)
    assert "Your password is saved" in saved.content.decode()
    signed_in = client.post(reverse("login"), {"username": student.username, "password": "tide-pool-orbit-42"})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session

    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "already been used or has expired" in again  # one use only


def test_a_teacher_gets_sign_in_links_for_their_own_students_only(client, world):
    teacher = world.users["teacher"]
    co_teacher = UserFactory(username="cora")
    Enrollment.objects.create(user=co_teacher, course=world.course, role=Enrollment.Role.TEACHER)
    staff = UserFactory(username="root", is_staff=True)
    Enrollment.objects.create(user=staff, course=world.course, role=Enrollment.Role.STUDENT)
    for target in (co_teacher, staff, world.users["other_student"]):
        url = reverse("portal:sign_in_link", args=[world.course.slug, target.pk])
        assert signed_in(client, teacher).post(url).status_code == 404


def test_a_class_sign_in_sheet_lists_a_link_for_each_new_student_only(client, world):
    new_students = []
    for username, first_name in (("nia", "Nia"), ("omar", "=HYPERLINK(1)")):
        student = UserFactory(username=username, first_name=first_name)
        student.set_unusable_password()
        student.save()
        Enrollment.objects.create(user=student, course=world.course, role=Enrollment.Role.STUDENT)
        new_students.append(student)
    staff = UserFactory(username="root", is_staff=True)
    staff.set_unusable_password()
    staff.save()
    Enrollment.objects.create(user=staff, course=world.course, role=Enrollment.Role.STUDENT)
    url = reverse("portal:sign_in_sheet", args=[world.course.slug])
    page = signed_in(client, world.users["teacher"]).post(url)
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert html.count('class="sign-in-slip"') == 2 and "Username: <strong>nia</strong>" in html
    assert world.users["student"].username not in html and "root" not in html  # has a password; staff
    sheet = signed_in(client, world.users["teacher"]).post(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(sheet.content.decode())))
    assert rows[0] == ["name", "username", "sign_in_link"] and sorted(row[1] for row in rows[1:]) == ["nia", "omar"]
    assert all(not row[0].startswith("=") for row in rows)  # a name is never a spreadsheet formula
    client.logout()
    choose = client.get(rows[1][2], follow=True)
    assert "Choose your password" in choose.content.decode()  # the link works


def test_class_heatmap_shows_each_student_against_each_objective(client, world):
    objective = ObjectiveFactory(course=world.course, title="Evaporation")
    MasteryFactory(learner=world.users["student"], objective=objective, p_known=0.9, attempts=4)
    page = (
        signed_in(client, world.users["teacher"])
        .get(reverse("portal:class_mastery", args=[world.course.slug]))
        .content.decode()
    )
    assert '<th scope="row">Sam Stone</th>' in page
    assert 'class="heat heat-4">90%<span class="attempts"> · 4</span>' in page
    assert "Olive" not in page
    # A student who has not answered an objective has no data there, which is not a red 20%.
    assert '<td class="heat heat-none">no data<span class="attempts"> · 0</span></td>' in page
    assert '<td class="heat heat-1">20%<span class="attempts"> · 0</span></td>' not in page


def test_privacy_report_shows_counts_by_type_and_boundary(client, world):
    from privacy.api import ContentKind, redact_text

    redact_text("Write to ms.rivera@example.org", kind=ContentKind.COURSE, course=world.course, where="ingestion")
    page = (
        signed_in(client, world.users["teacher"])
        .get(reverse("portal:privacy_report", args=[world.course.slug]))
        .content.decode()
    )
    assert "EMAIL_ADDRESS" in page and "ingestion" in page
    assert "rivera" not in page


def test_teachers_add_objectives_and_bad_codes_are_refused(client, world):
    client = signed_in(client, world.users["teacher"])
    url = reverse("portal:add_objective", args=[world.course.slug])
    client.post(url, {"code": "water-cycle", "title": "The water cycle"})
    client.post(url, {"code": "not a slug!", "title": "Broken"})
    assert world.course.objectives.filter(code="water-cycle", title="The water cycle").exists()
    assert not world.course.objectives.filter(title="Broken").exists()


def test_admin_staff_count_as_teachers_of_every_course(client, world):
    admin = UserFactory(username="root", is_staff=True)
    assert signed_in(client, admin).get(reverse("portal:materials", args=[world.other_course.slug])).status_code == 200


def test_a_teacher_renames_a_material_with_its_personal_data_redacted(client, world):
    url = reverse("portal:rename_material", args=[world.material.pk])
    signed_in(client, world.users["teacher"]).post(url, {"title": "Water cycle notes for jo.park@example.org"})
    world.material.refresh_from_db()
    assert world.material.title == "Water cycle notes for <EMAIL_ADDRESS>"
    signed_in(client, world.users["teacher"]).post(url, {"title": "   "})
    world.material.refresh_from_db()
    assert world.material.title == "Water cycle notes for <EMAIL_ADDRESS>"  # an empty title is refused


def test_deleting_a_material_needs_confirmation_and_removes_its_index_and_file(
    client, world, django_capture_on_commit_callbacks
):
    name = world.material.file.name
    assert default_storage.exists(name)
    url = reverse("portal:delete_material", args=[world.material.pk])
    signed_in(client, world.users["teacher"]).post(url)  # not confirmed
    assert Material.objects.filter(pk=world.material.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, world.users["teacher"]).post(url, {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:materials", args=[world.course.slug])
    assert not Material.objects.filter(pk=world.material.pk).exists()
    assert not IngestionJob.objects.filter(pk=world.job.pk).exists()
    assert not default_storage.exists(name)
    material_page = reverse("portal:material", args=[world.material.pk])
    assert signed_in(client, world.users["student"]).get(material_page).status_code == 404


def test_a_teacher_reads_the_answers_behind_an_objective_and_one_students_alone(client, world):
    item = world.item
    record_answer(learner=world.users["student"], item=item, answer=item.choices[item.answer])
    classmate = UserFactory(username="cleo", first_name="Cleo", last_name="Marsh")
    Enrollment.objects.create(user=classmate, course=world.course, role=Enrollment.Role.STUDENT)
    wrong = next(choice for index, choice in enumerate(item.choices) if index != item.answer)
    record_answer(learner=classmate, item=item, answer=wrong)
    url = reverse("portal:objective_answers", args=[world.course.slug, item.objective_id])
    page = signed_in(client, world.users["teacher"]).get(url).content.decode()
    assert f"key: <strong>{item.choices[item.answer]}</strong>" in page and "50% of 2 answers right" in page
    assert "Cleo Marsh" in page and "Sam Stone" in page
    one = signed_in(client, world.users["teacher"]).get(url, {"student": classmate.pk}).content.decode()
    assert "Cleo Marsh" in one and "Sam Stone" not in one.split("<h1>")[1]
    outsider = world.users["other_student"]
    assert signed_in(client, world.users["teacher"]).get(url, {"student": outsider.pk}).status_code == 404
