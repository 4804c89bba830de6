"""The school recognizers, each on the formats it must catch and the look-alikes it must leave."""

import pytest

from privacy.engine import get_analyzer, learner_name_recognizer
from privacy.recognizers import (
    RosterRecognizer,
    StudentIdRecognizer,
    date_of_birth_recognizer,
    personal_location_recognizer,
    roster_names,
    street_address_recognizer,
)


def spans(recognizer, text, artifacts=None):
    return [text[r.start : r.end] for r in recognizer.analyze(text, recognizer.supported_entities, artifacts)]


def test_date_of_birth_needs_a_birth_cue():
    recognizer = date_of_birth_recognizer()
    assert spans(recognizer, "DOB: 03/14/2011") == ["03/14/2011"]
    assert spans(recognizer, "I was born on March 3rd, 2012 in winter") == ["March 3rd, 2012"]
    assert spans(recognizer, "my birthday is the 5th of May") == ["the 5th of May"]
    assert spans(recognizer, "The test is on 03/14/2011.") == []


def test_street_address_with_unit_city_state_and_zip():
    recognizer = street_address_recognizer()
    assert spans(recognizer, "I live at 42 Maple Street, Apt 3, Riverton, OH 44123.") == [
        "42 Maple Street, Apt 3, Riverton, OH 44123"
    ]
    assert spans(recognizer, "send it to 7 oak rd") == ["7 oak rd"]
    assert spans(recognizer, "Chapter 3 covers the water cycle") == []


def test_personal_location_keeps_the_cue_and_takes_the_place():
    recognizer = personal_location_recognizer()
    assert spans(recognizer, "I live in Springfield.") == ["Springfield"]
    assert spans(recognizer, "we moved to lake placid and loved it") == ["lake placid"]
    assert spans(recognizer, "The Nile flows through Egypt.") == []
    assert spans(recognizer, "we moved to the Bronx.") == ["Bronx"]
    assert spans(recognizer, "bacteria cause no harm as long as they stay in the gut lumen.") == []


def test_student_ids_follow_configured_patterns():
    recognizer = StudentIdRecognizer([r"\bSTU-\d{4}\b"])
    assert spans(recognizer, "my id is STU-1234, not 1234") == ["STU-1234"]


def test_roster_matches_any_casing_and_first_names_alone():
    recognizer = RosterRecognizer(roster_names([("Anna", "Kowalski"), ("Tomás", "Reyes")]))
    assert spans(recognizer, "anna said ANNA KOWALSKI and tomás") == ["anna", "ANNA KOWALSKI", "tomás"]
    assert spans(recognizer, "Annabel is not Anna") == ["Anna"]


def test_empty_roster_matches_nothing():
    assert spans(RosterRecognizer([]), "Anna") == []


@pytest.mark.slow
def test_lower_case_names_in_learner_text_but_not_words_that_are_names():
    text = "my friend jake miller said will may help, the rose is red"
    artifacts = get_analyzer().nlp_engine.process_text(text, "en")
    assert spans(learner_name_recognizer(), text, artifacts) == ["jake miller"]


@pytest.mark.slow
def test_names_missing_from_the_lexicon_in_case_less_text():
    text = "i did the lab with aiyana and KOFI, the fractions homework was hard"
    artifacts = get_analyzer().nlp_engine.process_text(text, "en")
    assert spans(learner_name_recognizer(), text, artifacts) == ["aiyana", "KOFI"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        ("call (212) 555-0134 now", "PHONE_NUMBER", "(212) 555-0134"),
        ("ring +44 20 7946 0958", "PHONE_NUMBER", "+44 20 7946 0958"),
        ("text me on 555-0134", "PHONE_NUMBER", "555-0134"),
        ("mail jo.b@example.org", "EMAIL_ADDRESS", "jo.b@example.org"),
        ("ssn 219-09-9999", "US_SSN", "219-09-9999"),
        ("card 4111 1111 1111 1111", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("my ip is 10.0.0.12", "IP_ADDRESS", "10.0.0.12"),
        ("id s1234567", "STUDENT_ID", "s1234567"),
    ],
)
def test_analyzer_finds_contact_data_and_ids(text, entity, expected):
    results = get_analyzer().analyze(text, "en", entities=[entity], score_threshold=0.3)
    assert [text[r.start : r.end] for r in results] == [expected]


@pytest.mark.slow
def test_year_ranges_are_not_phone_numbers_and_nhs_is_not_loaded():
    analyzer = get_analyzer()
    assert analyzer.analyze("Isaac Newton (1642-1727)", "en", entities=["PHONE_NUMBER"]) == []
    assert "NhsRecognizer" not in {r.name for r in analyzer.registry.recognizers}


@pytest.mark.slow
@pytest.mark.parametrize("text", ["ip 192.168.10.24", "on 03/14/2011", "on 2011-03-14", "card 4111 1111 1111 1111"])
def test_ips_dates_and_card_numbers_are_not_phone_numbers(text):
    assert get_analyzer().analyze(text, "en", entities=["PHONE_NUMBER"], score_threshold=0.0) == []
