"""When the generator cannot answer (every slot busy, the model server down), the learner is told plainly
what to do, the API says "try again later" (503), and nothing is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from edu.api import Interaction
from rag.explainer import ExplainBusyError, explain, stream_explanation
from rag.generation.gate import BUSY_MESSAGE, generation_gate
from rag.generation.llama_server import free_port
from rag.generation.openai_compatible import UNREACHABLE
from tests.rag.explainer.conftest import learner_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def one_slot_no_queue(settings):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_BACKEND": "llamacpp", "LLM_MODEL": "", "LLM_CONCURRENCY": 1,
                       "LLM_QUEUE": 0}
    return generation_gate("llamacpp")


def test_a_learner_asking_while_every_slot_is_taken_is_told_to_try_again(water_course, one_slot_no_queue):
    learner = learner_in(water_course, grade=6)
    with one_slot_no_queue.slot():  # another student's answer is being generated
        events = list(stream_explanation(learner=learner, course=water_course, question="What is evaporation?"))
        with pytest.raises(ExplainBusyError, match="try again"):
            explain(learner=learner, course=water_course, question="What is evaporation?")
    assert events[-1] == {"event": "error", "message": BUSY_MESSAGE}
    assert not Interaction.objects.filter(learner=learner).exists()
    assert one_slot_no_queue.running == 0
    answered = explain(learner=learner, course=water_course, question="What is evaporation?")  # free again
    assert answered.interaction_id is not None


def test_the_api_answers_busy_with_503_and_retry_after(water_course, one_slot_no_queue):
    learner = learner_in(water_course, grade=6)
    client = APIClient()
    client.force_authenticate(learner)
    with one_slot_no_queue.slot():
        response = client.post(reverse("v1:explain", args=[water_course.slug]), {"question": "What is evaporation?"},
                               format="json")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json() == {"detail": BUSY_MESSAGE}


def test_a_model_server_that_is_down_is_a_plain_error_event_and_nothing_is_stored(water_course, settings):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_BACKEND": "openai", "LLM_MODEL": "smollm2", "LLM_RETRIES": 1,
                       "LLM_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}
    learner = learner_in(water_course, grade=6)
    events = list(stream_explanation(learner=learner, course=water_course,
                                     question="My name is Rosalind Pemberton: what is evaporation?"))
    assert events[-1] == {"event": "error", "message": UNREACHABLE}
    assert "Rosalind" not in str(events)
    assert not Interaction.objects.filter(learner=learner).exists()
