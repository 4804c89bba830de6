"""Feedback that shows, measured on the demo course as `make run` loads it: after "too hard", the next
explanation of the same question reads at a lower grade (the project's reading-grade function,
rag.tailoring.fk_grade, citation marks removed), for a student starting in the advanced band and for one
starting in the middle band. A simpler band alone did not promise it from the middle band (on the demo
course's short sentences the simple band's answer read lower for only about half the questions): the explainer
writes the next answer below the one the student found too hard (rag.explainer.composition._below_ceiling).
The simpler answer still carries what the first one said of the question (the practice item's answer) and
passes the grounding check, with citations that are the answer's own. The questions are the demo course's
own: the first practice question of each objective.
`make bench-feedback` measures the same on every practice question and on real-textbook terms."""

from __future__ import annotations

import re
import statistics

import pytest

from edu.api import Interaction, LearnerProfile, reading_band_name, record_feedback
from rag.api import explain
from rag.grounding import content_terms
from rag.tailoring import fk_grade
from tests.demo import demo_practice_rows, indexed_demo_course
from tests.factories import student_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CITATION = re.compile(r"\s*\[(?:\d+|your image)\]")
CITED = re.compile(r"\[(\d+)\]")


@pytest.fixture
def demo():
    course = indexed_demo_course()
    first_per_objective = {}
    for row in demo_practice_rows():
        first_per_objective.setdefault(row["objective_code"], (row["prompt"], row["answer"].split("|")))
    return course, list(first_per_objective.values())


def grade(text: str) -> float:
    return fk_grade(CITATION.sub("", text))


def carries(text: str, answers: list[str]) -> bool:
    """Whether the text says one of the practice item's accepted answers (all its content words)."""
    return any(content_terms(answer) <= content_terms(text) for answer in answers)


def cites_its_own_sources(explanation) -> bool:
    numbers = {int(number) for number in CITED.findall(explanation.text)}
    return numbers == {citation["number"] for citation in explanation.citations} == set(range(1, len(numbers) + 1))


@pytest.mark.parametrize(("start", "half"), [(10.0, 0), (7.0, 1)], ids=["advanced", "middle"])
def test_after_too_hard_the_same_question_is_explained_at_a_lower_reading_grade(demo, start, half):
    """Each band takes every other demo question (all are asked once; the bench asks all of them in both bands)."""
    course, questions = demo
    questions = questions[half::2]
    student = student_in(course, username=f"reader-{start:g}")
    measured = []
    for question, answers in questions:
        LearnerProfile.objects.filter(user=student).update(reading_level=start, reading_level_set=True)
        first = explain(learner=student, course=course, question=question)
        result = record_feedback(interaction=Interaction.objects.get(pk=first.interaction_id), feedback="too_hard")
        assert reading_band_name(result.reading_level_after) != reading_band_name(start)
        second = explain(learner=student, course=course, question=question)
        measured.append((question, grade(first.text), grade(second.text), first.text == second.text))
        assert second.grounding["status"] in ("grounded", "extractive"), question
        assert cites_its_own_sources(second), second.text
        assert carries(second.text, answers) or not carries(first.text, answers), (first.text, second.text)
    for question, before, after, same in measured:
        print(f"{question!r}: {before:.2f} -> {after:.2f}{' (identical)' if same else ''}")
    lower = sum(after < before for _, before, after, _ in measured)
    assert not any(same for *_, same in measured), "an answer came back word for word the same"
    assert lower >= len(measured) - 1, f"only {lower} of {len(measured)} read lower"
    assert statistics.median(after - before for _, before, after, _ in measured) < 0
