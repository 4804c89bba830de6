"""A question is answered only when the retrieved passages are about it, and in a language the models handle."""

import pytest

from rag.relevance import answered_by, course_holds, key_terms, not_found_message, question_language

PASSAGES = [
    "The left ventricle pumps oxygenated blood into the aorta. The heart beats about 75 times per minute.",
    "Water fleas are eaten by small fish. The world of the pond holds many food chains.",
]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("¿Cómo se forman las nubes?", "es"),
        ("Comment se forment les nuages ?", "fr"),
        ("Wie entstehen Wolken?", "de"),
        ("Come si formano le nuvole?", "it"),
        ("Como se formam as nuvens?", "pt"),
        ("What is meant by tachycardia?", "en"),
        ("why does the heart beat", "en"),
        ("What is a croissant?", "en"),
    ],
)
def test_the_language_of_a_question_is_told_by_its_function_words(question, language):
    assert question_language(question) == language


def test_not_found_is_said_in_the_question_language_and_english_otherwise():
    assert not_found_message("es").startswith("No encontré")
    assert not_found_message("xx") == not_found_message("en")


def test_key_terms_leave_out_question_words_and_placeholders():
    assert key_terms("What is meant by <PERSON_1>'s tachycardia?") == {"tachycardia"}
    assert key_terms("What does this diagram show?") == set()


@pytest.mark.parametrize(
    "question",
    ["How fast does the heart beat?", "What eats the water fleas?", "Which chamber pumps blood into the aorta?"],
)
def test_a_question_whose_key_terms_the_passages_hold_is_answered(question):
    assert answered_by(question, PASSAGES)


@pytest.mark.parametrize(
    "question",
    [
        "Who won the football World Cup in 2014?",  # "world" alone is in a passage
        "What is the capital of France?",
        "How do I reset my router password?",
        "What is tachycardia?",  # a single key term must be there
    ],
)
def test_a_question_the_passages_do_not_hold_is_not_answered(question):
    assert not answered_by(question, PASSAGES)


@pytest.mark.parametrize(
    ("words", "found", "holds"),
    [
        (["heart", "hurricane"], {"heart"}, False),
        (["speed", "light", "vacuum"], {"speed", "light"}, False),
        (["left", "ventricle", "wall", "thicker"], {"left", "ventricle", "wall"}, True),
        (["tachycardia"], set(), False),
        ([], set(), True),
    ],
)
def test_the_course_must_hold_nearly_every_key_word_of_a_question(words, found, holds):
    assert course_holds(words, found) is holds


def test_what_children_write_around_a_question_is_no_key_term():
    assert key_terms("My friend asked me and our teacher said: what is evaporation?") == {"evapor"}
