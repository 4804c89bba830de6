"""A teacher's portal in real headless Chromium: a batch upload with an empty file queues the good files and
names the empty one with its reason; a material renamed and then deleted is renamed and then gone for the
course's students too; a roster import is followed by the class sign-in sheet, listing every new student's
link (and only theirs), as a page and as a CSV download, and a link from it opens the student's password form.
No Celery worker runs: queued files stay queued (on the test database's broker)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from edu.api import Material
from rag.api import IngestionJob
from tests.e2e.conftest import sign_in
from tests.factories import CourseFactory, MaterialFactory, student_in, teacher_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = b"username,first_name,last_name,role\nkai,Kai,Kim,student\nmia,Mia,Moss,student\n"


@pytest.fixture
def rivers():
    """A course with its teacher, a student who has a password, and one indexed material."""
    course = CourseFactory(slug="rivers", title="Rivers", subject="Geography")
    teacher_of(course, username="tess", first_name="Tess", last_name="Tide")
    student_in(course, username="lina", first_name="Lina", last_name="Lake")
    material = MaterialFactory(course=course, title="Delta notes", status=Material.Status.READY,
                               extracted_text="A river drops its mud where it meets the sea.")
    IngestionJob.objects.create(material=material, state=IngestionJob.State.INDEXED, progress=100)
    return course, material


def test_a_batch_upload_names_the_empty_file_and_a_renamed_then_deleted_material_is_gone_for_students(
    live_server, page, rivers, celery_test_broker
):
    course, material = rivers
    base = live_server.url
    student = page.context.browser.new_context(locale="en-US").new_page()
    sign_in(student, base, "lina")
    student.goto(base + reverse("portal:course", args=[course.slug]))
    expect(student.get_by_role("link", name="Delta notes")).to_be_visible()

    sign_in(page, base, "tess")
    page.goto(base + reverse("portal:materials", args=[course.slug]))
    page.get_by_label("Files").set_input_files([
        {"name": "estuaries.md", "mimeType": "text/markdown", "buffer": b"# Estuaries\n\nSalt water meets fresh.\n"},
        {"name": "blank.md", "mimeType": "text/markdown", "buffer": b""},
        {"name": "springs.txt", "mimeType": "text/plain", "buffer": b"A river starts at a spring.\n"},
    ])  # fmt: skip
    page.get_by_role("button", name="Upload and index").click()
    expect(page.get_by_role("alert")).to_contain_text("Some files were not queued:")
    expect(page.get_by_role("alert").get_by_role("listitem")).to_have_text(["blank.md: The submitted file is empty."])
    expect(page.get_by_text("2 file(s) queued for indexing.")).to_be_visible()
    jobs = page.locator("#jobs tbody tr")
    expect(jobs.filter(has_text="estuaries")).to_have_attribute("data-state", "queued")
    expect(jobs.filter(has_text="springs")).to_have_attribute("data-state", "queued")
    expect(jobs.filter(has_text="blank")).to_have_count(0)
    assert sorted(Material.objects.filter(course=course).values_list("original_filename", flat=True)) == [
        "estuaries.md", "lesson.txt", "springs.txt"]  # fmt: skip

    # Rename: the teacher's page and the students' course page show the new title.
    jobs.filter(has_text="Delta notes").get_by_role("link", name="Delta notes").click()
    page.get_by_label("Title").fill("River deltas")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_text("Renamed to “River deltas”.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("River deltas")
    student.reload()
    expect(student.get_by_role("link", name="River deltas")).to_be_visible()
    expect(student.get_by_role("link", name="Delta notes")).to_have_count(0)

    # Delete: confirmed by the box, then gone from the teacher's list and for students, even by its address.
    page.get_by_label("Delete this material, its index and its file for good").check()
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"**{reverse('portal:materials', args=[course.slug])}")
    deleted = "“River deltas” was deleted with its index; students can no longer find it."
    expect(page.get_by_role("status").filter(has_text=deleted)).to_be_visible()
    expect(page.locator("#jobs")).not_to_contain_text("River deltas")
    student.reload()
    expect(student.get_by_role("link", name="River deltas")).to_have_count(0)
    assert student.goto(base + reverse("portal:material_read", args=[material.pk])).status == 404
    assert not Material.objects.filter(pk=material.pk).exists()
    student.context.close()


def test_after_a_roster_import_the_sign_in_sheet_lists_every_new_student_as_a_page_and_a_csv(
    live_server, page, rivers, tmp_path
):
    course, _ = rivers
    base = live_server.url
    sign_in(page, base, "tess")
    page.goto(base + reverse("portal:roster", args=[course.slug]))
    page.get_by_label("Roster CSV").set_input_files({"name": "class.csv", "mimeType": "text/csv", "buffer": ROSTER})
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status").filter(has_text="new account")).to_contain_text("2 new accounts")

    page.get_by_role("button", name="Sign-in sheet for the class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rivers: sign-in links")
    slips = page.locator(".sign-in-slip")
    expect(slips).to_have_count(2)  # Lina has a password: no link for her
    links = {}
    for name, username in (("Kai Kim", "kai"), ("Mia Moss", "mia")):
        slip = slips.filter(has_text=name)
        expect(slip).to_contain_text(f"Username: {username}")
        links[username] = slip.locator(".sign-in-link").inner_text()
        assert links[username].startswith(f"{base}/accounts/set-password/")
    expect(page.get_by_text("Lina Lake")).to_have_count(0)

    page.get_by_role("link", name="Back to the roster").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Links as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "sign-in-links-rivers.csv"
    download.save_as(tmp_path / "links.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "links.csv").read_text(encoding="utf-8"))))
    assert [(row["name"], row["username"]) for row in rows] == [("Kai Kim", "kai"), ("Mia Moss", "mia")]
    assert all(row["sign_in_link"].startswith(f"{base}/accounts/set-password/") for row in rows)

    # A link from the sheet opens Kai's own password form.
    kai = page.context.browser.new_context(locale="en-US").new_page()
    kai.goto(links["kai"])
    expect(kai.get_by_role("heading", level=1)).to_have_text("Choose your password")
    expect(kai.locator(".lead")).to_contain_text("your username, kai,")
    kai.context.close()
