"""Admin console extras: re-run ingestion jobs, export and erase learners."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from edu.api import Interaction, LearnerProfile
from privacy.api import ErasureRecord
from rag.api import IngestionJob

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
