"""Course material keeps names outside a personal context; these are the contexts that count as personal."""

import pytest

from privacy.context import PersonalContext


def judge(text: str, name: str, *, evidence: tuple[str, ...] = (), entity_type: str = "PERSON") -> bool:
    spans = [(text.index(value), text.index(value) + len(value)) for value in evidence]
    start = text.index(name)
    return PersonalContext(text, evidence=spans).is_personal(entity_type, start, start + len(name))


def test_a_name_in_a_lesson_sentence_is_not_personal():
    assert not judge("Hedy Lamarr co-invented frequency hopping. Students read her patent.", "Hedy Lamarr")


def test_redacted_contact_data_in_the_same_sentence_or_line_makes_it_personal():
    note = "Hedy Lamarr co-invented frequency hopping.\nJo Park - jo.park@example.org"
    assert judge(note, "Jo Park", evidence=("jo.park@example.org",))
    assert not judge(note, "Hedy Lamarr", evidence=("jo.park@example.org",))


def test_evidence_stays_in_its_sentence_even_when_notes_are_in_lower_case():
    text = "Zheng He sailed to Africa. jo park will present it, call 555-0134."
    assert not judge(text, "Zheng He", evidence=("jo park", "555-0134"))


def test_places_only_count_evidence_in_their_sentence():
    assert judge("Jo moved to Brackenfield, call 555-0134.", "Brackenfield", evidence=("555-0134",),
                 entity_type="LOCATION")
    assert not judge("Ms. Park visited Brackenfield.", "Brackenfield", entity_type="LOCATION")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ms. Okafor said the trip is on.", "Okafor"),
        ("Please ask student Jo Park first.", "Jo Park"),
        ("I think my son Tomas needs more time.", "Tomas"),
        ("Remind Jo Park's parents about the trip.", "Jo Park"),
        ("Jo Park was absent on Monday.", "Jo Park"),
        ("Jo Park missed the quiz.", "Jo Park"),
        ("Detention for Jo Park on Friday.", "Jo Park"),
    ],
)
def test_cues_of_a_note_about_a_person(text, name):
    assert judge(text, name)


def test_a_name_listed_with_a_personal_one_is_personal():
    text = "Ms. Okafor and Jo Park will lead the trip with Zheng He's map."
    context = PersonalContext(text, evidence=[])
    judged = [context.is_personal("PERSON", text.index(name), text.index(name) + len(name))
              for name in ("Okafor", "Jo Park", "Zheng He")]
    assert judged == [True, True, False]


def test_cues_are_about_the_name_not_the_text():
    assert not judge("Ask students to compare Zheng He and Columbus.", "Zheng He")
    assert not judge("The abbr. Mr. is old. Zheng He sailed to Africa.", "Zheng He")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mr. Darcy first insults Elizabeth Bennet at the ball.", "Darcy"),
        ("Today we compare Dr. Jekyll and his other self.", "Jekyll"),
        ("Reading for week 3: Mrs. Dalloway by Virginia Woolf.", "Dalloway"),
    ],
)
def test_an_honorific_in_a_story_is_no_note_about_a_person(text, name):
    assert not judge(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Permission slips go to Mr. Brennan by Friday.", "Brennan"),
        ("Bring your copy to Herr Vogel's room.", "Herr Vogel"),
        ("Our guest speaker Dr. Eze will visit the class.", "Eze"),
    ],
)
def test_an_honorific_in_school_business_is_a_note_about_a_person(text, name):
    assert judge(text, name)
