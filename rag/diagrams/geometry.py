"""Small bounding-box arithmetic shared by the raster reader, the SVG reader and the graph builder."""

from __future__ import annotations

import math
from collections.abc import Iterable

from rag.diagrams.types import BBox, Point


def center(bbox: BBox) -> Point:
    return (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2


def area(bbox: BBox) -> float:
    return max(0.0, bbox[2] - bbox[0]) * max(0.0, bbox[3] - bbox[1])


def intersection(a: BBox, b: BBox) -> float:
    return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def union(boxes: Iterable[BBox]) -> BBox:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def mostly_inside(inner: BBox, outer: BBox, share: float = 0.6) -> bool:
    """Whether ``inner``'s centre lies in ``outer`` and at least ``share`` of its area does too."""
    cx, cy = center(inner)
    if not (outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]):
        return False
    return intersection(inner, outer) >= share * max(area(inner), 1e-9)


def distance_to_border(point: Point, bbox: BBox) -> float:
    """Distance to the box outline: an arrow tip may stop just outside a box or poke just inside it."""
    x, y = point
    dx = max(bbox[0] - x, 0.0, x - bbox[2])
    dy = max(bbox[1] - y, 0.0, y - bbox[3])
    if dx or dy:
        return math.hypot(dx, dy)
    return min(x - bbox[0], bbox[2] - x, y - bbox[1], bbox[3] - y)


def distance_to_segment(point: Point, start: Point, end: Point) -> tuple[float, float]:
    """Distance from ``point`` to the segment, and where along it (0 at start, 1 at end) it projects."""
    sx, sy = start
    vx, vy = end[0] - sx, end[1] - sy
    length_sq = vx * vx + vy * vy
    if length_sq == 0:
        return math.dist(point, start), 0.0
    t = ((point[0] - sx) * vx + (point[1] - sy) * vy) / length_sq
    clamped = min(1.0, max(0.0, t))
    return math.dist(point, (sx + clamped * vx, sy + clamped * vy)), t
