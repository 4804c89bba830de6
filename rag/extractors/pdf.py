"""PDF: page-aware text with headings recognised by font size, and embedded diagrams read as images."""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import dataclass, field, replace

from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PdfStreamError

from rag.diagrams import DiagramError, analyze_image
from rag.extractors.figures import no_picture
from rag.extractors.types import Extraction, FoundDiagram, IngestionInputError, Section
from rag.figures import starts_like_a_caption

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
            layout = _PageLayout(height=_page_height(page))
            carried = headings
            sections, headings = _page_sections(page, number, headings, layout)
            first_section = len(extraction.sections)
            extraction.sections.extend(sections)
            for found in _page_diagrams(page, number, layout, carried, order=len(extraction.diagrams)):
                section = next((first_section + index for index, s in enumerate(sections)
                                if s.headings == found.headings), first_section)  # fmt: skip
                extraction.diagrams.append(replace(found, section=section))
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


@dataclass
class _PageLayout:
    """Where things are drawn on a page, in points from its top: text runs and pictures."""

    height: float
    runs: list[tuple[float, float, float, str]] = field(default_factory=list)  # baseline, x, size, text
    pictures: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)  # name, box
    body_size: float = 0.0


def _page_height(page) -> float:
    box = page.mediabox
    return float(box.top)


def _page_sections(
    page, number: int, headings: tuple[str, ...], layout: _PageLayout
) -> tuple[list[Section], tuple[str, ...]]:
    """A heading carries over to the next page until another one starts (text flows across pages).

    The same pass records where text runs and pictures are drawn, for finding figure captions.
    """
    sizes: dict[str, float] = {}
    chars_by_size: Counter[float] = Counter()

    def visit(text: str, cm, tm, font_dict, font_size: float) -> None:
        size = round(abs(font_size * (tm[3] or 1) * (cm[3] or 1)), 1)
        stripped = " ".join(text.split())
        if stripped:
            sizes[stripped] = max(size, sizes.get(stripped, 0.0))
            chars_by_size[size] += len(stripped)
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            layout.runs.append((layout.height - y, x, size, stripped))

    def operator(operator: bytes, operands, cm, tm) -> None:
        if operator == b"Do" and operands:
            # An image fills the unit square of the current transformation.
            xs = (cm[4], cm[4] + cm[0], cm[4] + cm[2], cm[4] + cm[0] + cm[2])
            ys = (cm[5], cm[5] + cm[1], cm[5] + cm[3], cm[5] + cm[1] + cm[3])
            box = (min(xs), layout.height - max(ys), max(xs), layout.height - min(ys))
            layout.pictures.append((str(operands[0]), box))

    text = page.extract_text(visitor_text=visit, visitor_operand_before=operator) or ""
    body_size = chars_by_size.most_common(1)[0][0] if chars_by_size else 0.0
    layout.body_size = body_size
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


def _page_diagrams(
    page, number: int, layout: _PageLayout, headings: tuple[str, ...], *, order: int
) -> list[FoundDiagram]:
    """Pictures drawn on the page, with the caption printed just below (or above) each; their size is
    checked before pypdf decodes any pixel. A picture with neither labels nor caption (a logo, a
    decoration) is left out."""
    diagrams = []
    max_pixels = settings.GLOSSA["MAX_IMAGE_PIXELS"]
    resources = _resolved(page.get("/Resources"))
    xobjects = _resolved(resources.get("/XObject"))
    lines = _text_lines(layout)
    placed = {name for name, _ in layout.pictures}
    # Pictures drawn inside a form (not directly on the page) are read too, without a place or caption.
    unplaced = [(str(name), None) for name in xobjects if str(name) not in placed]
    for index, (name, box) in enumerate([*layout.pictures, *unplaced], start=1):
        reference = xobjects.get(name)
        if reference is None:
            continue
        xobject = reference.get_object()
        if xobject.get("/Subtype") != "/Image":
            continue
        width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
        if min(width, height) < MIN_DIAGRAM_SIDE or width * height > max_pixels:
            continue
        try:
            analysis, has_pixels = analyze_image(page.images[name].data), True
        except (DiagramError, *_READ_ERRORS):
            # One unreadable picture should not cost the teacher the rest of the document.
            logger.info("skipped an unreadable picture on a PDF page")
            analysis, has_pixels = no_picture(), False
        found = FoundDiagram(
            analysis=analysis, page=number, caption=_caption_near(box, lines) if box else "",
            headings=_headings_above(box, lines, layout.body_size, headings) if box else headings,
            bbox=tuple(round(v, 1) for v in box) if box else None, order=order + len(diagrams),
            has_pixels=has_pixels, key=f"page-{number}-{index}",
        )  # fmt: skip
        if analysis.nodes or analysis.title or analysis.text_blocks or found.caption:
            diagrams.append(found)
    return diagrams


@dataclass(frozen=True)
class _Line:
    baseline: float  # points from the top of the page
    size: float
    text: str


def _text_lines(layout: _PageLayout) -> list[_Line]:
    """Text runs on one baseline (within a point) joined left to right, top to bottom."""
    lines: list[_Line] = []
    for baseline, _x, size, text in sorted(layout.runs, key=lambda run: (round(run[0]), run[1])):
        if lines and abs(lines[-1].baseline - baseline) <= 1.0:
            last = lines[-1]
            lines[-1] = _Line(last.baseline, max(last.size, size), f"{last.text} {text}")
        else:
            lines.append(_Line(baseline, size, text))
    return lines


# A caption starts within this many points of the picture's edge (plus its own line height).
CAPTION_GAP = 24.0


def _caption_near(box: tuple[float, float, float, float], lines: list[_Line]) -> str:
    """The block of lines starting with "Figure"/"Fig." just below the picture, else just above it."""
    top, bottom = box[1], box[3]
    for index, line in enumerate(lines):
        if bottom <= line.baseline <= bottom + CAPTION_GAP + line.size and starts_like_a_caption(line.text):
            return " ".join(part.text for part in _block_from(lines, index))
    for index, line in enumerate(lines):
        if line.baseline < top and starts_like_a_caption(line.text):
            block = _block_from(lines, index)
            if top - CAPTION_GAP <= block[-1].baseline <= top:
                return " ".join(part.text for part in block)
    return ""


def _block_from(lines: list[_Line], start: int) -> list[_Line]:
    """The line at ``start`` and those that follow it closely in the same type size (one paragraph)."""
    block = [lines[start]]
    for line in lines[start + 1 :]:
        previous = block[-1]
        if abs(line.size - previous.size) > 0.5 or line.baseline - previous.baseline > 1.6 * previous.size:
            break
        block.append(line)
    return block


def _headings_above(
    box: tuple[float, float, float, float], lines: list[_Line], body_size: float, carried: tuple[str, ...]
) -> tuple[str, ...]:
    """The heading in force where the picture is drawn: the last one above it on the page, else the
    one carried over from earlier pages."""
    above = [line.text for line in lines if line.baseline <= box[1] and body_size
             and line.size >= body_size * HEADING_SIZE_RATIO and len(line.text) <= MAX_HEADING_CHARS]  # fmt: skip
    return (above[-1],) if above else carried


def _resolved(value) -> dict:
    """A dictionary entry that may be written directly or as a reference to another object."""
    return value.get_object() if value is not None else {}
