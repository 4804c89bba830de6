"""How an answer is assembled from verdicts and source statements, for each reading band."""

from __future__ import annotations

import re

import pytest

from rag.embeddings import get_embedder
from rag.explainer.composition import (
    QUOTED_INTRO,
    _easiest,
    _extractive,
    _further_detail,
    _grade,
    _ranked_statements,
    _written,
    grounded_answer,
)
from rag.explainer.types import Source
from rag.grounding import GroundingSource, SentenceVerdict
from rag.prompting import LearnerContext

pytestmark = pytest.mark.slow  # the real MiniLM embedder ranks the statements

SOURCES = [
    Source(1, "The Water Cycle\nThe Sun heats water in oceans and lakes. The water evaporates and rises as vapour. "
               "Check your understanding: why does vapour rise?", {"material": "water.md"}),
    Source(2, "As the vapour cools, it condenses into tiny droplets that form clouds. When the droplets grow "
               "too heavy, they fall as rain, snow or hail. Collected in rivers,", {"material": "clouds.md"}),
]
QUESTION = "How does water get from the ocean into clouds?"
YOUNG = LearnerContext(grade=4, reading_level=4)
ADVANCED = LearnerContext(grade=11, reading_level=11)


def _said(sentence: str) -> list[SentenceVerdict]:
    return [SentenceVerdict(sentence, True, 1, 1.0, 0.9)]


def test_quoted_answers_use_whole_statements_only():
    quoted = _extractive(QUESTION, SOURCES, get_embedder(), reading_level=11)

    sentences = [verdict.sentence for verdict in quoted]
    assert len(sentences) == 3
    assert all(sentence.endswith(".") and not sentence.startswith("Check") for sentence in sentences)
    assert "The Water Cycle" not in " ".join(sentences)  # a heading is not an answer
    assert not any(sentence.startswith("Collected") for sentence in sentences)  # cut off by chunking


def test_a_simple_band_reader_gets_the_two_easiest_of_the_most_relevant_statements():
    quoted = _extractive(QUESTION, SOURCES, get_embedder(), reading_level=4)
    assert len(quoted) == 2


def test_a_middle_band_reader_gets_three_statements_read_no_harder_than_an_advanced_readers():
    """One "too hard" moves a reader one band down: middle quotes the easier of the candidates, simple fewer."""
    quoted = {band: _extractive(QUESTION, SOURCES, get_embedder(), reading_level=level)
              for band, level in (("simple", 4), ("middle", 7), ("advanced", 11))}
    grade = {band: _grade(" ".join(verdict.sentence for verdict in verdicts)) for band, verdicts in quoted.items()}
    assert [len(quoted[band]) for band in ("simple", "middle", "advanced")] == [2, 3, 3]
    assert grade["middle"] <= grade["advanced"]


def test_an_advanced_reader_given_one_sentence_gets_new_statements_from_the_sources():
    said = _said("The Sun heats water in oceans and lakes.")

    detail = _further_detail(QUESTION, SOURCES, get_embedder(), said, context=ADVANCED)

    assert len(detail) == 2
    assert all(verdict.supported and verdict.source in {1, 2} for verdict in detail)
    assert "The Sun heats water in oceans and lakes." not in [verdict.sentence for verdict in detail]


def test_other_readers_and_full_answers_get_nothing_added():
    embedder = get_embedder()
    one_sentence = _said("The Sun heats water in oceans and lakes.")
    four = (one_sentence + _said("The water evaporates and rises as vapour.") + _said("Vapour forms clouds.")
            + _said("Droplets fall as rain."))

    assert _further_detail(QUESTION, SOURCES, embedder, one_sentence, context=YOUNG) == []
    assert _further_detail(QUESTION, SOURCES, embedder, four, context=ADVANCED) == []


