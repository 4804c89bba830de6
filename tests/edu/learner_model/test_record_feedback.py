"""record_feedback (edu/services.py): explanation feedback moves the learner's working reading level."""

import uuid

import pytest

from edu.models import Interaction, LearnerProfile
from edu.selectors import answer_found_too_hard
from edu.services import record_feedback, record_interaction
from tests.factories import CourseFactory, InteractionFactory, LearnerProfileFactory

pytestmark = pytest.mark.django_db


def reading_level(interaction):
    return LearnerProfile.objects.get(user_id=interaction.learner_id).reading_level


@pytest.fixture
def interaction():
    profile = LearnerProfileFactory(reading_level=6.0)
    return InteractionFactory(learner=profile.user)


def test_too_hard_lowers_the_reading_level_and_is_stored(interaction):
    record_feedback(interaction=interaction, feedback="too_hard")
    assert reading_level(interaction) == 5.25
    assert Interaction.objects.get(pk=interaction.pk).feedback == "too_hard"


def test_too_easy_raises_it_into_the_next_harder_band(interaction):
    result = record_feedback(interaction=interaction, feedback="too_easy")
    assert reading_level(interaction) == 9.25
    assert (result.reading_level_before, result.reading_level_after) == (6.0, 9.25)
    assert "full scientific terms" in result.message


def test_helpful_keeps_it(interaction):
    record_feedback(interaction=interaction, feedback="helpful")
    assert reading_level(interaction) == 6.0


def test_repeating_the_same_feedback_moves_the_level_once(interaction):
    record_feedback(interaction=interaction, feedback="too_hard")
    record_feedback(interaction=interaction, feedback="too_hard")
    assert reading_level(interaction) == 5.25


def test_changing_ones_mind_replaces_the_earlier_move(interaction):
    record_feedback(interaction=interaction, feedback="too_hard")
    record_feedback(interaction=interaction, feedback="too_easy")
    assert reading_level(interaction) == 9.25  # as if "too easy" had been the first answer
    record_feedback(interaction=interaction, feedback="helpful")
    assert reading_level(interaction) == 6.0  # the level it was written for


def test_one_too_hard_crosses_into_the_next_simpler_band_and_says_so():
    profile = LearnerProfileFactory(reading_level=10.0)
    result = record_feedback(interaction=InteractionFactory(learner=profile.user), feedback="too_hard")
    assert result.reading_level_after == 8.5
    assert "fewer and plainer sentences" in result.message
    again = record_feedback(interaction=InteractionFactory(learner=profile.user), feedback="too_hard")
    assert again.reading_level_after == 5.5
    assert "short sentences and simpler words" in again.message


def test_the_interaction_keeps_the_level_it_was_written_for():
    profile = LearnerProfileFactory(reading_level=7.0)
    stored = record_interaction(
        learner=profile.user, course=CourseFactory(), conversation_id=uuid.uuid4(), question_redacted="Why?",
        answer_redacted="Because.", citations=[], grounding={}, timings={}, model_name="m",
    )
    assert stored.reading_level == 7.0


def test_feedback_on_several_explanations_adds_up_and_stays_on_the_scale():
    profile = LearnerProfileFactory(reading_level=2.0)
    for _ in range(3):
        record_feedback(interaction=InteractionFactory(learner=profile.user), feedback="too_hard")
    # 2.0 - 0.75 = 1.25; 1.25 - 0.75 = 0.5, clamped to 1.0; stays 1.0
    profile.refresh_from_db()
    assert profile.reading_level == 1.0


def test_unknown_feedback_is_refused_and_changes_nothing(interaction):
    with pytest.raises(ValueError, match="Feedback must be one of"):
        record_feedback(interaction=interaction, feedback="boring")
    assert reading_level(interaction) == 6.0
    assert Interaction.objects.get(pk=interaction.pk).feedback == ""


def test_the_answer_found_too_hard_is_the_last_judged_answer_to_the_same_question_when_judged_too_hard(interaction):
    learner, course = interaction.learner, interaction.course
    asked = interaction.question_redacted
    Interaction.objects.filter(pk=interaction.pk).update(answer_redacted="Heat gives water particles energy [1].")
    interaction.refresh_from_db()

    def found() -> str | None:
        return answer_found_too_hard(learner=learner, course=course, question_redacted=asked)

    assert found() is None  # not judged
    record_feedback(interaction=interaction, feedback="too_hard")
    assert found() == interaction.answer_redacted
    InteractionFactory(learner=learner, course=course, question_redacted="Something else?", feedback="helpful")
    InteractionFactory(learner=learner, course=course, question_redacted=asked, answer_redacted="Newer.")
    assert found() == interaction.answer_redacted  # an unjudged or other question's answer changes nothing
    InteractionFactory(learner=learner, course=course, question_redacted=asked, feedback="too_easy")
    assert found() is None  # the learner's last verdict on this question was not "too hard"
