"""Turn an upload's bytes into sections of text and diagrams, after checking it is what it claims to be.

Public: ``extract(kind=..., content=...)``, ``IngestionInputError``, and the result types.
"""

from __future__ import annotations

from rag.extractors.images import extract_image, extract_svg
from rag.extractors.pdf import extract_pdf
from rag.extractors.sniff import EXPECTED, sniff
from rag.extractors.text import extract_html, extract_markdown, extract_text
from rag.extractors.types import PICTURE_KEY, Extraction, FoundDiagram, IngestionInputError, Section

EMPTY_FILE = "This file is empty (0 bytes); upload the file again, it may not have been saved."

_EXTRACTORS = {
    "text": extract_text,
    "markdown": extract_markdown,
    "html": extract_html,
    "pdf": extract_pdf,
    "image": extract_image,
    "svg": extract_svg,
}
_KIND_NAMES = {
    "text": "a text file",
    "markdown": "a Markdown file",
    "html": "a web page (HTML)",
    "pdf": "a PDF",
    "image": "an image (PNG, JPEG or WebP)",
    "svg": "an SVG drawing",
}


def extract(*, kind: str, content: bytes) -> Extraction:
    """Raises IngestionInputError with a teacher-readable reason for anything unusable."""
    if not content:
        raise IngestionInputError(EMPTY_FILE)
    actual = sniff(content)
    if actual not in EXPECTED[kind]:
        raise IngestionInputError(
            f"This file is named as {_KIND_NAMES[kind]} but its content is {actual}. "
            "Upload it with the right file extension, or in a supported format."
        )
    return _EXTRACTORS[kind](content)


__all__ = ["PICTURE_KEY", "Extraction", "FoundDiagram", "IngestionInputError", "Section", "extract"]
