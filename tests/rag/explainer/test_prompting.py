"""The prompt carries the profile's style, the numbered sources and the diagram's arrows, and stays short."""

from rag.prompting import (
    SOURCE_WORDS,
    LearnerContext,
    PromptSource,
    build_messages,
    diagram_lines,
    focus_passage,
    instructions,
    reading_band,
)


def test_reading_level_picks_a_band_with_concrete_style_rules():
    assert reading_band(3.5).name == "simple"
    assert reading_band(7).name == "middle"
    assert reading_band(11).name == "advanced"
    assert "at most 10 words" in instructions(LearnerContext(grade=4, reading_level=4))
    assert "scientific terms" in instructions(LearnerContext(grade=11, reading_level=11))


def test_profile_needs_language_and_open_objectives_become_instructions():
    text = instructions(LearnerContext(
        grade=6, reading_level=6, language="es", screen_reader=True, dyslexia=True,
        objectives_to_learn=("Describe the water cycle", "Name the states of matter", "A third one"),
    ))
    assert "grade 6" in text
    assert "Answer in Spanish." in text
    assert "screen reader" in text
    assert "one idea in each sentence" in text
    assert "Describe the water cycle; Name the states of matter" in text
    assert "A third one" not in text


def test_english_learner_without_needs_gets_no_extra_instructions():
    text = instructions(LearnerContext(grade=8, reading_level=8))
    assert "Answer in" not in text
    assert "screen reader" not in text


def test_messages_number_the_sources_and_list_the_diagram_arrows():
    messages = build_messages(
        learner=LearnerContext(grade=5, reading_level=5),
        question="What is evaporation?",
        sources=[PromptSource(1, "Evaporation turns water into vapour."), PromptSource(2, "Clouds are drops.")],
        diagram=["Evaporation -> Condensation"],
    )
    assert [message["role"] for message in messages] == ["system", "user"]
    user = messages[1]["content"]
    assert "[1] Evaporation turns water into vapour." in user
    assert "[2] Clouds are drops." in user
    assert "Diagram arrows:\nEvaporation -> Condensation" in user
    assert user.endswith("Question: What is evaporation?")


def test_diagram_lines_show_direction_labels_and_skip_dangling_edges():
    labels = {"a": "Sun", "b": "Plant", "c": "Rabbit"}
    edges = [
        {"source": "a", "target": "b", "directed": True, "label": "light"},
        {"source": "b", "target": "c", "directed": False},
        {"source": "c", "target": "missing", "directed": True},
    ]
    assert diagram_lines(labels, edges) == ["Sun -> Plant (light)", "Plant -- Rabbit"]


def test_focus_passage_keeps_the_sentences_about_the_question_within_the_word_budget():
    filler = " ".join(f"Sentence number {n} talks about rocks and minerals in general." for n in range(30))
    passage = filler + " Condensation happens when water vapour cools into drops."
    focused = focus_passage(passage, "What is condensation?")
    assert "Condensation happens when water vapour cools into drops." in focused
    assert len(focused.split()) <= SOURCE_WORDS + 1
