"""A material is redacted as one document, spans never cut a word, and a photo keeps the course's own labels."""

import pytest

from privacy.api import ContentKind, redact_text, redact_texts

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_a_name_removed_from_the_body_is_removed_from_the_heading_too():
    heading = "Notes by Jo Park"
    body = "Jo Park was absent on Monday; these notes cover photosynthesis."
    alone = redact_texts([heading, body], kind=ContentKind.COURSE, where="ingestion")
    together = redact_texts([heading, body], kind=ContentKind.COURSE, where="ingestion", one_document=True)
    assert "<PERSON>" in together[0].text and "Park" not in together[0].text
    assert together[1].text == alone[1].text == "<PERSON> was absent on Monday; these notes cover photosynthesis."


def test_an_address_is_removed_whole_and_its_zip_is_not_a_phone():
    text = "Office: 77 Massachusetts Ave, Boston, MA 02139, USA. Isaac Newton studied optics."
    result = redact_text(text, kind=ContentKind.COURSE, where="ingestion")
    assert result.text == "Office: <STREET_ADDRESS>. Isaac Newton studied optics."


@pytest.mark.parametrize("text", ["I live at 12 Baker Streetington", "mail jo@school.localhost2x"])
def test_spans_grow_to_whole_words(text):
    result = redact_text(text, kind=ContentKind.LEARNER, where="query")
    for entity in result.entities:
        assert entity.start == 0 or not text[entity.start - 1].isalnum()
        assert entity.end == len(text) or not text[entity.end].isalnum()


def test_a_photo_keeps_the_labels_its_course_uses_but_not_a_pupils_name():
    labels = ["Algae", "Producer", "Primary consumer", "Kofi Mensah"]
    kept = redact_texts(labels, kind=ContentKind.LEARNER, where="image",
                        keep_terms=["Algae", "Producer", "Primary consumer"])
    assert [r.text for r in kept] == ["Algae", "Producer", "Primary consumer", "<PERSON>"]
