"""Streamed explanations through the portal with the real pipeline (embedder, NER, LLM): slow."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from edu.api import Interaction, LearnerProfile
from rag import api as rag_api

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

LESSON = (
    b"# Evaporation\n\nThe Sun heats water in oceans and lakes. The water turns into water vapour and rises "
    b"into the air. This is called evaporation.\n\n# Condensation\n\nHigh in the sky the vapour cools and "
    b"turns back into tiny droplets. The droplets form clouds. This is called condensation.\n"
)


@pytest.fixture
def indexed_lesson(world):
    job = rag_api.ingest_upload(course=world.course, filename="water.md", content=LESSON, enqueue=False)
    job = rag_api.run_ingestion(job_id=job.pk)
    assert job.state == rag_api.IngestionJob.State.INDEXED, job.error_reason
    return job.material


def events_of(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return [json.loads(frame.removeprefix("data: ")) for frame in body.split("\n\n") if frame.startswith("data: ")]


def test_ask_streams_tokens_then_the_answer_with_linked_sources_and_feedback(client, world, indexed_lesson):
    client.force_login(world.users["student"])
    response = client.post(reverse("portal:ask_stream", args=[world.course.slug]), {"question": "What is evaporation?"})
    assert response["Content-Type"] == "text/event-stream"
    events = events_of(response)
    assert [event["event"] for event in events] == ["token"] * (len(events) - 1) + ["done"]
    explanation, html = events[-1]["explanation"], events[-1]["html"]
    assert explanation["text"].strip()
    assert reverse("portal:material_read", args=[indexed_lesson.pk]) in html  # sources open the reading page
    (first, *_) = Interaction.objects.get(pk=explanation["interaction_id"]).citations
    assert f"?passage={first['ordinal']}&amp;version=1#passage-{first['ordinal']}" in html
    assert reverse("portal:feedback", args=[explanation["interaction_id"]]) in html
    assert Interaction.objects.get(pk=explanation["interaction_id"]).learner == world.users["student"]


def test_preview_explains_as_an_imagined_learner_and_changes_nobodys_data(client, world, indexed_lesson):
    before = list(LearnerProfile.objects.values_list("user_id", "grade_level", "reading_level"))
    client.force_login(world.users["teacher"])
    response = client.post(
        reverse("portal:preview_stream", args=[world.course.slug]),
        {
            "question": "What is condensation?",
            "grade_level": 3,
            "reading_level": 2.5,
            "language": "en",
            "accessibility_needs": ["dyslexia"],
        },
    )
    events = events_of(response)
    assert events[-1]["event"] == "done", events[-1]
    assert events[-1]["explanation"]["interaction_id"] is None
    assert "hx-post" not in events[-1]["html"]  # no feedback buttons: nothing was stored to rate
    assert Interaction.objects.count() == 1  # only the world's own interaction
    assert list(LearnerProfile.objects.values_list("user_id", "grade_level", "reading_level")) == before
