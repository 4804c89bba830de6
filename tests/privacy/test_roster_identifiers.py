"""Everything a roster holds about a person is redacted, and erased people stay redacted by keyed hashes."""

import re

import pytest
from django.test import override_settings

from privacy.api import ContentKind, erase_learner, redact_text, redact_texts
from privacy.models import ErasedIdentifier
from privacy.recognizers import ErasedRosterRecognizer, normalize_identifier
from privacy.vault import identifier_digest
from tests.factories import CourseFactory, student_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def course_with_pupil():
    course = CourseFactory()
    pupil = student_in(course, first_name="Jonas", last_name="Müller-Weiß", email="jonas.mw@stmarys.local")
    profile = pupil.profile
    profile.student_id = "S-2569-6679"
    profile.guardian_name = "Petra Wagner"
    profile.guardian_email = "petra.wagner@mail.example.at"
    profile.save()
    return course, pupil


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my friend JONAS MÜLLER-WEISS is ill", "my friend <PERSON> is ill"),
        ("jonas  müller-weiß and me", "<PERSON> and me"),
        ("write to JONAS.MW@STMARYS.LOCAL", "write to <EMAIL_ADDRESS>"),
        ("his number is s 2569 6679", "his number is <STUDENT_ID>"),
        ("S25696679 in the register", "<STUDENT_ID> in the register"),
        ("ask petra wagner", "ask <PERSON>"),
        ("mail petra.wagner@mail.example.at", "mail <EMAIL_ADDRESS>"),
    ],
)
def test_every_roster_identifier_in_any_casing_and_spacing(course_with_pupil, text, expected):
    course, _ = course_with_pupil
    assert redact_text(text, kind=ContentKind.LEARNER, course=course, where="query").text == expected


def test_roster_identifiers_go_from_course_text_too(course_with_pupil):
    course, _ = course_with_pupil
    note = "Photosynthesis makes sugar. Note: S-2569-6679 (jonas.mw@stmarys.local) reads aloud on Friday."
    result = redact_text(note, kind=ContentKind.COURSE, course=course, where="ingestion")
    assert result.text == "Photosynthesis makes sugar. Note: <STUDENT_ID> (<EMAIL_ADDRESS>) reads aloud on Friday."


def test_an_email_holding_a_roster_name_is_an_email(course_with_pupil):
    course, _ = course_with_pupil
    result = redact_text("send it to jonas.q@school.internal", kind=ContentKind.LEARNER, course=course, where="query")
    assert result.text == "send it to <EMAIL_ADDRESS>"


def test_erasure_keeps_only_keyed_hashes_and_later_texts_still_lose_the_erased_pupil(course_with_pupil):
    course, pupil = course_with_pupil
    erase_learner(user=pupil, requested_by=pupil)
    rows = list(ErasedIdentifier.objects.filter(course=course))
    assert rows and all(re.fullmatch(r"[0-9a-f]{64}", row.digest) for row in rows)
    stored = " ".join(f"{row.kind} {row.digest}" for row in rows).casefold()
    for value in ("jonas", "müller", "weiß", "2569", "stmarys", "petra", "wagner"):
        assert value not in stored
    texts = [
        "Group work: Jonas Müller-Weiß leads, mail jonas.mw@stmarys.local, ID S 2569 6679.",
        "Ask PETRA WAGNER (petra.wagner@mail.example.at) about the trip.",
    ]
    results = redact_texts(texts, kind=ContentKind.COURSE, course=course, where="ingestion")
    assert [r.text for r in results] == [
        "Group work: <PERSON> leads, mail <EMAIL_ADDRESS>, ID <STUDENT_ID>.",
        "Ask <PERSON> (<EMAIL_ADDRESS>) about the trip.",
    ]


def test_erased_hashes_belong_to_the_courses_the_pupil_was_in(course_with_pupil):
    course, pupil = course_with_pupil
    other = CourseFactory()
    erase_learner(user=pupil, requested_by=pupil)
    assert ErasedIdentifier.objects.filter(course=course).exists()
    assert not ErasedIdentifier.objects.filter(course=other).exists()
    result = redact_text("Müller-Weiß leads.", kind=ContentKind.COURSE, course=other, where="ingestion")
    assert result.text == "Müller-Weiß leads."  # another course never knew the pupil


def test_digests_depend_on_the_server_key():
    with override_settings(GLOSSA={**_glossa(), "PSEUDONYM_KEY": "a" * 43 + "="}):
        first = identifier_digest("name", "Jonas Müller")
    with override_settings(GLOSSA={**_glossa(), "PSEUDONYM_KEY": "b" * 43 + "="}):
        second = identifier_digest("name", "Jonas Müller")
    assert first != second


def test_erased_identifiers_match_in_any_casing_spacing_and_accents():
    digests = {identifier_digest(kind, value): kind for kind, value in
               [("name", "Zoë Dupont"), ("email", "zoe.d@ecole.local"), ("id", "PX-155533")]}
    recognizer = ErasedRosterRecognizer(digests, identifier_digest)
    text = "zoe   DUPONT wrote from ZOE.D@ECOLE.LOCAL with id px155533; Dupontel is someone else"
    found = {(r.entity_type, text[r.start : r.end]) for r in recognizer.analyze(text, [], None)}
    assert found == {("PERSON", "zoe   DUPONT"), ("EMAIL_ADDRESS", "ZOE.D@ECOLE.LOCAL"), ("STUDENT_ID", "px155533")}
    assert normalize_identifier("name", "Zoë  Dupont") == normalize_identifier("name", "zoe dupont")


def _glossa():
    from django.conf import settings

    return settings.GLOSSA
