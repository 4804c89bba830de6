""""Hints first" for practice items: when a course asks for it and a student asks the tutor a question
that is one of the course's practice items, the tutor guides with questions and steps, drawn from the
course's own sources, and never states the answer (any sentence holding an accepted answer or the
correct choice is left out). The learner checks their answer with the practice question itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from edu.learner_model import normalise_answer
from edu.models import Course, PracticeItem
from edu.safeguarding.selectors import hints_first

MIN_PROMPT_OVERLAP = 0.6  # share of the item's content words the question must contain
MAX_SOURCE_HINTS = 2
_WORD = re.compile(r"[^\W_]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_STOP = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "is", "are", "was", "were", "be", "what", "which", "who", "how",
    "why", "when", "does", "do", "did", "it", "its", "this", "that", "these", "those", "for", "with", "and", "or",
    "by", "from", "as", "into", "than", "then",
})


def _content_words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if word not in _STOP}


def practice_item_for(*, course: Course, question: str) -> PracticeItem | None:
    """The course's active practice item this question asks, if the course is set to hints first."""
    if not hints_first(course=course):
        return None
    asked = _content_words(question)
    best, best_share = None, 0.0
    for item in PracticeItem.objects.filter(objective__course=course, active=True).select_related("objective"):
        words = _content_words(item.prompt)
        share = len(words & asked) / len(words) if words else 0.0
        if share > best_share:
            best, best_share = item, share
    return best if best_share >= MIN_PROMPT_OVERLAP else None


def answer_texts(item: PracticeItem) -> list[str]:
    return item.accepted_answers


def gives_away(text: str, item: PracticeItem) -> bool:
    """Whether ``text`` contains an accepted answer (whole words, case- and punctuation-insensitive)."""
    spaced = f" {normalise_answer(text)} "
    return any(f" {normalise_answer(answer)} " in spaced for answer in answer_texts(item) if normalise_answer(answer))


def hints_reply(*, item: PracticeItem, sources: Sequence[str], grade: int | None = None) -> str:
    """Guiding questions and steps, plus up to two course statements that help without giving it away."""
    young = grade is not None and grade <= 5
    lines = ["Let's work this out together, step by step." if young else
             "Let's work through this together instead of me giving you the answer."]
    steps = ["What is the question asking you to find? Say it in your own words.",
             f"Which idea from \u201c{item.objective.title}\u201d fits here?"]
    if item.kind == PracticeItem.Kind.MULTIPLE_CHOICE:
        steps.append("Look at each choice: which ones can you rule out, and why?")
    else:
        steps.append("Which word from your lesson describes this? Try writing it down before you check.")
    steps.append("Then check your answer with the practice question.")
    lines += [f"{number}. {step}" for number, step in enumerate(steps, start=1)]
    helpful = []
    for source in sources:
        for sentence in _SENTENCE.split(source):
            sentence = sentence.strip()
            if 20 <= len(sentence) <= 240 and not gives_away(sentence, item) and sentence not in helpful:
                helpful.append(sentence)
    if helpful:
        lines.append("A clue from your course: " + " ".join(helpful[:MAX_SOURCE_HINTS]))
    reply = "\n".join(lines)
    return reply if not gives_away(reply, item) else "\n".join(lines[: len(steps) + 1])
