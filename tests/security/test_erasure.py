"""Issue 13, point 7: erasure is complete.

A learner's raw uploads leave the disk, and re-ingesting a teacher's material that names the erased
learner does not put their name, email or student ID back into what is indexed.
"""

from pathlib import Path

import pytest
from django.conf import settings

from privacy.api import erase_learner
from privacy.models import ErasedIdentifier
from rag.extractors import extract
from rag.services import _redact
from tests.factories import CourseFactory, MaterialFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db

NOTE = (
    b"# Group work with Ines Vasquez\n\n"
    b"Plants make sugar from light. Ines Vasquez (ines.v@stmarys.local, student ID S-2024-0042) "
    b"leads the group; her mother Marta Vasquez brings the seeds.\n"
)


@pytest.fixture
def pupil():
    course = CourseFactory()
    learner = student_in(course, first_name="Ines", last_name="Vasquez", email="ines.v@stmarys.local")
    profile = learner.profile
    profile.student_id, profile.guardian_name = "S-2024-0042", "Marta Vasquez"
    profile.save()
    return course, learner


def on_disk(material) -> Path:
    return Path(settings.MEDIA_ROOT) / material.file.name


def test_erasure_deletes_the_learners_raw_uploads_from_disk(pupil, django_capture_on_commit_callbacks):
    course, learner = pupil
    upload = MaterialFactory(course=course, uploaded_by=learner, content=b"my essay, by Ines Vasquez",
                             original_filename="ines-essay.txt")
    teacher_upload = MaterialFactory(course=course, uploaded_by=teacher_of(course), content=b"lesson notes")
    assert on_disk(upload).exists() and on_disk(teacher_upload).exists()
    with django_capture_on_commit_callbacks(execute=True):
        erase_learner(user=learner, requested_by=learner)
    assert not on_disk(upload).exists()
    assert on_disk(teacher_upload).exists()  # the teacher's material stays


def test_a_failed_erasure_deletes_no_file(pupil, django_capture_on_commit_callbacks):
    course, learner = pupil
    upload = MaterialFactory(course=course, uploaded_by=learner, content=b"my essay")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017, PT011
        erase_learner(user=learner, requested_by=student_in(course))  # not allowed: nothing happens
    assert on_disk(upload).exists()


@pytest.mark.slow
def test_reingesting_after_erasure_keeps_the_erased_learner_out_of_the_index(pupil):
    course, learner = pupil
    teacher = teacher_of(course)
    MaterialFactory(course=course, uploaded_by=teacher, content=NOTE, kind="markdown", original_filename="note.md")
    erase_learner(user=learner, requested_by=teacher.__class__.objects.create(username="admin", is_staff=True))
    assert ErasedIdentifier.objects.filter(course=course).exists()
    sections, _, _ = _redact(extract(kind="markdown", content=NOTE), course=course)
    indexed = " ".join(section.text + " " + " ".join(section.headings) for section in sections)
    for value in ("Ines", "Vasquez", "ines.v@stmarys.local", "S-2024-0042", "2024-0042", "Marta"):
        assert value not in indexed, value
    assert "Plants make sugar from light." in indexed