def test_a_young_reader_gets_the_easiest_source_statements_when_the_model_wrote_above_their_level():
    hard = ("Evaporation of oceanic water, intensified considerably by solar radiation, "
            "continuously transforms enormous quantities of liquid into atmospheric vapour.")
    sources = [*SOURCES, Source(3, hard, {"material": "hard.md"})]

    text, citations, summary = grounded_answer(hard, question=QUESTION, sources=sources, reading=None, context=YOUNG)

    assert summary["supported"] == 1 and summary["status"] == "extractive"
    assert text.startswith(QUOTED_INTRO) and "oceanic" not in text
    assert _grade(text) < _grade(hard) and citations


def test_an_advanced_reader_keeps_the_models_supported_answer():
    said = "The Sun heats water in oceans and lakes, and the water evaporates and rises as vapour."

    text, _, summary = grounded_answer(said, question=QUESTION, sources=SOURCES, reading=None, context=ADVANCED)

    assert summary["status"] == "grounded" and summary["statements_added"] == 2
    assert text.startswith("The Sun heats water in oceans and lakes")
    assert ";" not in text and text.count(". ") >= 2  # whole sentences, never a chain joined by semicolons


def test_while_the_model_writes_only_checked_sentences_are_let_through():
    from rag.explainer.composition import CheckedSentences
    from rag.explainer.types import Clock

    lesson = "Cold water vapour turns back into tiny drops of liquid water. This is condensation."
    sources = [GroundingSource(1, lesson)]
    checked = CheckedSentences(sources, question="What is condensation?", clock=Clock())
    pieces = ["Condensation is when cold water vapour turns", " into tiny drops. The Moon causes", " rain. ", "Clouds"]
    shown = [checked.feed(piece) for piece in pieces] + [checked.finish("")]
    assert shown == ["", "Condensation is when cold water vapour turns into tiny drops. ", "", "", ""]


@pytest.mark.parametrize(
    ("question", "kind", "term"),
    [
        ("What is meant by tachycardia?", "definition", "tachycardia"),
        ("What is a ribosome?", "definition", "ribosome"),
        ("Define osmosis.", "definition", "osmosis"),
        ("What does peristalsis mean?", "definition", "peristalsis"),
        ("Why do we have seasons on Earth?", "why", ""),
        ("How does the heart pump blood?", "how", ""),
        ("What is the difference between mitosis and meiosis?", "compare", ""),
        ("Which diagram shows the heart?", "diagram", ""),
    ],
)
def test_a_question_is_read_for_the_kind_of_answer_it_wants(question, kind, term):
    from rag.questions import read_question

    asked = read_question(question)
    assert (asked.kind, asked.term) == (kind, term)


@pytest.mark.parametrize(
    ("sentence", "defining"),
    [
        ("Tachycardia is a heart rate above 100 beats per minute.", True),
        ("A heart rate above 100 beats per minute is called tachycardia.", True),
        ("This condition, known as tachycardia, can be harmless.", True),
        ("A solution with more solutes is said to be hypertonic.", True),
        ("Doctors often measure tachycardia in athletes after exercise.", False),
        ("Exercise can cause tachycardia in some people.", False),
    ],
)
def test_the_sentence_that_defines_a_term_is_recognised_by_its_grammar(sentence, defining):
    from rag.questions import defines

    term = "hypertonic" if "hypertonic" in sentence else "tachycardia"
    assert defines(sentence, term) is defining


@pytest.mark.slow
def test_a_definition_question_is_answered_with_the_defining_sentence_not_the_most_similar_one():
    heart = Source(1, "Doctors often measure tachycardia in athletes after hard exercise and long races. "
                       "A resting heart rate above 100 beats per minute is called tachycardia. "
                       "The heart pumps blood through two circuits.", {"material": "heart.md"})
    diagram = Source(2, "Diagram: Tachycardia. It has 2 parts: Heart and Rate.", {"material": "d.png"}, diagram_id=7)
    for reading_level in (3.0, 11.0):
        quoted = _extractive("What is meant by tachycardia?", [heart, diagram], get_embedder(),
                             reading_level=reading_level)
        assert any("is called tachycardia" in verdict.sentence for verdict in quoted)
        assert all(verdict.source == 1 for verdict in quoted)  # the diagram description is no filler


