"""Shapes and connectors recovered from pixels with classical vision (OpenCV), no learned model.

Idea: ink = pixels darker than their surroundings (an adaptive threshold copes with uneven
lighting in photos and with low contrast). Closed outlines leave enclosed holes; a hole that holds
text is a node's box, ellipse or diamond. Once text and those outlines are wiped from the ink,
what remains are the connectors; each one's two far ends are its endpoints, and the end carrying
noticeably more ink than the shaft (a filled triangle or the two barbs of an open head) is an
arrowhead.
"""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from rag.diagrams.geometry import mostly_inside
from rag.diagrams.types import BBox, Connector, Shape, TextLine

# An end counts as an arrowhead when its ink per unit length is this many times the shaft's.
_HEAD_DENSITY_RATIO = 1.3
# A leader line is probed in a strip this many text heights wide beside a label; it crosses at least this share
# of the strip's columns, and each of its strokes is at most this share of the text height thick (a bracket that
# fans out to two parts is two thin strokes, not one thick one).
_LEADER_REACH = 0.8
_LEADER_COVER = 0.7
_LEADER_THICKNESS = 0.3
# ... and meets it away from its top and bottom edges (this share of the height).
_LEADER_BAND = 0.2
# A leader may start up to this many text heights away from its label (white space between them): then it is a
# level line across the whole probe (its height drifts less than this share of the text height), which a stroke
# of the drawing that merely passes nearby, or another label's slanting leader, seldom is.
_LEADER_GAP = 2.0
_LEADER_GAP_COVER = 0.9
_LEADER_DRIFT = 0.25
# A connector holds at most this many strokes' worth of ink per unit of its length.
_LINE_INK = 4.0
# Short OCR "words" whose ink mostly belongs to a long stroke are arrowheads read as letters (">", "V").
_MAX_SPURIOUS_TEXT = 3


