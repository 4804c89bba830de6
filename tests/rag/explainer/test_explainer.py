"""The explainer end to end on a real (small) course: retrieval, the real model, grounding, storage."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied

from edu.api import Interaction, LearnerProfile
from edu.demo.assets import water_cycle_png
from privacy.api import pseudonymize
from rag.explainer import NOT_FOUND, QUOTED_INTRO, ExplainError, explain, stream_explanation
from rag.explainer.pipeline import _restored
from rag.generation import backends
from rag.grounding import split_sentences
from rag.models import Chunk, DiagramGraph
from rag.relevance import not_found_message
from rag.tailoring import fk_grade
from tests.factories import UserFactory, teacher_of
from tests.rag.explainer.conftest import DIAGRAM_DESCRIPTION, learner_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _without_marks(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text.split("\n\nDiagram description:")[0])


def test_a_question_off_the_course_says_so_and_generates_nothing(water_course):
    learner = learner_in(water_course, grade=6)
    explanation = explain(learner=learner, course=water_course, question="Who won the football world cup in 1998?")
    assert explanation.text == NOT_FOUND
    assert explanation.citations == []
    assert explanation.grounding["status"] == "no_sources"
    assert "generate" not in explanation.timings
    stored = Interaction.objects.get(pk=explanation.interaction_id)
    assert stored.answer_redacted == NOT_FOUND


def test_a_question_sharing_one_word_with_the_course_is_not_answered_with_that_passage(water_course):
    learner = learner_in(water_course, grade=6)
    explanation = explain(learner=learner, course=water_course, question="How much does bottled water cost in Paris?")
    assert explanation.text == NOT_FOUND
    assert explanation.grounding["status"] == "not_in_sources"
    assert "generate" not in explanation.timings


def test_a_term_the_passages_never_name_is_not_defined_with_a_passage_about_something_else(water_course):
    """Every word of "cloud evaporation" is in the lesson, but the lesson never names it: quoting its closest
    sentence would define something else."""
    learner = learner_in(water_course, grade=6)
    explanation = explain(learner=learner, course=water_course, question="What is meant by cloud evaporation?")
    assert explanation.text == NOT_FOUND
    assert explanation.grounding["status"] == "not_in_sources"
    named = explain(learner=learner, course=water_course, question="What is meant by evaporation?")
    assert named.text != NOT_FOUND and "evaporat" in named.text.lower()


def test_a_question_in_another_language_gets_not_found_in_that_language(water_course):
    learner = learner_in(water_course, grade=6)
    explanation = explain(learner=learner, course=water_course, question="¿Cómo se forma la condensación?")
    assert explanation.text == not_found_message("es")
    assert explanation.grounding["status"] == "other_language"
    assert explanation.citations == []


def test_the_question_words_the_course_uses_are_found_in_memory_and_follow_new_material(water_course):
    from rag.selectors import course_words_in

    assert course_words_in("Does transpiration cool Jake's plants?", course=water_course) == ["plants", "transpiration"]
    lesson = Chunk.objects.filter(course=water_course).first()
    Chunk.objects.create(course=water_course, material=lesson.material, text="Plants sweat through stomata.",
                         embedding=lesson.embedding, ordinal=99)
    assert "stomata" in course_words_in("Does transpiration use stomata?", course=water_course)


def test_the_student_is_told_what_was_removed_from_their_question(water_course):
    learner = learner_in(water_course, grade=6)
    explanation = explain(learner=learner, course=water_course,
                          question="I'm Kim Novak, kim.novak@example.org: who won the football world cup in 1998?")
    assert explanation.removed_from_question == {"PERSON": 1, "EMAIL_ADDRESS": 1}
    assert explanation.to_dict()["removed_from_question"] == {"PERSON": 1, "EMAIL_ADDRESS": 1}


def test_an_answer_cites_its_sources_and_keeps_only_supported_sentences(water_course, generator):
    learner = learner_in(water_course, grade=8)
    tokens: list[str] = []
    explanation = explain(learner=learner, course=water_course, question="What is condensation?",
                          on_token=tokens.append)
    grounding = explanation.grounding
    supported = {verdict["sentence"] for verdict in grounding["verdicts"] if verdict["supported"]}
    course_text = " ".join(Chunk.objects.filter(course=water_course).values_list("text", flat=True))
    for shown in split_sentences("".join(tokens)):  # only checked sentences, or the course's own, were ever shown
        assert shown in supported or shown in course_text, shown
    assert grounding["sentences"] == len(grounding["verdicts"]) > 0
    assert explanation.citations, explanation.text
    for citation in explanation.citations:
        assert f"[{citation['number']}]" in explanation.text
        assert citation["material_title"] in {"The water cycle", "Water cycle diagram"}
    if grounding["status"] == "grounded":
        for verdict in grounding["verdicts"]:
            assert (verdict["sentence"].rstrip(".!?") in explanation.text) == verdict["supported"]
    else:
        assert explanation.text.startswith(QUOTED_INTRO)
    stored = Interaction.objects.get(pk=explanation.interaction_id)
    assert stored.model_name == generator.model_name
    assert stored.citations == explanation.citations
    assert stored.timings["tokens"] > 0


@pytest.mark.parametrize("question", ["How do clouds form?", "What happens to rain after it falls?"])
def test_a_grade_4_reader_gets_short_easier_sentences_and_a_grade_11_reader_whole_ones(water_course, default_generator,
                                                                                        question):
    young = learner_in(water_course, grade=4)
    older = learner_in(water_course, grade=11)
    simple = _without_marks(explain(learner=young, course=water_course, question=question).text)
    advanced = _without_marks(explain(learner=older, course=water_course, question=question).text)
    young_sentences = split_sentences(simple)
    assert fk_grade(simple) <= fk_grade(advanced), (simple, advanced)
    assert sum(len(sentence.split()) for sentence in young_sentences) / len(young_sentences) <= 12, simple
    assert ";" not in advanced  # whole sentences, never a chain (the demo course's prose is simple: the spread
    # between the two is measured on a real textbook by benchmarks/realtext_explain_bench.py)


def test_a_screen_reader_user_gets_the_full_description_of_the_diagram_used(water_course, default_generator):
    learner = learner_in(water_course, grade=6, accessibility=(LearnerProfile.Accessibility.SCREEN_READER,))
    explanation = explain(learner=learner, course=water_course, question="In the diagram, what leads to Precipitation?")
    assert f"Diagram description: {DIAGRAM_DESCRIPTION}" in explanation.text


def test_a_screen_reader_user_hears_the_teachers_words_for_a_diagram_before_what_was_read_on_it(
        water_course, default_generator):
    DiagramGraph.objects.filter(material__course=water_course).update(
        teacher_description="Arrows show water rising from the sea, forming clouds and falling as rain.")
    learner = learner_in(water_course, grade=6, accessibility=(LearnerProfile.Accessibility.SCREEN_READER,))
    explanation = explain(learner=learner, course=water_course, question="In the diagram, what leads to Precipitation?")
    assert ("Diagram description: Arrows show water rising from the sea, forming clouds and falling as rain. "
            f"{DIAGRAM_DESCRIPTION}") in explanation.text


def test_names_in_the_question_are_stored_as_placeholders_and_restored_for_the_owner_only(
        water_course, default_generator):
    learner = learner_in(water_course, grade=6)
    explanation = explain(learner=learner, course=water_course,
                          question="My friend Rosalind Pemberton asked me: what is evaporation?")
    stored = Interaction.objects.get(pk=explanation.interaction_id)
    assert "Rosalind" not in stored.question_redacted
    assert "<PERSON_1>" in stored.question_redacted
    assert "Rosalind" not in stored.answer_redacted
    assert "Rosalind" not in str(stored.grounding)


def test_streaming_sends_only_checked_sentences_before_the_answer(water_course, generator):
    learner = learner_in(water_course, grade=6)
    events = list(stream_explanation(learner=learner, course=water_course, question="What is transpiration?"))
    assert [event["event"] for event in events[:-1]] == ["token"] * (len(events) - 1)
    done = events[-1]["explanation"]
    assert events[-1]["event"] == "done"
    supported = {verdict["sentence"] for verdict in done["grounding"]["verdicts"] if verdict["supported"]}
    course_text = " ".join(Chunk.objects.filter(course=water_course).values_list("text", flat=True))
    streamed = split_sentences("".join(event["text"] for event in events[:-1]))
    assert "This is called transpiration." in streamed[:2]  # the lesson's defining sentence, with its context, first
    for sentence in streamed:  # a checked sentence of the model, or the course's own sentence
        assert sentence in supported or sentence in course_text, sentence
    assert done["timings"]["first_checked_sentence"] < done["timings"]["time_to_first_token"]


def test_a_stream_reports_a_bad_question_as_an_error_event(water_course):
    learner = learner_in(water_course, grade=6)
    events = list(stream_explanation(learner=learner, course=water_course, question="   "))
    assert events == [{"event": "error", "message": "Type a question first."}]


def test_a_missing_model_is_a_readable_error_that_does_not_echo_the_question(water_course, settings, tmp_path):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_MODEL": str(tmp_path / "no-such-model")}
    learner = learner_in(water_course, grade=6)
    with pytest.raises(ExplainError, match="not installed") as raised:
        explain(learner=learner, course=water_course,
                question="My friend Rosalind Pemberton asks: what is evaporation?")
    assert "Rosalind" not in str(raised.value)


def test_an_unreadable_image_is_a_readable_error(water_course):
    learner = learner_in(water_course, grade=6)
    with pytest.raises(ExplainError, match="image could not be read"):
        explain(learner=learner, course=water_course, question="What is this?", image=b"not an image at all")


def test_a_photographed_diagram_is_read_matched_to_the_course_diagram_and_described(water_course, generator):
    learner = learner_in(water_course, grade=6, accessibility=(LearnerProfile.Accessibility.SCREEN_READER,))
    explanation = explain(learner=learner, course=water_course, question="What does this diagram show?",
                          image=water_cycle_png())
    diagram = explanation.diagram
    assert diagram["source"] == "upload"
    assert diagram["nodes"] >= 3
    assert diagram["matched_diagram_id"] is not None
    assert any("->" in line for line in diagram["lines"])
    assert "Diagram description:" in explanation.text
    assert f"Diagram description: {DIAGRAM_DESCRIPTION}" in explanation.text  # the matched course diagram


def test_the_generator_is_loaded_once_per_process(generator):
    assert backends.get_generator() is generator


def test_a_teacher_preview_profile_is_not_stored(water_course, default_generator):
    teacher = teacher_of(water_course)
    preview = LearnerProfile(user=teacher, grade_level=4, reading_level=4.0)
    explanation = explain(learner=teacher, course=water_course, question="What is evaporation?", profile=preview)
    assert explanation.interaction_id is None
    assert not Interaction.objects.filter(learner=teacher).exists()


def test_streamed_placeholders_are_restored_whole_for_the_owner_and_kept_for_others(water_course):
    owner = learner_in(water_course, grade=6)
    conversation = uuid.uuid4()
    redacted = pseudonymize("My friend Rosalind Pemberton asked me about rain.", owner=owner,
                            conversation_id=conversation, course=water_course, where="query")
    assert "<PERSON_1>" in redacted.text
    pieces = ["Tell <PER", "SON_1> that", " rain falls."]
    assert "".join(_restored(iter(pieces), learner=owner, conversation_id=conversation)) == \
        "Tell Rosalind Pemberton that rain falls."
    stranger = learner_in(water_course, grade=6)
    assert "".join(_restored(iter(pieces), learner=stranger, conversation_id=conversation)) == \
        "Tell <PERSON_1> that rain falls."


def test_someone_outside_the_course_may_not_ask_and_nothing_is_stored(water_course):
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        explain(learner=outsider, course=water_course, question="What is evaporation?")
    events = list(stream_explanation(learner=outsider, course=water_course, question="What is evaporation?"))
    assert [event["event"] for event in events] == ["error"]
    assert not Interaction.objects.filter(learner=outsider).exists()
