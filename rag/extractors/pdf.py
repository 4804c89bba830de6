"""PDF: page-aware text with headings recognised by font size, and embedded diagrams read as images."""

from __future__ import annotations

import io
import logging
from collections import Counter

from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PdfStreamError

from rag.diagrams import DiagramError, analyze_image
from rag.extractors.types import Extraction, FoundDiagram, IngestionInputError, Section

logger = logging.getLogger(__name__)

PASSWORD_PROTECTED = "This PDF is password-protected; upload a copy without a password."  # noqa: S105 - a message
CORRUPT = "This PDF is damaged and cannot be read; export or save it again as PDF and upload the new copy."
TRUNCATED = "This PDF is incomplete (the file was cut off, perhaps during download); upload the complete file."
NO_TEXT = (
    "No text was found in this PDF: it has no text layer and no readable pictures. "
    "If it is a scan, export it with text recognition (OCR) or upload the pages as images."
)
# Smaller pictures are icons, bullets and logos rather than diagrams.
MIN_DIAGRAM_SIDE = 120
HEADING_SIZE_RATIO = 1.15
MAX_HEADING_CHARS = 150
_READ_ERRORS = (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                RecursionError, OSError, AssertionError)  # fmt: skip


def extract_pdf(content: bytes) -> Extraction:
    """Sections per page (a larger font opens a heading); pictures of diagram size become diagrams."""
    if b"%%EOF" not in content[-2048:]:
        raise IngestionInputError(TRUNCATED)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise IngestionInputError(PASSWORD_PROTECTED)
        extraction = Extraction()
        headings: tuple[str, ...] = ()
        for number, page in enumerate(reader.pages, start=1):
            sections, headings = _page_sections(page, number, headings)
            extraction.sections.extend(sections)
            extraction.diagrams.extend(_page_diagrams(page, number))
    except IngestionInputError:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise IngestionInputError(PASSWORD_PROTECTED) from None
    except _READ_ERRORS as error:
        logger.info("unreadable PDF: %s", type(error).__name__)
        raise IngestionInputError(CORRUPT) from None
    if extraction.is_empty:
        raise IngestionInputError(NO_TEXT)
    return extraction


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are 'encrypted' only to carry permissions, with an empty user password."""
    try:
        return bool(reader.decrypt(""))
    except (FileNotDecryptedError, DependencyError, NotImplementedError):
        return False


def _page_sections(page, number: int, headings: tuple[str, ...]) -> tuple[list[Section], tuple[str, ...]]:
    """A heading carries over to the next page until another one starts (text flows across pages)."""
    sizes: dict[str, float] = {}
    chars_by_size: Counter[float] = Counter()

    def visit(text: str, cm, tm, font_dict, font_size: float) -> None:
        size = round(abs(font_size * (tm[3] or 1) * (cm[3] or 1)), 1)
        stripped = " ".join(text.split())
        if stripped:
            sizes[stripped] = max(size, sizes.get(stripped, 0.0))
            chars_by_size[size] += len(stripped)

    text = page.extract_text(visitor_text=visit) or ""
    body_size = chars_by_size.most_common(1)[0][0] if chars_by_size else 0.0
    sections: list[Section] = []
    lines: list[str] = []

    def close() -> None:
        body = "\n".join(lines).strip()
        if body:
            sections.append(Section(text=body, headings=headings, page=number))
        lines.clear()

    for line in text.splitlines():
        stripped = " ".join(line.split())
        size = sizes.get(stripped, 0.0)
        if stripped and len(stripped) <= MAX_HEADING_CHARS and body_size and size >= body_size * HEADING_SIZE_RATIO:
            close()
            headings = (stripped,)
        else:
            lines.append(line.rstrip())
    close()
    return sections, headings


def _page_diagrams(page, number: int) -> list[FoundDiagram]:
    """Pictures drawn directly on the page; their size is checked before pypdf decodes any pixel."""
    diagrams = []
    max_pixels = settings.GLOSSA["MAX_IMAGE_PIXELS"]
    resources = _resolved(page.get("/Resources"))
    for name, reference in _resolved(resources.get("/XObject")).items():
        xobject = reference.get_object()
        if xobject.get("/Subtype") != "/Image":
            continue
        width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
        if min(width, height) < MIN_DIAGRAM_SIDE or width * height > max_pixels:
            continue
        try:
            analysis = analyze_image(page.images[name].data)
        except (DiagramError, *_READ_ERRORS):
            # One unreadable picture should not cost the teacher the rest of the document.
            logger.info("skipped an unreadable picture on a PDF page")
            continue
        if analysis.nodes or analysis.title or analysis.text_blocks:
            diagrams.append(FoundDiagram(analysis=analysis, page=number))
    return diagrams


def _resolved(value) -> dict:
    """A dictionary entry that may be written directly or as a reference to another object."""
    return value.get_object() if value is not None else {}