def ink_mask(rgb: np.ndarray) -> np.ndarray:
    """Binary mask (255 = ink) of strokes and text, robust to shading, blur and faint scans."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gray = cv2.GaussianBlur(gray, (3, 3), 0)
    block = max(15, (min(gray.shape) // 20) | 1)
    contrast = float(np.percentile(gray, 99) - np.percentile(gray, 1))
    offset = max(4.0, 0.08 * contrast)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, offset)


def stroke_width(mask: np.ndarray) -> float:
    """Typical line thickness in pixels (twice the distance from a stroke's middle to its edge)."""
    distance = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
    ridge = distance[(distance > 0) & (distance >= cv2.dilate(distance, np.ones((3, 3), np.uint8)))]
    return float(max(1.0, 2 * np.median(ridge))) if ridge.size else 1.0


def drop_spurious_text(lines: list[TextLine], mask: np.ndarray) -> list[TextLine]:
    """Remove short OCR results that are really a piece of a connector (an arrowhead read as "V")."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    kept = []
    for line in lines:
        if len(line.text.replace(" ", "")) > _MAX_SPURIOUS_TEXT:
            kept.append(line)
            continue
        x0, y0, x1, y1 = (round(v) for v in line.bbox)
        inside = labels[max(y0, 0) : y1 + 1, max(x0, 0) : x1 + 1]
        ink = inside[inside > 0]
        if ink.size == 0:
            continue
        main = int(np.bincount(ink).argmax())
        w, h = stats[main, cv2.CC_STAT_WIDTH], stats[main, cv2.CC_STAT_HEIGHT]
        if w * h <= 4 * max(1, (x1 - x0) * (y1 - y0)):
            kept.append(line)
    return kept


def mark_leaders(lines: list[TextLine], mask: np.ndarray) -> list[TextLine]:
    """The lines with ``leader`` set where a thin stroke runs up to their left or right side.

    Probed beside each line, with all text wiped first: a leader line crosses the strip next to the text
    along most of its width, as a stroke much thinner than the text is tall. A drawing that a label sits
    on fills the strip thickly instead, and white space leaves it empty.
    """
    wiped = mask.copy()
    for line in lines:
        x0, y0, x1, y1 = _pad(line.bbox, 0.15 * line.height + 1)
        wiped[y0:y1, x0:x1] = 0
    return [replace(line, leader=_leader_beside(wiped, line)) for line in lines]


def _leader_beside(wiped: np.ndarray, line: TextLine) -> bool:
    height = line.height
    pad, reach, gap = 0.15 * height + 1, max(6.0, _LEADER_REACH * height), _LEADER_GAP * height
    top, bottom = max(0, math.floor(line.bbox[1])), math.ceil(line.bbox[3])
    x0, x1 = line.bbox[0] - pad, line.bbox[2] + pad
    left = wiped[top:bottom, max(0, math.floor(x0 - gap - reach)) : max(0, math.ceil(x0))][:, ::-1]
    right = wiped[top:bottom, max(0, math.floor(x1)) : max(0, math.ceil(x1 + gap + reach))]
    for outward in (left, right):  # column 0 is the one next to the text
        strip = outward > 0
        if strip.shape[1] < 3 or strip.shape[0] < 3 or not strip.any():
            continue
        first = int(strip.any(axis=0).argmax())
        if first > gap:
            continue
        apart = first > (1 - _LEADER_COVER) * reach  # white space first: the old probe would have missed it
        probe = strip[:, first if apart else 0 : (first if apart else 0) + math.ceil(reach)]
        inked = probe.any(axis=0)
        if probe.shape[1] < 3 or inked.mean() < (_LEADER_GAP_COVER if apart else _LEADER_COVER):
            continue
        if apart and np.ptp(_ink_level(probe)[inked]) > _LEADER_DRIFT * height:
            continue
        thin = np.median(_thickest_run(probe)[inked]) <= _LEADER_THICKNESS * height
        # It meets this line, not the gap between two stacked lines (which both would otherwise claim it).
        rows = np.nonzero(probe)[0]
        level = float(np.median(rows)) / probe.shape[0]
        if thin and _LEADER_BAND <= level <= 1 - _LEADER_BAND:
            return True
    return False


def _ink_level(strip: np.ndarray) -> np.ndarray:
    """Per column, the mean row of its ink (meaningless where a column has none)."""
    counts = strip.sum(axis=0)
    return (strip * np.arange(strip.shape[0])[:, None]).sum(axis=0) / np.maximum(counts, 1)


def _thickest_run(strip: np.ndarray) -> np.ndarray:
    """Per column, the longest run of ink pixels (how thick the thickest stroke crossing it is)."""
    padded = np.pad(strip.astype(np.int8), ((1, 1), (0, 0)))
    runs = np.zeros(strip.shape[1], dtype=int)
    for column in range(strip.shape[1]):
        edges = np.flatnonzero(np.diff(padded[:, column]))
        if edges.size:
            runs[column] = int((edges[1::2] - edges[::2]).max())
    return runs


def find_shapes(mask: np.ndarray, lines: list[TextLine], stroke: float) -> list[tuple[Shape, np.ndarray]]:
    """Enclosed regions big enough to hold a label, with their contours, largest first.

    Only regions that hold text or another such region are kept: others are letter holes or the
    gaps that arrows happen to close off.
    """
    # Bridge small breaks that noise or blur leave in an outline (up to about one stroke wide).
    gap = max(3, round(stroke) | 1)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((gap, gap), np.uint8))
    contours, hierarchy = cv2.findContours(closed, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    # Big enough to hold the smallest label: letter holes (in "o", "e") are far smaller.
    min_area = min(((ln.bbox[2] - ln.bbox[0]) * ln.height for ln in lines), default=100.0)
    holes = []
    for contour, (_, _, _, parent) in zip(contours, hierarchy[0], strict=True):
        if parent < 0:
            continue
        x, y, w, h = cv2.boundingRect(contour)
        if w * h >= min_area and cv2.contourArea(contour) >= 0.4 * w * h:
            holes.append((Shape(bbox=(float(x), float(y), float(x + w), float(y + h))), contour))
    holes.sort(key=lambda hole: -(hole[0].bbox[2] - hole[0].bbox[0]) * (hole[0].bbox[3] - hole[0].bbox[1]))
    with_text = {id(hole) for hole in holes if any(mostly_inside(ln.bbox, hole[0].bbox) for ln in lines)}
    return [
        hole
        for hole in holes
        if id(hole) in with_text
        or any(id(inner) in with_text and mostly_inside(inner[0].bbox, hole[0].bbox, 0.9) for inner in holes)
    ]


def find_connectors(
    mask: np.ndarray, lines: list[TextLine], shapes: list[tuple[Shape, np.ndarray]], stroke: float
) -> list[Connector]:
    """Lines and arrows: the ink left once text and the outlines of shapes are wiped."""
    rest = mask.copy()
    for line in lines:
        pad = 0.15 * line.height + 1
        x0, y0, x1, y1 = _pad(line.bbox, pad)
        rest[y0:y1, x0:x1] = 0
    # The hole's contour runs on the outline's inner pixels: wipe a band either side of it, not the
    # inside of the shape, because a container's inside holds other nodes' arrows.
    reach = round(stroke) + 3
    outward, inward = _disc(reach), _disc(round(stroke / 2) + 2)
    for shape, contour in shapes:
        x0, y0, x1, y1 = _pad(shape.bbox, reach + 1)
        window = rest[y0:y1, x0:x1]  # a view: wiping it wipes ``rest``
        interior = np.zeros_like(window)
        cv2.drawContours(interior, [contour], -1, 255, thickness=cv2.FILLED, offset=(-x0, -y0))
        window[(cv2.dilate(interior, outward) > 0) & (cv2.erode(interior, inward) == 0)] = 0

    min_length = max(12.0, 3 * stroke, 0.015 * math.hypot(*mask.shape))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rest, connectivity=8)
    connectors = []
    for index in range(1, count):
        x, y, w, h, pixels = stats[index]
        if math.hypot(w, h) < min_length or pixels < 2 * min_length:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == index)
        points = np.column_stack((xs + x, ys + y)).astype(np.float32)
        connector = _connector(points, stroke)
        if connector is not None:
            connectors.append(connector)
    return connectors


def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def _pad(bbox: BBox, pad: float) -> tuple[int, int, int, int]:
    return (
        max(0, math.floor(bbox[0] - pad)),
        max(0, math.floor(bbox[1] - pad)),
        math.ceil(bbox[2] + pad),
        math.ceil(bbox[3] + pad),
    )


def _connector(points: np.ndarray, stroke: float) -> Connector | None:
    """Endpoints (the two hull points farthest apart) and arrowheads (ends denser than the shaft)."""
    hull = cv2.convexHull(points).reshape(-1, 2)
    if len(hull) < 2:
        return None
    gaps = np.linalg.norm(hull[:, None, :] - hull[None, :, :], axis=2)
    i, j = np.unravel_index(int(gaps.argmax()), gaps.shape)
    start, end = hull[i], hull[j]
    length = float(gaps[i, j])
    # A blob as wide as it is long (a smudge, a filled icon) is not a connector; nor is ink that is many strokes
    # thick along its length: the outline of a drawn organ that leader lines run into joins their labels with no
    # line between them (an arrow, even a short one with a large head, or a curved one, stays below this).
    if len(points) > 0.5 * length * length or len(points) > _LINE_INK * length * stroke:
        return None
    # Heads come in all sizes: compare at a small and a large radius and keep the stronger signal.
    largest = min(0.3 * length, max(12.0, 5 * stroke))
    start_gain, end_gain = 0.0, 0.0
    for radius in (largest / 2, largest):
        shaft = _shaft_density(points, start, end, radius)
        start_gain = max(start_gain, _density_at(points, start, radius) / shaft)
        end_gain = max(end_gain, _density_at(points, end, radius) / shaft)
    head_at_start = start_gain > _HEAD_DENSITY_RATIO
    head_at_end = end_gain > _HEAD_DENSITY_RATIO
    if head_at_start and head_at_end:  # a real double head is symmetric; otherwise keep the clear winner
        ratio = start_gain / end_gain
        head_at_start, head_at_end = ratio > 1 / _HEAD_DENSITY_RATIO, ratio < _HEAD_DENSITY_RATIO
    return Connector(
        start=(float(start[0]), float(start[1])),
        end=(float(end[0]), float(end[1])),
        head_at_start=bool(head_at_start),
        head_at_end=bool(head_at_end),
        leaving_start=_leaving(points, start, largest),
        leaving_end=_leaving(points, end, largest),
    )


def _leaving(points: np.ndarray, at: np.ndarray, radius: float) -> tuple[float, float] | None:
    """The way the line runs out through its end ``at``: from the middle of the ink near it to the end."""
    way = at - points[np.linalg.norm(points - at, axis=1) <= radius].mean(axis=0)
    norm = float(np.linalg.norm(way))
    return (float(way[0] / norm), float(way[1] / norm)) if norm else None


def _density_at(points: np.ndarray, at: np.ndarray, radius: float) -> float:
    """Ink per unit length within ``radius`` of a line end."""
    return float(np.count_nonzero(np.linalg.norm(points - at, axis=1) <= radius)) / radius


def _shaft_density(points: np.ndarray, start: np.ndarray, end: np.ndarray, radius: float) -> float:
    """Ink per unit length around the middle of the connector, where only the shaft runs."""
    axis = end - start
    t = (points - start) @ axis / float(axis @ axis)
    middle = points[int(np.abs(t - 0.5).argmin())]
    return float(np.count_nonzero(np.linalg.norm(points - middle, axis=1) <= radius)) / (2 * radius)
