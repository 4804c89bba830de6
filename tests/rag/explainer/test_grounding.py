"""Each generated sentence is checked against single sources: supported ones name their source."""

import pytest

from rag.embeddings import get_embedder
from rag.grounding import GroundingSource, check_grounding, complete_sentences, content_terms, split_sentences

SOURCES = [
    GroundingSource(1, "When the Sun heats the ocean, liquid water turns into water vapour. This is evaporation."),
    GroundingSource(2, "Cold water vapour turns back into tiny drops of liquid water. This is condensation."),
]


def test_sentences_split_on_punctuation_lines_and_bullets_without_citation_marks():
    text = 'Water evaporates [1]. Then it cools!\n- Clouds form.\n2) Rain falls? "Yes."'
    assert split_sentences(text) == ["Water evaporates.", "Then it cools!", "Clouds form.", "Rain falls?", "Yes."]


def test_content_terms_are_stems_without_stopwords():
    assert content_terms("The heated oceans are heating") == {"heat", "ocean"}


def test_a_sentence_restating_a_source_is_supported_by_that_source():
    [verdict] = check_grounding(["The Sun heats the ocean and water turns into vapour."], SOURCES)
    assert verdict.supported
    assert verdict.source == 1
    assert verdict.overlap >= 0.5


def test_each_sentence_is_matched_to_its_own_source():
    verdicts = check_grounding(["Evaporation turns liquid water into vapour.", "Condensation makes tiny drops."],
                               SOURCES)
    assert [verdict.source for verdict in verdicts] == [1, 2]
    assert all(verdict.supported for verdict in verdicts)


def test_an_invented_claim_is_not_supported():
    [verdict] = check_grounding(["Volcanoes release sulphur gases that cause acid rain in Iceland."], SOURCES)
    assert not verdict.supported


def test_filler_without_content_words_supports_nothing():
    [verdict] = check_grounding(["So, there it is!"], SOURCES)
    assert not verdict.supported


def test_no_sources_means_nothing_is_supported():
    [verdict] = check_grounding(["Water turns into vapour."], [])
    assert not verdict.supported
    assert verdict.source is None


@pytest.mark.slow
def test_meaning_accepts_a_paraphrase_that_word_overlap_alone_rejects():
    sentence = "Sunshine warms the sea and its water becomes vapour."
    [by_words] = check_grounding([sentence], SOURCES)
    [by_meaning] = check_grounding([sentence], SOURCES, embedder=get_embedder())
    assert not by_words.supported
    assert by_meaning.supported
    assert by_meaning.source == 1
    assert by_meaning.similarity >= 0.72


HEART = GroundingSource(
    1,
    "The left ventricle pumps oxygenated blood into the aorta. At rest the heart beats about 75 times per minute. "
    "William Harvey described the circulation in 1628. Water fleas are eaten by small fish such as minnows.",
)


@pytest.mark.parametrize(
    ("sentence", "fact"),
    [
        ("At rest the heart beats about 60 times per minute.", "number 60"),
        ("At rest the heart beats about seventy times per minute.", "number 70"),
        ("At rest the heart beats about 75 times per second.", "unit 75 second"),
        ("Galen described the circulation of the blood in 1628.", "subject galen"),
        ("The circulation was described by William Osler in 1628.", "name osler"),
        ("The aorta pumps oxygenated blood into the left ventricle.", "relation"),
        ("Water fleas eat small fish such as minnows.", "relation"),
    ],
)
def test_a_sentence_may_not_add_a_number_unit_name_or_relation_its_source_lacks(sentence, fact):
    [verdict] = check_grounding([sentence], [HEART])
    assert not verdict.supported
    assert any(found.startswith(fact) for found in verdict.unsupported), verdict.unsupported


@pytest.mark.parametrize(
    "sentence",
    [
        "The left ventricle pumps oxygenated blood into the aorta.",
        "Oxygenated blood is pumped into the aorta by the left ventricle.",
        "At rest, the heart beats about 75 times a minute.",
        "Blood with oxygen is pumped by the left ventricle into the aorta.",
        "In 1628 William Harvey described the circulation.",
    ],
)
def test_restatements_with_the_sources_facts_are_kept(sentence):
    [verdict] = check_grounding([sentence], [HEART])
    assert verdict.supported, verdict


