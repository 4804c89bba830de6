"""What every extractor returns: titled sections of text with their page, and the diagrams found."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.diagrams import DiagramAnalysis


class IngestionInputError(ValueError):
    """The upload itself cannot be used. The message is for the teacher: it says what is wrong and what
    to do, and never quotes the file's content (which may hold personal data)."""


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path (``("Water cycle", "Evaporation")``) on one page."""

    text: str
    headings: tuple[str, ...] = ()
    page: int | None = None


@dataclass(frozen=True)
class FoundDiagram:
    analysis: DiagramAnalysis
    page: int | None = None


@dataclass
class Extraction:
    sections: list[Section] = field(default_factory=list)
    diagrams: list[FoundDiagram] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        has_text = any(section.text.strip() for section in self.sections)
        return not has_text and not any(_has_content(found.analysis) for found in self.diagrams)


def _has_content(analysis: DiagramAnalysis) -> bool:
    return bool(analysis.nodes or analysis.title or analysis.text_blocks)
