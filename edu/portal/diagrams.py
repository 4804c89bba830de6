"""Geometry for drawing a recovered diagram graph over its image (an SVG overlay)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OverlayNode:
    id: str
    label: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class OverlayEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    directed: bool
    label: str


@dataclass(frozen=True)
class Overlay:
    diagram_id: int
    title: str
    width: int
    height: int
    description: str
    nodes: list[OverlayNode]
    edges: list[OverlayEdge]
    caption: str = ""
    section: str = ""
    page: int | None = None
    has_pixels: bool = True
    has_labels: bool = True
    needs_description: bool = False
    teacher_description: str = ""
    screen_reader_text: str = ""  # the picture's alt text: the teacher's description first


def build_overlay(diagram) -> Overlay:
    """Node boxes and edges between box borders (not centres), so arrowheads stay visible."""
    boxes = {str(node["id"]): node["bbox"] for node in diagram.nodes if _valid_box(node.get("bbox"))}
    nodes = [
        OverlayNode(
            id=str(node["id"]),
            label=str(node.get("label", "")),
            x=box[0],
            y=box[1],
            width=box[2] - box[0],
            height=box[3] - box[1],
        )
        for node in diagram.nodes
        if (box := boxes.get(str(node["id"])))
    ]
    edges = []
    for edge in diagram.edges:
        source, target = boxes.get(str(edge.get("source"))), boxes.get(str(edge.get("target")))
        if source is None or target is None or source == target:
            continue
        start, end = _centre(source), _centre(target)
        x1, y1 = _border_point(source, start, end)
        x2, y2 = _border_point(target, end, start)
        edges.append(
            OverlayEdge(
                x1=x1, y1=y1, x2=x2, y2=y2, directed=bool(edge.get("directed", True)), label=str(edge.get("label", ""))
            )
        )
    width = diagram.width or int(max((box[2] for box in boxes.values()), default=0) + 10)
    height = diagram.height or int(max((box[3] for box in boxes.values()), default=0) + 10)
    return Overlay(
        diagram_id=diagram.pk,
        title=diagram.title,
        width=width,
        height=height,
        description=diagram.description,
        nodes=nodes,
        edges=edges,
        caption=diagram.caption,
        section=diagram.heading,
        page=diagram.page,
        has_pixels=diagram.has_pixels,
        has_labels=diagram.has_labels,
        needs_description=diagram.needs_description,
        teacher_description=diagram.teacher_description,
        screen_reader_text=diagram.screen_reader_text,
    )


def _valid_box(box: object) -> bool:
    return isinstance(box, Sequence) and len(box) == 4 and box[2] > box[0] and box[3] > box[1]


def _centre(box: Sequence[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


Point = tuple[float, float]


def _border_point(box: Sequence[float], inside: Point, towards: Point) -> Point:
    """Where the segment from the box's centre towards another point leaves the box."""
    dx, dy = towards[0] - inside[0], towards[1] - inside[1]
    half_w, half_h = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    scales = [half_w / abs(dx) if dx else float("inf"), half_h / abs(dy) if dy else float("inf")]
    scale = min(1.0, *scales)
    return round(inside[0] + dx * scale, 1), round(inside[1] + dy * scale, 1)


def highlight_box(query: Mapping[str, str]) -> dict[str, float] | None:
    """The cited region ("x0,y0,x1,y1" in the query string) as an SVG box; None when absent or malformed."""
    try:
        x0, y0, x1, y1 = (float(part) for part in query.get("region", "").split(","))
    except ValueError:
        return None
    if x1 <= x0 or y1 <= y0:
        return None
    return {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
