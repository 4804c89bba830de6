"""Figures in course material: what they are called, what text refers to them, and what gets indexed.

A figure is indexed as one diagram chunk whose text holds everything known about it in words: its
title, caption, alt text, the teacher's description and the labels read on the picture. A photo with
no readable labels is therefore still found by a question that names it ("Which diagram shows the
CPR technique?"). Passages that refer to a figure ("see Figure 1.2", "the diagram below") are linked
to it, so an explanation that cites the passage can show the figure too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

# "Figure 3", "Fig. 1.2", "FIGURE 4b" at the start of a caption.
CAPTION_START = re.compile(r"^\s*(?:Figure|Fig\.?)\s*(\d+(?:[.\-]\d+)*[a-z]?)?\b", re.IGNORECASE)
_NUMBERED_REFERENCE = re.compile(r"\b(?:Figures?|Figs?\.?)\s*(\d+(?:[.\-]\d+)*[a-z]?)", re.IGNORECASE)
# "(see the figure)", "the diagram below", "this picture", "shown in the following figure".
_PLAIN_REFERENCE = re.compile(
    r"\b(?:the|this|that|following|above|below|next)\s+(?:figure|diagram|picture|illustration|image|photo(?:graph)?)s?\b"
    r"|\b(?:figure|diagram|picture|illustration)\s+(?:below|above)\b",
    re.IGNORECASE,
)


def file_key(name: str) -> str:
    """How a document's picture reference and an uploaded file's name are compared: the file name alone,
    decoded and case-folded ("images/My%20Heart.PNG" and "my heart.png" name the same file)."""
    return PurePosixPath(unquote(name).replace("\\", "/")).name.casefold()


def caption_number(caption: str) -> str:
    """The figure's number as its caption gives it ("Figure 1.2 The heart" -> "1.2"), or ""."""
    match = CAPTION_START.match(caption)
    return (match.group(1) or "").lower() if match else ""


def starts_like_a_caption(text: str) -> bool:
    return CAPTION_START.match(text) is not None


# A caption opening with the figure's title, run into its first sentence when the markup that set the title apart
# was lost ("Mitochondrion The mitochondria are ...", "Golgi Apparatus (a) The Golgi apparatus ...").
_TITLE_CASE_SMALL = frozenset({"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or",
                               "the", "to", "vs", "with"})
_SENTENCE_OPENERS = frozenset({"a", "an", "the", "this", "these", "those", "that", "each", "every", "in", "on", "when",
                               "while", "although", "as", "here", "there", "both", "all", "many", "most", "some",
                               "one", "two", "three", "during", "after", "before", "if", "unlike", "like", "its"})
_PANEL = re.compile(r"^\((?:[a-h]|\d)\)$")
_TITLE_MAX_WORDS = 12


def caption_title(caption: str) -> tuple[str, str]:
    """The title a caption opens with and the caption's sentences after it, or ("", caption).

    The title is a run of capitalised words (small words such as "of the" inside it), and the first sentence
    starts where a capitalised word is followed by a lower-case one: a panel letter ("(a)"), a word that opens
    sentences ("The", "While") or a title word again ("Peroxisome Peroxisomes are"). Anything
    else (a caption that is one sentence from its first word, a name such as "Santiago Ramón y Cajal drew")
    is left whole.
    """
    words = caption.split()
    for index, word in enumerate(words[: _TITLE_MAX_WORDS + 1]):
        if _PANEL.match(word):
            start = index
        elif index + 1 < len(words) and word[:1].isupper() and _lower_word(words[index + 1]):
            opener = word.lower().strip("\"'“‘(")
            if opener in _SENTENCE_OPENERS:
                start = index
            elif index and any(opener[:5] == title.lower()[:5] for title in words[:index] if len(title) >= 3):
                before = words[index - 1].lower()  # "Structure of DNA The DNA double helix"
                if before in _TITLE_CASE_SMALL - _SENTENCE_OPENERS:
                    return "", caption  # "Strands of DNA are": the sentence may start earlier
                start = index - 1 if before in _SENTENCE_OPENERS else index
            else:
                return "", caption
        elif _is_title_word(word):
            continue
        else:
            return "", caption
        return (" ".join(words[:start]), " ".join(words[start:])) if start else ("", caption)
    return "", caption


def _lower_word(word: str) -> bool:
    return word[:1].islower() and word.lower() not in _TITLE_CASE_SMALL


def _is_title_word(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or word.lower() in _TITLE_CASE_SMALL \
        or (word.startswith("(") and word[1:2].isupper())


@dataclass(frozen=True)
class FigurePlace:
    """Where a figure sits, for linking: its number, heading path, page and offset in the extracted text."""

    number: str
    headings: str
    page: int | None
    offset: int


@dataclass(frozen=True)
class PassagePlace:
    text: str
    headings: str
    page: int | None
    start: int
    end: int


def referred_figures(passage: PassagePlace, figures: Sequence[FigurePlace]) -> list[int]:
    """Indexes of the figures the passage refers to, by number ("Figure 2") or plainly ("the figure").

    A numbered reference names the figure with that number. A plain one names the nearest figure of
    the same section (same heading path; for a PDF also the same or the next page), never one elsewhere:
    "the figure" in another chapter is another figure.
    """
    found: list[int] = []
    for number in (match.group(1).lower() for match in _NUMBERED_REFERENCE.finditer(passage.text)):
        found += [index for index, figure in enumerate(figures) if figure.number == number]
    if _PLAIN_REFERENCE.search(passage.text):
        nearby = [index for index, figure in enumerate(figures) if _same_section(passage, figure)]
        if nearby:
            middle = (passage.start + passage.end) / 2
            found.append(min(nearby, key=lambda index: abs(figures[index].offset - middle)))
    return list(dict.fromkeys(found))


def _same_section(passage: PassagePlace, figure: FigurePlace) -> bool:
    if passage.page is not None and figure.page is not None:
        return 0 <= figure.page - passage.page <= 1 and (not figure.headings or figure.headings == passage.headings)
    return figure.headings == passage.headings


def number_figures(caption_numbers: Sequence[str]) -> list[str]:
    """Each figure's number: its caption's, or, when no caption in the document is numbered, its position
    (a text saying "Figure 3" about unnumbered figures means the third)."""
    if any(caption_numbers):
        return list(caption_numbers)
    return [str(position) for position in range(1, len(caption_numbers) + 1)]


def figure_text(
    *, title: str, caption: str, alt: str, teacher_description: str, labels_description: str, notes: Sequence[str]
) -> str:
    """What a figure's diagram chunk says (embedded and read by the explainer): every word known about it.

    ``labels_description`` is the description built from the labels and arrows read on the picture;
    its "nothing recognised" sentence is left out when other words describe the figure.
    """
    parts = []
    if title:
        parts.append(f"Figure: {_sentence(title)}")
    if caption and caption != title:
        parts.append(f"Caption: {_sentence(caption)}")
    if alt and alt not in (title, caption):
        parts.append(f"Picture: {_sentence(alt)}")
    if teacher_description:
        parts.append(f"Teacher's description: {_sentence(teacher_description)}")
    labels_read = labels_description and "No labelled parts were recognised" not in labels_description
    if labels_read or not parts:
        parts.append(labels_description or "Picture.")
    if notes:
        parts.append(f"Notes: {'; '.join(notes)}.")
    return " ".join(parts)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?" else f"{text}."
