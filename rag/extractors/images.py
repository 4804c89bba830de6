"""Pictures and SVG drawings: each is one diagram, read by the diagrams package.

A picture with no readable labels (a photo) is not an error: it is indexed from its title and, once
the teacher gives one, their description of it.
"""

from __future__ import annotations

from rag.diagrams import DiagramError, analyze_image, analyze_svg
from rag.extractors.types import PICTURE_KEY, Extraction, FoundDiagram, IngestionInputError


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
    return Extraction(diagrams=[FoundDiagram(analysis=analysis, key=PICTURE_KEY)])