@pytest.mark.slow
def test_a_term_introduced_in_one_sentence_and_defined_in_another_is_answered_with_both():
    cell = Source(1, "Inside the nuclear envelope is a gel-like nucleoplasm. There also can be a dark-staining mass "
                     "often visible under a light microscope, called a nucleolus. The nucleolus is a region of the "
                     "nucleus that makes the RNA needed to build ribosomes. Ribosomes are made of RNA and protein.",
                  {"material": "nucleus.md"})
    for reading_level in (3.0, 11.0):
        quoted = _extractive("What is meant by nucleolus?", [cell], get_embedder(), reading_level=reading_level)
        sentences = [verdict.sentence for verdict in quoted]
        assert sentences[0].startswith("There also can be a dark-staining mass")  # in reading order
        assert sentences[1].startswith("The nucleolus is a region")


def test_a_sentence_quoted_alone_and_again_with_the_one_that_leans_on_it_is_said_once():
    villi = Source(1, "As their name suggests, microvilli are much smaller than villi. They are extensions of the "
                      "plasma membrane of the epithelial cells.", {"material": "gut.md"})
    alone, with_follower = "As their name suggests, microvilli are much smaller than villi.", villi.text
    verdicts = [SentenceVerdict(alone, True, 1, 1.0, 0.9), SentenceVerdict(with_follower, True, 1, 1.0, 0.8)]
    for context in (YOUNG, ADVANCED):
        text, _ = _written(verdicts, [villi], context, "remove")
        assert text.count("much smaller than villi") == 1
        assert "They are extensions of the plasma membrane" in text


def test_empty_brackets_a_converted_document_left_behind_are_not_shown():
    nose = Source(1, "The external nose consists of the surface and skeletal structures of the nose and contribute "
                     "to its numerous functions ().", {"material": "nose.html"})
    text, _ = _written([SentenceVerdict(nose.text, True, 1, 1.0, 0.9)], [nose], ADVANCED, "remove")
    assert "()" not in text and text.startswith("The external nose consists") and "functions [1]." in text


def test_a_note_about_the_text_itself_is_not_quoted_as_an_answer():
    volcano = Source(1, "In this section, you will look more closely at how volcanoes erupt and what they build. "
                        "A volcano erupts when pressure from gas in the magma pushes it up through the crust. "
                        "Lava that cools on the surface builds the cone layer by layer.", {"material": "volcano.md"})
    for reading_level in (4, 11):
        quoted = _extractive("How does a volcano erupt?", [volcano], get_embedder(), reading_level=reading_level)
        assert quoted and not any("In this section" in verdict.sentence for verdict in quoted)
    for note in ("Let us ask what makes a volcano erupt.", "A couple of examples will help illustrate this idea."):
        lesson = Source(1, f"{note} {volcano.text.split('. ', 1)[1]}", {"material": "volcano.md"})
        quoted = _extractive("How does a volcano erupt?", [lesson], get_embedder(), reading_level=11)
        assert quoted and note not in " ".join(verdict.sentence for verdict in quoted)


def test_after_too_hard_the_answer_reads_below_the_one_found_too_hard_even_in_the_same_band():
    """In the simplest band, "too hard" leaves the style as it was: the same model text would be composed word for
    word the same. Written below the answer found too hard, it reads lower, keeps the statement that best answers
    the question (how water gets into the air: the Sun heats it) and cites its own sources."""
    said = "The Sun heats water in oceans and lakes, and the water evaporates and rises as vapour."
    found_too_hard, _, _ = grounded_answer(said, question=QUESTION, sources=SOURCES, reading=None, context=YOUNG)

    text, citations, summary = grounded_answer(said, question=QUESTION, sources=SOURCES, reading=None,
                                               context=YOUNG, found_too_hard=found_too_hard)

    assert _grade(text) < _grade(found_too_hard)
    assert summary["simpler_than"] == {"grade_found_too_hard": _grade(found_too_hard), "grade_written": _grade(text)}
    heats = "The Sun heats water in oceans and lakes"
    assert heats in found_too_hard and heats in text
    cited = sorted({int(number) for number in re.findall(r"\[(\d+)\]", text)})
    assert cited == [citation["number"] for citation in citations] == list(range(1, len(citations) + 1))


