"""Structure-aware chunking: passages stay under their heading, bounded by the embedder's own tokens.

Sections are cut at sentence and line boundaries into chunks of about ``TARGET_TOKENS`` (never more
than the model reads), with about ``OVERLAP_TOKENS`` of the previous chunk repeated so that an idea
split across a boundary is still found whole. Every chunk keeps its heading path, page and character
offsets into the material's (redacted) extracted text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

TARGET_TOKENS = 200
MAX_TOKENS = 256
OVERLAP_TOKENS = 40
HEADING_SEPARATOR = " > "
# Headings are embedded with their text; a very long heading path must not crowd out the passage.
MAX_HEADING_TOKENS = 48
_SPECIAL_TOKENS = 2  # [CLS] and [SEP]

_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


@dataclass(frozen=True)
class TextBlock:
    """A section's text as it appears in the material's extracted text, starting at ``offset``."""

    text: str
    headings: tuple[str, ...]
    page: int | None
    offset: int


@dataclass(frozen=True)
class ChunkDraft:
    text: str
    heading: str
    page: int | None
    char_start: int
    char_end: int
    token_count: int


def heading_text(headings: Sequence[str]) -> str:
    return HEADING_SEPARATOR.join(headings)


def embedding_text(*, heading: str, text: str) -> str:
    """What the embedder reads for a chunk: its heading path, then the passage."""
    return f"{heading}\n{text}" if heading else text


def chunk_blocks(
    blocks: Sequence[TextBlock],
    *,
    tokenizer,
    max_tokens: int = MAX_TOKENS,
    target_tokens: int = TARGET_TOKENS,
    overlap_tokens: int = OVERLAP_TOKENS,
) -> list[ChunkDraft]:
    """Chunks in reading order; a chunk never spans two sections, so its heading is always right."""
    chunker = _Chunker(tokenizer, max_tokens=max_tokens, target=target_tokens, overlap=overlap_tokens)
    return [chunk for block in blocks for chunk in chunker.chunk(block)]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    tokens: int


class _Chunker:
    def __init__(self, tokenizer, *, max_tokens: int, target: int, overlap: int) -> None:
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.target = target
        self.overlap = overlap

    def chunk(self, block: TextBlock) -> list[ChunkDraft]:
        heading = heading_text(block.headings)
        heading_tokens = min(self._count([heading])[0], MAX_HEADING_TOKENS) if heading else 0
        budget = max(16, self.max_tokens - _SPECIAL_TOKENS - heading_tokens)
        target = min(self.target, budget)
        spans = self._spans(block.text, budget)
        drafts = []
        first = 0
        while first < len(spans):
            last, total = first, spans[first].tokens
            while last + 1 < len(spans) and total < target and total + spans[last + 1].tokens <= budget:
                last += 1
                total += spans[last].tokens
            start, end = spans[first].start, spans[last].end
            drafts.append(
                ChunkDraft(
                    text=block.text[start:end],
                    heading=heading,
                    page=block.page,
                    char_start=block.offset + start,
                    char_end=block.offset + end,
                    token_count=total,
                )
            )
            if last == len(spans) - 1:
                break  # the rest would only repeat the overlap
            first = self._next_start(spans, first, last)
        return drafts

    def _next_start(self, spans: list[_Span], first: int, last: int) -> int:
        """Step back over trailing spans that fit in the overlap, always moving forward by one at least."""
        start, carried = last + 1, 0
        while start - 1 > first and carried + spans[start - 1].tokens <= self.overlap:
            start -= 1
            carried += spans[start].tokens
        return start

    def _spans(self, text: str, budget: int) -> list[_Span]:
        """Sentences and lines with their token counts; one longer than the budget is cut by tokens."""
        pieces = []
        position = 0
        for boundary in [*_BOUNDARY.finditer(text), None]:
            end = boundary.start() if boundary else len(text)
            if text[position:end].strip():
                pieces.append((position, end))
            position = boundary.end() if boundary else len(text)
        counts = self._count([text[start:end] for start, end in pieces])
        spans = []
        for (start, end), tokens in zip(pieces, counts, strict=True):
            if tokens <= budget:
                spans.append(_Span(start, end, tokens))
            else:
                spans.extend(self._token_windows(text, start, end, budget))
        return spans

    def _token_windows(self, text: str, start: int, end: int, budget: int) -> list[_Span]:
        encoding = self.tokenizer(text[start:end], add_special_tokens=False, return_offsets_mapping=True)
        offsets = encoding["offset_mapping"]
        return [
            _Span(start + offsets[index][0], start + offsets[min(index + budget, len(offsets)) - 1][1],
                  min(budget, len(offsets) - index))
            for index in range(0, len(offsets), budget)
        ]  # fmt: skip

    def _count(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        return [len(ids) for ids in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]
