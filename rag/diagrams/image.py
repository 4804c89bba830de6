"""Understand a raster diagram (PNG, JPEG, WebP, ...): OCR text + shapes + arrows -> graph."""

from __future__ import annotations

import dataclasses

import numpy as np
from PIL import Image

from rag.diagrams import vision
from rag.diagrams.decode import load_image
from rag.diagrams.describe import describe
from rag.diagrams.graph import build_graph
from rag.diagrams.ocr import read_text
from rag.diagrams.types import BBox, DiagramAnalysis, Shape, TextLine
from rag.diagrams.words import clean_lines

# Work at a size where OCR is accurate and quick: big photos are shrunk, thumbnails enlarged.
# (Measured: RapidOCR finds 20 px text at 1400 px but misses it at 2000 px, and takes 3x as long.)
_MAX_SIDE = 1400
_MIN_SIDE = 900
_MAX_UPSCALE = 3.0


def analyze_image(data: bytes | Image.Image) -> DiagramAnalysis:
    """Recover labels, arrows with direction, title, groups and reading order from a picture.

    Coordinates in the result are in the original image's pixels, whatever size was processed.
    """
    image = load_image(data)
    width, height = image.size
    scale = _processing_scale(width, height)
    if scale != 1.0:
        image = image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS)
    rgb = np.asarray(image)

    mask = vision.ink_mask(rgb)
    lines = vision.mark_leaders(vision.drop_spurious_text(clean_lines(read_text(rgb)), mask), mask)
    stroke = vision.stroke_width(mask)
    shapes = vision.find_shapes(mask, lines, stroke)
    connectors = vision.find_connectors(mask, lines, shapes, stroke)

    analysis = build_graph(
        lines=[TextLine(ln.text, _unscale(ln.bbox, scale), ln.score, ln.leader) for ln in lines],
        shapes=[Shape(_unscale(shape.bbox, scale)) for shape, _ in shapes],
        connectors=[
            dataclasses.replace(c, start=(c.start[0] / scale, c.start[1] / scale),
                                end=(c.end[0] / scale, c.end[1] / scale))
            for c in connectors
        ],
        width=width,
        height=height,
    )
    analysis.description = describe(analysis)
    return analysis


def _processing_scale(width: int, height: int) -> float:
    longest = max(width, height)
    if longest > _MAX_SIDE:
        return _MAX_SIDE / longest
    if longest < _MIN_SIDE:
        return min(_MAX_UPSCALE, _MIN_SIDE / longest)
    return 1.0


def _unscale(bbox: BBox, scale: float) -> BBox:
    return (bbox[0] / scale, bbox[1] / scale, bbox[2] / scale, bbox[3] / scale)
