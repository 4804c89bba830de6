"""Is each generated sentence supported by a cited source or by the diagram?

A sentence is supported by the single source that best covers it: at least ``MIN_OVERLAP`` of
its content words (Porter stems, stopwords removed) occur in that source, or it is close in
meaning (MiniLM cosine >= ``MIN_SIMILARITY``) to one sentence of the source while still sharing
``MIN_OVERLAP_WITH_SIMILARITY`` of its words (meaning alone would accept fluent inventions).
Sentences without content words ("Great question!") support nothing and are dropped as filler.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache

import numpy as np
from nltk.stem.porter import PorterStemmer
from spacy.lang.en.stop_words import STOP_WORDS

MIN_OVERLAP = 0.5
MIN_SIMILARITY = 0.72
MIN_OVERLAP_WITH_SIMILARITY = 0.25

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[<]?[A-Z0-9])|\n+")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+")
_CITATION_MARK = re.compile(r"\s*\[\d+\]")
_stemmer = PorterStemmer()


@dataclass(frozen=True)
class GroundingSource:
    """A text that may support sentences: a retrieved passage or a diagram's structure."""

    number: int
    text: str


@dataclass(frozen=True)
class SentenceVerdict:
    sentence: str
    supported: bool
    source: int | None  # number of the supporting (or closest) source
    overlap: float
    similarity: float

    def to_dict(self) -> dict:
        return asdict(self)


def split_sentences(text: str) -> list[str]:
    """Sentences and list items, without bullets or citation marks the model may have copied."""
    pieces = (_BULLET.sub("", piece) for piece in _SENTENCE_END.split(text))
    return [cleaned for piece in pieces if (cleaned := _CITATION_MARK.sub("", piece).strip(" \t\"'"))]


@cache
def _stem(word: str) -> str:
    return _stemmer.stem(word)


def content_terms(text: str) -> set[str]:
    words = (word.lower().strip("'-") for word in _WORD.findall(text))
    return {_stem(word) for word in words if len(word) > 1 and word not in STOP_WORDS}


def _overlap(terms: set[str], source_terms: set[str]) -> float:
    return len(terms & source_terms) / len(terms) if terms else 0.0


def check_grounding(
    sentences: Sequence[str], sources: Sequence[GroundingSource], embedder=None
) -> list[SentenceVerdict]:
    """One verdict per sentence; ``embedder`` (``rag.embeddings.get_embedder()``) adds the meaning test."""
    source_terms = [content_terms(source.text) for source in sources]
    similarity = _similarities(sentences, sources, embedder) if embedder is not None and sources else None
    verdicts = []
    for index, sentence in enumerate(sentences):
        terms = content_terms(sentence)
        overlaps = [_overlap(terms, known) for known in source_terms]
        meanings = similarity[index] if similarity is not None else [0.0] * len(sources)
        best, best_key = None, (-1.0, -1.0)
        for position, (overlap, meaning) in enumerate(zip(overlaps, meanings, strict=True)):
            supported = overlap >= MIN_OVERLAP or (
                meaning >= MIN_SIMILARITY and overlap >= MIN_OVERLAP_WITH_SIMILARITY
            )
            key = (float(supported), overlap + meaning)
            if key > best_key:
                best, best_key = position, key
        verdicts.append(
            SentenceVerdict(
                sentence=sentence,
                supported=bool(terms) and best_key[0] == 1.0,
                source=sources[best].number if best is not None else None,
                overlap=round(overlaps[best], 3) if best is not None else 0.0,
                similarity=round(float(meanings[best]), 3) if best is not None else 0.0,
            )
        )
    return verdicts


def _similarities(sentences: Sequence[str], sources: Sequence[GroundingSource], embedder) -> np.ndarray:
    """(sentences x sources): the best cosine between a sentence and any sentence of each source."""
    if not sentences:
        return np.zeros((0, len(sources)))
    source_sentences = [split_sentences(source.text) or [source.text] for source in sources]
    flat = [sentence for group in source_sentences for sentence in group]
    vectors = embedder.encode(list(sentences) + flat)
    generated, known = vectors[: len(sentences)], vectors[len(sentences):]
    cosine = generated @ known.T
    columns, start = [], 0
    for group in source_sentences:
        columns.append(cosine[:, start: start + len(group)].max(axis=1))
        start += len(group)
    return np.stack(columns, axis=1)
