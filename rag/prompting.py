"""The explainer's prompt: a learner profile, a few trimmed sources and a diagram's structure.

A 135M-parameter model follows short, concrete instructions best and gets slower with every
prompt token, so the prompt stays small: at most ``MAX_SOURCES`` sources of ``SOURCE_WORDS``
words, the diagram as one "A -> B" line per arrow, and one style line per reading band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edu.api import READING_BAND_TOPS
from rag.grounding import content_terms, split_sentences

MAX_SOURCES = 3
SOURCE_WORDS = 90
MAX_DIAGRAM_LINES = 12
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese",
                  "it": "Italian", "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ar": "Arabic", "uk": "Ukrainian"}


@dataclass(frozen=True)
class ReadingBand:
    name: str
    max_level: float
    style: str


# Concrete, countable instructions: small models ignore vague ones like "keep it simple". The band
# edges belong to the learner model (feedback moves a learner across them), so they come from edu.
_TOPS = dict(READING_BAND_TOPS)
READING_BANDS = (
    ReadingBand("simple", _TOPS["simple"],
                "Use short sentences of at most 10 words. Use easy, everyday words. Write 3 sentences."),
    ReadingBand("middle", _TOPS["middle"],
                "Use clear sentences of about 15 words. Explain any science word you use. Write 3 or 4 sentences."),
    ReadingBand("advanced", _TOPS["advanced"],
                "Write precise, well-connected sentences using the correct scientific terms. Write 4 sentences."),
)


def reading_band(level: float) -> ReadingBand:
    return next(band for band in READING_BANDS if level <= band.max_level)


@dataclass(frozen=True)
class LearnerContext:
    """What of a learner's profile shapes the prompt (no names or identifiers: it goes to the model)."""

    grade: int
    reading_level: float
    language: str = "en"
    screen_reader: bool = False
    dyslexia: bool = False
    objectives_to_learn: tuple[str, ...] = ()


@dataclass(frozen=True)
class PromptSource:
    number: int
    text: str


def trim_words(text: str, limit: int = SOURCE_WORDS) -> str:
    words = text.split()
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + " …"


def diagram_lines(labels_by_id: dict[str, str], edges: Sequence[dict]) -> list[str]:
    """One "A -> B" (or "A -- B" when undirected) line per edge, with the edge's label if any."""
    lines = []
    for edge in edges[:MAX_DIAGRAM_LINES]:
        source, target = labels_by_id.get(edge["source"], ""), labels_by_id.get(edge["target"], "")
        if not source or not target:
            continue
        arrow = "->" if edge.get("directed", True) else "--"
        label = f" ({edge['label']})" if edge.get("label") else ""
        lines.append(f"{source} {arrow} {target}{label}")
    return lines


def instructions(learner: LearnerContext) -> str:
    """The system message: role, grounding rule and the style of the learner's reading band."""
    parts = [
        f"You are a patient tutor for a grade {learner.grade} student.",
        "Answer the question using only the facts in the sources. Do not add other facts.",
        reading_band(learner.reading_level).style,
    ]
    if learner.language != "en":
        parts.append(f"Answer in {LANGUAGE_NAMES.get(learner.language, learner.language)}.")
    if learner.screen_reader:
        parts.append("The student uses a screen reader: describe things in words, not by colour or position.")
    if learner.dyslexia:
        parts.append("Put one idea in each sentence.")
    if learner.objectives_to_learn:
        parts.append("The student is still learning: " + "; ".join(learner.objectives_to_learn[:2]) + ".")
    return " ".join(parts)


def build_messages(
    *, learner: LearnerContext, question: str, sources: Sequence[PromptSource], diagram: Sequence[str] = ()
) -> list[dict]:
    """Chat messages for the generator; ``question`` must already be redacted."""
    body = ["Sources:"] + [
        f"[{source.number}] {focus_passage(source.text, question)}" for source in sources[:MAX_SOURCES]
    ]
    if diagram:
        body += ["", "Diagram arrows:"] + list(diagram[:MAX_DIAGRAM_LINES])
    body += ["", f"Question: {question}"]
    return [
        {"role": "system", "content": instructions(learner)},
        {"role": "user", "content": "\n".join(body)},
    ]


def focus_passage(text: str, question: str, limit: int = SOURCE_WORDS) -> str:
    """The passage's sentences that share most words with the question, in reading order, within ``limit`` words.

    A chunk is ~200 words; the model reads faster and stays closer to the point with the part
    that answers the question than with the chunk's first ``limit`` words.
    """
    sentences = split_sentences(text)
    asked = content_terms(question)
    ranked = sorted(range(len(sentences)), key=lambda i: (-len(content_terms(sentences[i]) & asked), i))
    chosen, words = set(), 0
    for index in ranked:
        length = len(sentences[index].split())
        if words + length > limit and chosen:
            continue
        chosen.add(index)
        words += length
    return trim_words(" ".join(sentences[i] for i in sorted(chosen)), limit)
