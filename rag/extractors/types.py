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


PICTURE_KEY = "picture"  # the key of the one figure of a picture upload


@dataclass(frozen=True)
class FoundDiagram:
    """A figure of the material: what its picture shows (``analysis``) and what the document says of it.

    A figure whose picture is not in the upload (a web address, a file that was not uploaded) has
    ``has_pixels=False`` and an empty analysis: it is still indexed from its caption and alt text.
    ``section`` is the index of the section (in ``Extraction.sections``) the figure sits in, or of the
    first one after it, and ``offset`` how far into that section's text it comes: where text near it is.
    """

    analysis: DiagramAnalysis
    page: int | None = None
    caption: str = ""
    alt: str = ""
    title: str = ""
    headings: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None  # on the PDF page, in points from its top left
    order: int = 0  # among the document's figures, in reading order
    section: int | None = None
    offset: int = 0
    source: str = ""  # the file name the document gives for the picture (never a fetched address)
    has_pixels: bool = True
    key: str = PICTURE_KEY  # stable within the material, so a teacher's description outlives a re-run

    @property
    def has_words(self) -> bool:
        """Anything to index: labels read on the picture or words the document says about it."""
        return _has_content(self.analysis) or bool(self.caption or self.alt or self.title)


@dataclass
class Extraction:
    sections: list[Section] = field(default_factory=list)
    diagrams: list[FoundDiagram] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        has_text = any(section.text.strip() for section in self.sections)
        return not has_text and not any(found.has_words for found in self.diagrams)


def _has_content(analysis: DiagramAnalysis) -> bool:
    return bool(analysis.nodes or analysis.title or analysis.text_blocks)
