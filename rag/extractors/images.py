"""Pictures and SVG drawings: each is one diagram, read by the diagrams package."""

from __future__ import annotations

from rag.diagrams import DiagramError, analyze_image, analyze_svg
from rag.extractors.types import Extraction, FoundDiagram, IngestionInputError

NOTHING_READABLE = (
    "No text or labels could be read in this picture, so there is nothing to index. "
    "Check that it is a diagram with readable labels (not a photo) and upload a sharper copy."
)


def extract_image(content: bytes) -> Extraction:
    return _single_diagram(analyze_image, content)


def extract_svg(content: bytes) -> Extraction:
    """Text and shapes are read from the XML; scripts, entities and external references are refused."""
    return _single_diagram(analyze_svg, content)


def _single_diagram(analyze, content: bytes) -> Extraction:
    try:
        analysis = analyze(content)
    except DiagramError as error:
        raise IngestionInputError(str(error)) from None
    extraction = Extraction(diagrams=[FoundDiagram(analysis=analysis)])
    if extraction.is_empty:
        raise IngestionInputError(NOTHING_READABLE)
    return extraction
