"""A learner can get everything held about them, and have it erased with a record that it was done."""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject

from edu.api import Enrollment, Interaction, LearnerProfile, Mastery, Material
from privacy.api import ErasureRecord, erase_learner, export_learner_data, pseudonymize
from privacy.pii import pii_models
from tests.factories import (
    CourseFactory,
    InteractionFactory,
    MasteryFactory,
    MaterialFactory,
    UserFactory,
    student_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner_with_data():
    course = CourseFactory()
    learner = student_in(course, first_name="Ines", last_name="Vasquez")
    profile = learner.profile
    profile.guardian_name, profile.student_id = "Marta Vasquez", "S1234567"
    profile.save()
    MasteryFactory(learner=learner)
    InteractionFactory(learner=learner, course=course, question_redacted="What is <PERSON_1>'s cell?")
    MaterialFactory(course=course, uploaded_by=learner, content=b"my essay")
    return course, learner


def test_every_model_with_pii_fields_is_discovered():
    labels = {model._meta.label for model, _ in pii_models()}
    assert {"edu.LearnerProfile", "edu.Enrollment", "edu.Mastery", "edu.Interaction", "edu.Material",
            "privacy.PseudonymMapping"} <= labels


def test_export_is_json_and_covers_every_pii_model(learner_with_data):
    _, learner = learner_with_data
    data = json.loads(json.dumps(export_learner_data(user=learner)))
    assert data["account"]["first_name"] == "Ines"
    for model, _ in pii_models():
        assert model._meta.label in data
    assert data["edu.LearnerProfile"][0]["guardian_name"] == "Marta Vasquez"
    assert data["edu.Interaction"][0]["question_redacted"] == "What is <PERSON_1>'s cell?"
    assert len(data["edu.Material"]) == 1


@pytest.mark.slow
def test_export_shows_the_learners_own_pseudonyms_decrypted(learner_with_data):
    _, learner = learner_with_data
    pseudonymize("I am Ines Vasquez", owner=learner, conversation_id=uuid.uuid4(), where="query")
    (mapping,) = export_learner_data(user=learner)["privacy.PseudonymMapping"]
    assert mapping["vault"] == {"<PERSON_1>": "Ines Vasquez"}


def test_erasure_removes_everything_and_leaves_a_record(learner_with_data):
    course, learner = learner_with_data
    teacher_material = MaterialFactory(course=course, content=b"the teacher's notes")
    erased_pk = learner.pk
    record = erase_learner(user=learner, requested_by=learner)
    assert not get_user_model().objects.filter(pk=erased_pk).exists()
    for model, subject_field in pii_models():
        assert not model.objects.filter(**{f"{subject_field}_id": erased_pk}).exists(), model
    assert not (LearnerProfile.objects.exists() or Enrollment.objects.exists() or Mastery.objects.exists()
                or Interaction.objects.exists())
    assert list(Material.objects.all()) == [teacher_material]
    record = ErasureRecord.objects.get(pk=record.pk)
    assert record.subject_ref == f"user:{erased_pk}" and record.requested_by_ref == "self"
    assert record.counts["edu.LearnerProfile"] == 1 and record.counts["edu.Material"] == 1
    assert "Ines" not in json.dumps(record.counts) + record.subject_ref


def test_only_the_learner_or_an_admin_may_erase(learner_with_data):
    _, learner = learner_with_data
    with pytest.raises(PermissionDenied):
        erase_learner(user=learner, requested_by=UserFactory())
    admin = UserFactory(is_staff=True)
    assert erase_learner(user=learner, requested_by=admin).requested_by == admin


def test_views_may_pass_the_lazy_request_user(learner_with_data):
    """``request.user`` is a SimpleLazyObject, whose type is not the user model."""
    _, learner = learner_with_data
    lazy = SimpleLazyObject(lambda: get_user_model().objects.get(pk=learner.pk))
    assert export_learner_data(user=lazy)["account"]["first_name"] == "Ines"
    lazy = SimpleLazyObject(lambda: get_user_model().objects.get(pk=learner.pk))
    record = erase_learner(user=lazy, requested_by=lazy)
    assert record.requested_by_ref == "self"
    assert not get_user_model().objects.filter(pk=learner.pk).exists()
