"""The shapes of a recovered diagram, shared by the raster and the SVG readers.

Public: DiagramNode, DiagramEdge, DiagramAnalysis, DiagramError. The underscore-free but
module-internal primitives (TextLine, Shape, Connector) are what each reader extracts before the
common graph builder (``rag.diagrams.graph``) turns them into nodes and edges.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in the original image's pixels
Point = tuple[float, float]


class DiagramError(ValueError):
    """A diagram could not be processed; the message is written for the teacher who uploaded it."""


@dataclass(frozen=True)
class DiagramNode:
    id: str
    label: str
    bbox: BBox
    score: float
    group: str = ""  # id of the container node this node is drawn inside, if any


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    directed: bool
    label: str = ""


@dataclass(frozen=True)
class TextBlock:
    """A piece of recognised text and what it turned out to be: title, node, edge_label or note.

    Notes (captions, remarks written beside the drawing) are not part of the graph, so ``describe``
    leaves them out; indexing adds them to the diagram's text.
    """

    text: str
    bbox: BBox
    score: float
    role: str
    redacted: bool = False  # redaction changed this text: its region is painted over in what students see


@dataclass
class DiagramAnalysis:
    title: str
    width: int
    height: int
    nodes: list[DiagramNode]
    edges: list[DiagramEdge]
    text_blocks: list[TextBlock] = field(default_factory=list)
    description: str = ""

    def to_dict(self) -> dict:
        """Exactly the fields of ``rag.models.DiagramGraph``, so it can be stored with ``**to_dict()``."""
        return {
            "title": self.title,
            "width": self.width,
            "height": self.height,
            "nodes": [_rounded(asdict(node)) for node in self.nodes],
            "edges": [asdict(edge) for edge in self.edges],
            "description": self.description,
        }

    def node_label(self, node_id: str) -> str:
        return next(node.label for node in self.nodes if node.id == node_id)


def _rounded(node: dict) -> dict:
    node["bbox"] = [round(value) for value in node["bbox"]]
    node["score"] = round(node["score"], 3)
    return node


@dataclass(frozen=True)
class TextLine:
    """One line of text as read by OCR or from an SVG ``<text>``; ``height`` approximates font size."""

    text: str
    bbox: BBox
    score: float
    # A leader line (the thin stroke from a label to what it names) ends at the line's left or right side.
    # Two stacked lines that each have one are two labels, however close they sit.
    leader: bool = False

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@dataclass(frozen=True)
class Shape:
    """A closed outline (box, ellipse, polygon) that may hold a node's label or contain other nodes."""

    bbox: BBox


@dataclass(frozen=True)
class Connector:
    """A line between two points; ``head_at_start``/``head_at_end`` say where arrowheads were seen."""

    start: Point
    end: Point
    head_at_start: bool
    head_at_end: bool
    # The way the line runs as it reaches each end (unit vectors), when it was traced from pixels: an arrow points
    # at the label it ends at; a stroke that only passes beside a label does not.
    leaving_start: Point | None = None
    leaving_end: Point | None = None