def test_an_answer_already_well_below_the_one_found_too_hard_stays_as_it_is():
    said = "The Sun heats water in oceans and lakes."
    hard = ("Evaporation of oceanic water, intensified considerably by solar radiation, continuously transforms "
            "enormous quantities of liquid into atmospheric vapour [1].")

    plain, _, _ = grounded_answer(said, question=QUESTION, sources=SOURCES, reading=None, context=YOUNG)
    text, _, _ = grounded_answer(said, question=QUESTION, sources=SOURCES, reading=None, context=YOUNG,
                                 found_too_hard=hard)

    assert text == plain


def test_a_young_reader_is_spared_the_statements_that_read_harder_than_the_answer_itself():
    """The term's definition stays; a harder statement beside it goes; nothing is added (an easy sentence about
    something else would read easier and answer worse). An advanced reader gets the statements beside it."""
    lesson = ("Condensation is when vapour turns into water. Condensation of atmospheric vapour at saturation "
              "generates microscopic cloud droplets. The altitude of condensation depends on adiabatic cooling of "
              "rising air parcels. Puddles dry up on sunny days.")
    sources = [Source(1, lesson, {"material": "water.md"})]
    question, unsupported = "What is meant by condensation?", "Penguins live at the South Pole."

    young, _, summary = grounded_answer(unsupported, question=question, sources=sources, reading=None, context=YOUNG)
    advanced, _, _ = grounded_answer(unsupported, question=question, sources=sources, reading=None, context=ADVANCED)

    assert young == f"{QUOTED_INTRO} Condensation is when vapour turns into water [1]."
    assert summary["statements_left_out"] == 1
    assert "Condensation is when vapour turns into water" in advanced and "droplets" in advanced
    assert "Puddles" not in young + advanced


def test_an_advanced_reader_gets_a_fourth_statement_only_about_what_is_asked():
    """Four statements for depth, but the fourth best ranked statement of a short lesson may be about anything."""
    lesson = ("Condensation is when vapour turns into water. Condensation of atmospheric vapour at saturation "
              "generates microscopic cloud droplets. The altitude of condensation depends on adiabatic cooling of "
              "rising air parcels. Puddles dry up on sunny days.")
    sources = [Source(1, lesson, {"material": "water.md"})]
    quoted = _extractive("What is meant by condensation?", sources, get_embedder(), reading_level=11)
    assert len(quoted) == 3 and not any("Puddles" in verdict.sentence for verdict in quoted)

    fourth = Source(2, "Condensation also forms dew on cold grass in the morning.", {"material": "dew.md"})
    quoted = _extractive("What is meant by condensation?", [*sources, fourth], get_embedder(), reading_level=11)
    assert len(quoted) == 4 and any("dew" in verdict.sentence for verdict in quoted)


def test_a_young_reader_gets_a_definition_without_the_sentence_that_leans_on_it():
    """A statement comes with the sentence after it when that one leans on it ("These two vessels ..."), but the
    definition needs nothing after it: a young reader's answer keeps it alone."""
    definition = "The porta hepatis is where the hepatic artery and the hepatic portal vein enter the liver."
    leaning = "These two vessels, along with the common hepatic duct, run behind the lateral border of the omentum."
    sources = [Source(1, f"{definition} {leaning}", {"material": "liver.md"})]
    quoted = [SentenceVerdict(f"{definition} {leaning}", True, 1, 1.0, 1.0)]
    answer = (*_written(quoted, sources, YOUNG, "remove", intro=QUOTED_INTRO), {"mode": "remove"},
              (QUOTED_INTRO, quoted))

    text, _, summary, (_, kept) = _easiest(answer, question="What is meant by porta hepatis?", sources=sources,
                                           context=YOUNG)

    assert [verdict.sentence for verdict in kept] == [definition]
    assert "omentum" not in text and _grade(text) < _grade(answer[0])