LIVER = GroundingSource(
    1,
    "Blood then flows through a hepatic vein into the inferior vena cava. The liver makes bile. The common bile "
    "duct is a tube that carries bile from the liver and the gallbladder to the duodenum. It joins the pancreatic "
    "duct. The gallbladder stores bile between meals, and the stored bile is released after a meal.",
)


@pytest.mark.parametrize(
    "sentence",
    [
        "The hepatic vein is a tube that carries bile from the liver and the gallbladder to the duodenum.",
        "The gallbladder is a tube that carries bile from the liver to the duodenum.",
        "The hepatic vein carries bile from the liver to the gallbladder.",
    ],
)
def test_a_subject_spliced_to_what_another_sentence_says_of_something_else_is_not_kept(sentence):
    [verdict] = check_grounding([sentence], [LIVER])
    assert not verdict.supported
    assert any(found.startswith("relation") for found in verdict.unsupported), verdict.unsupported


LIVER_LIGAMENTS = GroundingSource(
    1,
    "The liver is connected to the abdominal wall by five folds referred to as ligaments. These are the falciform "
    "ligament, the coronary ligament, two lateral ligaments, and the ligamentum teres hepatis. Oxygen is carried "
    "through the blood by red blood cells. These cells contain a protein called hemoglobin. The heart monitor uses "
    "3, 5, or 12 leads. It uses 10 electrodes. The cell cycle can be stopped at a checkpoint. A cyclin is a "
    "molecule.",
)


@pytest.mark.parametrize(
    ("sentence", "fact"),
    [
        # "These" names what was said last (the ligaments), not the liver
        ("The liver is the falciform ligament, the coronary ligament and two lateral ligaments.", "relation"),
        # "These cells contain ... hemoglobin": the cells are the subject, what they carry is not hemoglobin's
        ("Hemoglobin is carried through the blood by red blood cells.", "relation"),
        ("The heart monitor uses 3, 3, or 12 leads.", "number 3"),  # a number said more often than the source does
        ("The heart monitor uses 5 electrodes.", "count 5"),  # 5 of something else
        ("A cyclin can be stopped at a checkpoint.", "relation"),  # "cyclin" is not "cycle"
    ],
)
def test_what_the_source_says_of_other_things_or_other_counts_is_not_kept(sentence, fact):
    [verdict] = check_grounding([sentence], [LIVER_LIGAMENTS])
    assert not verdict.supported
    assert any(found.startswith(fact) for found in verdict.unsupported), verdict.unsupported


@pytest.mark.parametrize(
    "sentence",
    [
        "The liver is connected to the abdominal wall by five folds called ligaments.",
        "The heart monitor uses 10 electrodes.",
        "Red blood cells contain a protein called hemoglobin.",
    ],
)
def test_the_same_facts_restated_are_kept(sentence):
    [verdict] = check_grounding([sentence], [LIVER_LIGAMENTS])
    assert verdict.supported, verdict


@pytest.mark.parametrize(
    "sentence",
    [
        "The common bile duct carries bile from the liver and the gallbladder to the duodenum.",
        "The common bile duct is a tube that carries bile to the duodenum, and it joins the pancreatic duct.",
        "The gallbladder stores bile between meals and releases it after a meal.",
        "Blood flows through a hepatic vein into the inferior vena cava.",
    ],
)
def test_statements_joined_as_the_source_joins_them_are_kept(sentence):
    [verdict] = check_grounding([sentence], [LIVER])
    assert verdict.supported, verdict


def test_a_named_answer_needs_a_source_sentence_that_links_it_to_what_was_asked():
    question = "What eats the water flea?"
    [right] = check_grounding(["The answer is: minnows."], [HEART], question=question)
    [wrong] = check_grounding(["The answer is: the aorta."], [HEART], question=question)
    assert right.supported
    assert not wrong.supported
    assert wrong.unsupported == ("answer the aorta",)


def test_a_sentence_being_written_is_whole_once_the_next_one_begins():
    assert complete_sentences("Water evaporates. It ri") == (["Water evaporates."], "It ri")
    assert complete_sentences("About 2.5 litres") == ([], "About 2.5 litres")
