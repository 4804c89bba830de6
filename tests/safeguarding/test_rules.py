"""The rule screener: disclosures are caught in a child's words; lesson language raises nothing."""

from __future__ import annotations

import pytest

from edu.safeguarding.screening import ScreeningContext, merged
from edu.safeguarding.screening.rules import RuleScreener, load_lexicon

SCREENER = RuleScreener()


def flags(text: str, subject: str = "") -> dict[str, str]:
    result = merged(SCREENER.screen(text, context=ScreeningContext(subject=subject)))
    return {flag.category: flag.severity for flag in result.flags}


@pytest.mark.parametrize(("text", "subject"), [
    ("the cell kills bacteria", "biology"),
    ("how do I kill the process in linux", "computing"),
    ("Why did Romeo and Juliet's suicide shock the audience?", "literature"),
    ("What happened in the Holocaust?", "history"),
    ("how do volcanoes destroy towns", "geography"),
    ("this homework is killing me", ""),
    ("I'd die for a pizza", ""),
    ("my brother will murder me if I lose his charger", ""),
    ("I'm not sad, just tired", ""),
    ("what are sex-linked genes", "biology"),
    ("explosive reactions of sodium in water", "chemistry"),
    ("I am writing an essay on the theme of suicide in Hamlet", "literature"),
    ("my sister beat me at chess", ""),
])
def test_lesson_language_and_idioms_raise_nothing(text, subject):
    assert flags(text, subject) == {}


@pytest.mark.parametrize(("text", "category", "severity"), [
    ("I want to kill myself", "self_harm", "high"),
    ("i dont want to live anymore", "self_harm", "high"),
    ("i've been cutting myself again", "self_harm", "medium"),
    ("my friend says she wants to die", "self_harm", "high"),
    ("my dad hits me when he is drunk", "abuse", "high"),
    ("a man on roblox asked me to send pics of my body", "abuse", "high"),
    ("they call me names every day at school", "bullying", "medium"),
    ("im gonna bring a knife to school tomorrow", "violence", "high"),
    ("send me nudes", "sexual", "high"),
    ("how do i make a pipe bomb", "harmful_request", "high"),
    ("how to get around the school wifi filter", "harmful_request", "medium"),
])
def test_disclosures_and_requests_are_flagged_with_severity(text, category, severity):
    assert flags(text).get(category) == severity


def test_a_disclosure_hidden_in_a_science_question_is_found():
    found = flags("how do plants grow btw i feel sad at home and dad hits me", "biology")
    assert found["abuse"] == "high"


def test_negation_drops_a_low_concern_but_not_a_statement_that_carries_it():
    assert flags("i'm not feeling sad") == {}
    assert flags("i don't want to be alive") == {"self_harm": "high"}


def test_course_vocabulary_is_lesson_language():
    text = "can you explain explosive decomposition of nitroglycerin"
    vocabulary = ScreeningContext(vocabulary=("Explosive decomposition",))
    assert merged(SCREENER.screen(text, context=vocabulary)).flags == ()


def test_story_context_silences_third_person_but_not_the_student():
    assert flags("In the novel, why does the character want to kill herself?", "literature") == {}
    assert flags("we read Hamlet in class and I want to kill myself too", "literature")["self_harm"] == "high"


def test_text_speak_and_spelling_are_normalised():
    assert flags("kms")["self_harm"] == "high"
    assert flags("ppl keep calling me fat at skool")["bullying"] == "medium"


def test_other_languages_are_screened():
    assert "self_harm" in flags("quiero morir")
    assert "abuse" in flags("mon père me frappe")
    assert "bullying" in flags("ich werde gemobbt")


def test_every_lexicon_rule_compiles_and_names_a_known_severity():
    lexicon = load_lexicon()
    assert lexicon.rules
    assert {rule.severity for rule in lexicon.rules} <= {"low", "medium", "high"}


def test_screening_is_fast():
    import time

    started = time.perf_counter()
    for _ in range(200):
        SCREENER.screen("how do plants grow btw i feel sad at home", context=ScreeningContext(subject="biology"))
    assert (time.perf_counter() - started) / 200 < 0.01


@pytest.mark.parametrize(("text", "category"), [
    ("my friend's dad hits her", "abuse"),
    ("a girl in my class said her uncle touches her", "abuse"),
    ("my friend gets called names every day", "bullying"),
    ("my brother took a lot of pills", "self_harm"),
])
def test_a_disclosure_about_a_friend_or_sibling_is_read_as_theirs(text, category):
    assert category in flags(text)


def test_the_friend_perspective_leaves_ordinary_news_alone():
    assert flags("my friend's dad is a doctor") == {}
    assert flags("my friend is sad because she lost her cat") == {}


def test_grooming_is_both_abuse_and_sexual():
    found = flags("a man on snapchat keeps asking me to send pics of my body and said not to tell my mum")
    assert found.get("abuse") == "high" and "sexual" in found
