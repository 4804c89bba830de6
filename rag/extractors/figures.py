"""Figures named inside a document (HTML ``<img>``/``<figure>``, Markdown images): turned into FoundDiagrams.

A picture embedded in the document (a ``data:`` URI) is read by the diagram reader like an uploaded
picture; one the document only points at (a web address, a file name) is never fetched: its figure
is indexed from its caption and alt text alone.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass

from rag.diagrams import DiagramAnalysis, DiagramError, analyze_image, analyze_svg
from rag.extractors.types import FoundDiagram

logger = logging.getLogger(__name__)

# A smaller picture with no words about it is an icon, a bullet or a spacer, not a figure.
MIN_PICTURE_SIDE = 120

_DATA_URI = re.compile(r"^data:(image/(?:png|jpeg|jpg|webp|svg\+xml))(?:;[\w=.+-]+)*;base64,(.*)$", re.I | re.S)
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def no_picture() -> DiagramAnalysis:
    """The analysis of a figure whose pixels Glossa does not have: nothing read."""
    return DiagramAnalysis(title="", width=0, height=0, nodes=[], edges=[])


@dataclass
class FigureDraft:
    """A figure as a document parser meets it, before its picture is read."""

    src: str
    alt: str
    title: str
    caption: str
    headings: tuple[str, ...]
    section: int
    offset: int


def found_figures(drafts: list[FigureDraft]) -> list[FoundDiagram]:
    """Read embedded pictures; keep a figure when its picture or the document says something about it."""
    found = []
    for draft in drafts:
        analysis, has_pixels = _read_embedded(draft.src)
        figure = FoundDiagram(
            analysis=analysis, caption=_squash(draft.caption), alt=_squash(draft.alt), title=_squash(draft.title),
            headings=draft.headings, order=len(found), section=draft.section, offset=draft.offset,
            source=_file_name(draft.src), has_pixels=has_pixels, key=f"figure-{len(found) + 1}",
        )  # fmt: skip
        big_enough = min(analysis.width, analysis.height) >= MIN_PICTURE_SIDE
        if figure.has_words or (has_pixels and big_enough):
            found.append(figure)
    return found


def _read_embedded(src: str) -> tuple[DiagramAnalysis, bool]:
    match = _DATA_URI.match(src.strip())
    if not match:
        return no_picture(), False
    try:
        data = base64.b64decode(match.group(2), validate=False)
        analysis = analyze_svg(data) if "svg" in match.group(1).lower() else analyze_image(data)
    except (binascii.Error, ValueError, DiagramError):
        # One unreadable picture should not cost the teacher the document: its caption still counts.
        logger.info("skipped an unreadable embedded picture")
        return no_picture(), False
    return analysis, True


def _file_name(src: str) -> str:
    """A relative file name the document uses for its picture ("images/heart.png"); "" for other sources."""
    src = src.strip()
    if not src or _REMOTE.match(src) or src.startswith("//"):
        return ""
    return src.split("?")[0].split("#")[0][:255]


def _squash(text: str) -> str:
    return " ".join(text.split())