def test_a_leaning_sentence_that_holds_the_answer_keeps_the_sentence_it_leans_on():
    lesson = ("The processes of digestion include six activities. These are ingestion, propulsion, mechanical "
              "digestion, chemical digestion, absorption and defecation.")
    sources = [Source(1, lesson, {"material": "digestion.md"})]
    quoted = [SentenceVerdict(lesson, True, 1, 1.0, 1.0)]
    answer = (*_written(quoted, sources, YOUNG, "remove", intro=QUOTED_INTRO), {"mode": "remove"},
              (QUOTED_INTRO, quoted))

    text, _, _, _ = _easiest(answer, question="What is meant by propulsion?", sources=sources, context=YOUNG)

    assert "six activities" in text and "propulsion" in text


def test_an_advanced_reader_gets_the_statements_that_say_most_about_what_is_asked():
    """Beyond the definition, of the next best ranked statements an advanced reader gets those about the thing
    asked that say most, not the shortest."""
    lesson = ("Condensation is when vapour turns into water. Condensation happens on cold windows. Condensation of "
              "atmospheric vapour at saturation generates microscopic cloud droplets over oceans and mountains. "
              "The altitude of condensation depends on adiabatic cooling of rising, expanding air parcels. "
              "Condensation releases latent heat that warms the surrounding air and strengthens thunderstorms. "
              "Condensation also forms dew.")
    sources = [Source(1, lesson, {"material": "water.md"})]

    quoted = " ".join(verdict.sentence for verdict in _extractive(
        "What is meant by condensation?", sources, get_embedder(), reading_level=11))

    assert "cold windows" not in quoted and "dew" not in quoted
    assert "cloud droplets" in quoted and "latent heat" in quoted


def test_a_definition_question_ranks_a_sentence_about_its_term_above_a_closer_one_about_another():
    """A sentence about active transport is closer in meaning to "passive transport" than one that uses the term in
    a longer story; the one about the thing asked ranks higher."""
    about_it = ("In the kidney tubules, passive transport of water follows the salt that the cells pump out into "
                "the surrounding tissue fluid.")
    sources = [Source(1, "Active transport across the cell membrane uses carrier proteins and ATP. " + about_it,
                      {"material": "membrane.md"})]
    ranked = [verdict.sentence for _, verdict in _ranked_statements("What is meant by passive transport?", sources,
                                                                    get_embedder())]
    assert ranked[0] == about_it


def test_a_term_is_named_and_defined_with_or_without_its_abbreviation_in_brackets():
    from rag.questions import defines, names_term

    assert names_term("The atrioventricular (AV) node delays the impulse.", "atrioventricular (av) node")
    assert names_term("The total lung capacity is about six litres.", "total lung capacity (tlc)")
    assert not names_term("The lungs hold about six litres.", "total lung capacity (tlc)")
    assert defines("Total lung capacity is the sum of all the lung volumes.", "total lung capacity (tlc)")
    assert defines("The total lung capacity (TLC) is the sum of all the lung volumes.", "total lung capacity (tlc)")


def test_a_clause_set_off_after_the_term_defines_it():
    from rag.questions import defines

    assert defines("Lingual glands secrete a fluid that contains the enzyme lingual lipase, which breaks down "
                   "triglycerides.", "lingual lipase")
    assert not defines("The tongue helps with chemical digestion, which begins in the mouth.", "lingual lipase")


def test_a_sentence_naming_the_asked_term_ranks_above_a_closer_one_about_a_similar_word():
    nucleus = "The nucleolus is a region of the nucleus that is responsible for making the RNA of ribosomes."
    digestion = ("The nucleotides produced by this digestion are further broken down by two intestinal brush border "
                 "enzymes (nucleosidase and phosphatase) into pentoses, phosphates, and nitrogenous bases.")
    sources = [Source(1, nucleus, {"material": "nucleus.md"}), Source(2, digestion, {"material": "digestion.md"})]

    ranked = _ranked_statements("What is meant by nucleosidase?", sources, get_embedder())

    assert [verdict.sentence for _, verdict in ranked] == [digestion, nucleus]
