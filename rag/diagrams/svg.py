"""Understand an SVG diagram from its elements: text, closed shapes, lines with arrow markers.

SVG is XML from an untrusted uploader: it is parsed with defusedxml (no DTDs, entities or external
references) and refused outright when it carries active or external content (scripts, event
handlers, foreign HTML, links to other files), because the same file may later be shown in a
browser. Nothing is ever fetched, executed or rendered here.
"""

from __future__ import annotations

import math
import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from rag.diagrams.describe import describe
from rag.diagrams.graph import build_graph
from rag.diagrams.types import BBox, Connector, DiagramAnalysis, DiagramError, Point, Shape, TextLine

Matrix = tuple[float, float, float, float, float, float]  # SVG's a b c d e f
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

_REFUSED = " and was not processed for safety."
# Their children are templates (arrowhead markers, gradients, clip paths), not visible diagram parts.
_NOT_DRAWN = {
    "defs",
    "marker",
    "symbol",
    "clipPath",
    "mask",
    "pattern",
    "linearGradient",
    "radialGradient",
    "title",
    "desc",
    "metadata",
    "style",
}
_ANIMATION = {"animate", "set", "animateTransform", "animateMotion"}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
_DEFAULT_FONT_SIZE = 16.0
# Average glyph width as a share of the font size, to estimate how wide a text runs.
_GLYPH_WIDTH = 0.55


def analyze_svg(data: bytes) -> DiagramAnalysis:
    """Recover labels, arrows with direction, title, groups and reading order from SVG markup."""
    root = _parse(data)
    if _local(root.tag) != "svg":
        raise DiagramError("This file is not an SVG image (its top element is not <svg>).")
    for element in root.iter():
        _refuse_active_content(element)

    width, height, view = _canvas(root)
    reader = _Reader()
    reader.walk(root, view, {})
    _attach_loose_arrowheads(reader.connectors, reader.small_polygons)
    width = width or math.ceil(max((b[2] for b in reader.extents), default=0))
    height = height or math.ceil(max((b[3] for b in reader.extents), default=0))
    analysis = build_graph(
        lines=reader.lines, shapes=reader.shapes, connectors=reader.connectors, width=width, height=height
    )
    analysis.description = describe(analysis)
    return analysis


def _parse(data: bytes) -> Element:
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden as exc:
        raise DiagramError(
            "This SVG contains a document type declaration (DOCTYPE)"
            + _REFUSED
            + " Export it again as plain SVG without a DOCTYPE."
        ) from exc
    except EntitiesForbidden as exc:
        raise DiagramError("This SVG contains XML entity declarations" + _REFUSED) from exc
    except ExternalReferenceForbidden as exc:
        raise DiagramError("This SVG refers to external files" + _REFUSED) from exc
    except (ParseError, ValueError) as exc:
        raise DiagramError("This file is not a readable SVG (the XML is malformed or truncated).") from exc


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _refuse_active_content(element: Element) -> None:
    tag = _local(element.tag)
    if tag == "script":
        raise DiagramError("This SVG contains a script" + _REFUSED)
    if tag == "foreignObject":
        raise DiagramError("This SVG embeds foreign (HTML) content" + _REFUSED)
    if tag == "style" and _has_external_reference(element.text or ""):
        raise DiagramError("This SVG's styles load external files" + _REFUSED)
    for raw_name, value in element.attrib.items():
        name = _local(raw_name)
        if name.lower().startswith("on"):
            raise DiagramError(f"This SVG contains an event handler ({name})" + _REFUSED)
        if name == "href" and not value.strip().startswith("#"):
            raise DiagramError("This SVG links to an external resource" + _REFUSED)
        if tag in _ANIMATION and name == "attributeName" and _local(value) == "href":
            raise DiagramError("This SVG changes a link with an animation" + _REFUSED)
        if "javascript:" in value.lower().replace(" ", "") or _has_external_reference(value):
            raise DiagramError("This SVG refers to an external resource or script" + _REFUSED)


def _has_external_reference(css: str) -> bool:
    """``url(#arrow)`` points inside the file; any other url() or @import reaches outside."""
    return "@import" in css.lower() or any(not url.strip().startswith("#") for url in _URL.findall(css))


def _numbers(value: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(value or "")]


def _length(value: str | None) -> float:
    numbers = _numbers(value)
    return numbers[0] if numbers and "%" not in (value or "") else 0.0


def _canvas(root: Element) -> tuple[int, int, Matrix]:
    """Size in output pixels and the transform from viewBox units to those pixels."""
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = _numbers(root.get("viewBox"))
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        return math.ceil(width), math.ceil(height), _IDENTITY
    scale_x = width / box[2] if width else 1.0
    scale_y = height / box[3] if height else 1.0
    view = (scale_x, 0.0, 0.0, scale_y, -box[0] * scale_x, -box[1] * scale_y)
    return math.ceil(width or box[2]), math.ceil(height or box[3]), view


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n applied to a point is ``_multiply(m, n)`` (m is the outer, parent transform)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def _transform(value: str | None) -> Matrix:
    matrix = _IDENTITY
    for name, args in re.findall(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)", value or ""):
        n = _numbers(args)
        if name == "matrix" and len(n) == 6:
            step: Matrix = tuple(n)  # type: ignore[assignment]
        elif name == "translate" and n:
            step = (1.0, 0.0, 0.0, 1.0, n[0], n[1] if len(n) > 1 else 0.0)
        elif name == "scale" and n:
            step = (n[0], 0.0, 0.0, n[1] if len(n) > 1 else n[0], 0.0, 0.0)
        elif name == "rotate" and n:
            cos, sin = math.cos(math.radians(n[0])), math.sin(math.radians(n[0]))
            cx, cy = (n[1], n[2]) if len(n) == 3 else (0.0, 0.0)
            step = (cos, sin, -sin, cos, cx - cos * cx + sin * cy, cy - sin * cx - cos * cy)
        elif name == "skewX" and n:
            step = (1.0, 0.0, math.tan(math.radians(n[0])), 1.0, 0.0, 0.0)
        elif name == "skewY" and n:
            step = (1.0, math.tan(math.radians(n[0])), 0.0, 1.0, 0.0, 0.0)
        else:
            continue
        matrix = _multiply(matrix, step)
    return matrix


def _apply(m: Matrix, point: Point) -> Point:
    x, y = point
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _bbox(m: Matrix, points: list[Point]) -> BBox:
    moved = [_apply(m, p) for p in points]
    return (min(p[0] for p in moved), min(p[1] for p in moved), max(p[0] for p in moved), max(p[1] for p in moved))


def _style(element: Element, inherited: dict[str, str]) -> dict[str, str]:
    """Presentation attributes and inline ``style`` declarations, inherited from enclosing groups."""
    style = dict(inherited)
    for name in (
        "font-size",
        "text-anchor",
        "dominant-baseline",
        "marker-start",
        "marker-end",
        "display",
        "visibility",
    ):
        if element.get(name) is not None:
            style[name] = element.get(name, "")
    for declaration in (element.get("style") or "").split(";"):
        if ":" in declaration:
            key, value = declaration.split(":", 1)
            style[key.strip()] = value.strip()
    return style


class _Reader:
    """Walks the element tree once, collecting the primitives the graph builder needs."""

    def __init__(self) -> None:
        self.lines: list[TextLine] = []
        self.shapes: list[Shape] = []
        self.connectors: list[Connector] = []
        self.small_polygons: list[BBox] = []
        self.extents: list[BBox] = []

    def walk(self, element: Element, matrix: Matrix, inherited: dict[str, str]) -> None:
        tag = _local(element.tag)
        if tag in _NOT_DRAWN:
            return
        style = _style(element, inherited)
        if style.get("display") == "none" or style.get("visibility") == "hidden":
            return
        matrix = _multiply(matrix, _transform(element.get("transform")))
        if tag == "text":
            self._text(element, matrix, style)
            return
        reader = getattr(self, f"_{tag}", None)
        if reader is not None:
            reader(element, matrix, style)
        for child in element:
            self.walk(child, matrix, style)

    def _add_shape(self, bbox: BBox) -> None:
        self.shapes.append(Shape(bbox))
        self.extents.append(bbox)

    def _add_connector(self, matrix: Matrix, points: list[Point], style: dict[str, str]) -> None:
        if len(points) < 2:
            return
        start, end = _apply(matrix, points[0]), _apply(matrix, points[-1])
        self.connectors.append(
            Connector(
                start=start,
                end=end,
                head_at_start=style.get("marker-start", "none") != "none",
                head_at_end=style.get("marker-end", "none") != "none",
            )
        )
        self.extents.append(_bbox(matrix, points))

    def _rect(self, element: Element, matrix: Matrix, style: dict[str, str]) -> None:
        x, y = _length(element.get("x")), _length(element.get("y"))
        w, h = _length(element.get("width")), _length(element.get("height"))
        if w > 0 and h > 0:
            self._add_shape(_bbox(matrix, [(x, y), (x + w, y), (x, y + h), (x + w, y + h)]))

    def _ellipse(self, element: Element, matrix: Matrix, style: dict[str, str]) -> None:
        cx, cy = _length(element.get("cx")), _length(element.get("cy"))
        rx = _length(element.get("rx") or element.get("r"))
        ry = _length(element.get("ry") or element.get("r"))
        if rx > 0 and ry > 0:
            self._add_shape(
                _bbox(matrix, [(cx - rx, cy - ry), (cx + rx, cy - ry), (cx - rx, cy + ry), (cx + rx, cy + ry)])
            )

    _circle = _ellipse

    def _polygon(self, element: Element, matrix: Matrix, style: dict[str, str]) -> None:
        self._closed_outline(matrix, _pairs(_numbers(element.get("points"))))

    def _closed_outline(self, matrix: Matrix, points: list[Point]) -> None:
        if len(points) < 3:
            return
        bbox = _bbox(matrix, points)
        if len(points) <= 4:
            self.small_polygons.append(bbox)  # might be an arrowhead drawn without a marker
        self._add_shape(bbox)

    def _line(self, element: Element, matrix: Matrix, style: dict[str, str]) -> None:
        self._add_connector(
            matrix,
            [
                (_length(element.get("x1")), _length(element.get("y1"))),
                (_length(element.get("x2")), _length(element.get("y2"))),
            ],
            style,
        )

    def _polyline(self, element: Element, matrix: Matrix, style: dict[str, str]) -> None:
        self._add_connector(matrix, _pairs(_numbers(element.get("points"))), style)

    def _path(self, element: Element, matrix: Matrix, style: dict[str, str]) -> None:
        points, closed = _path_points(element.get("d") or "")
        if closed:
            self._closed_outline(matrix, points)
        else:
            self._add_connector(matrix, points, style)

    def _text(self, element: Element, matrix: Matrix, style: dict[str, str]) -> None:
        """One TextLine per visual line: a <tspan> with its own x/y/dy starts a new line."""
        x, y = _length(element.get("x")), _length(element.get("y"))
        runs: list[tuple[float, float, str, dict[str, str]]] = [(x, y, element.text or "", style)]
        for tspan in element:
            if _local(tspan.tag) != "tspan":
                continue
            span_style = _style(tspan, style)
            size = _font_size(span_style)
            new_line = any(tspan.get(k) is not None for k in ("x", "y", "dy"))
            if new_line:
                x = _length(tspan.get("x")) if tspan.get("x") is not None else x
                y = _length(tspan.get("y")) if tspan.get("y") is not None else y
                y += _em(tspan.get("dy"), size)
                runs.append((x, y, "".join(tspan.itertext()), span_style))
            else:
                last_x, last_y, text, last_style = runs[-1]
                runs[-1] = (last_x, last_y, text + "".join(tspan.itertext()), last_style)
            if tspan.tail and tspan.tail.strip():
                last_x, last_y, text, last_style = runs[-1]
                runs[-1] = (last_x, last_y, text + tspan.tail, last_style)
        for run_x, run_y, text, run_style in runs:
            text = " ".join(text.split())
            if text:
                bbox = _text_box(matrix, run_x, run_y, text, run_style)
                self.lines.append(TextLine(text=text, bbox=bbox, score=1.0))
                self.extents.append(bbox)


def _pairs(numbers: list[float]) -> list[Point]:
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


def _font_size(style: dict[str, str]) -> float:
    return _length(style.get("font-size")) or _DEFAULT_FONT_SIZE


def _em(value: str | None, size: float) -> float:
    if not value:
        return 0.0
    number = _length(value)
    return number * size if value.strip().endswith("em") else number


def _text_box(matrix: Matrix, x: float, y: float, text: str, style: dict[str, str]) -> BBox:
    """Estimated extent of a text run from its anchor point, font size and alignment."""
    size = _font_size(style)
    width = _GLYPH_WIDTH * size * len(text)
    anchor = style.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    baseline = style.get("dominant-baseline", "")
    top = y - size / 2 if baseline in ("middle", "central") else y - 0.8 * size
    return _bbox(matrix, [(left, top), (left + width, top + size)])


def _path_points(d: str) -> tuple[list[Point], bool]:
    """The on-curve points of a path (segment ends; control points skipped) and whether it closes."""
    tokens = re.findall(r"[MmLlHhVvCcSsQqTtAaZz]|" + _NUMBER.pattern, d)
    arity = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}
    points: list[Point] = []
    x = y = start_x = start_y = 0.0
    command, closed, index = "", False, 0
    while index < len(tokens):
        if tokens[index].isalpha():
            command = tokens[index]
            index += 1
            if command in "Zz":
                x, y, closed = start_x, start_y, True
                continue
        if not command or command in "Zz":
            break
        count = arity[command.upper()]
        args = [float(t) for t in tokens[index : index + count]]
        if len(args) < count:
            break
        index += count
        relative = command.islower()
        if command.upper() == "H":
            x = args[0] + (x if relative else 0.0)
        elif command.upper() == "V":
            y = args[0] + (y if relative else 0.0)
        else:
            x, y = (args[-2] + x, args[-1] + y) if relative else (args[-2], args[-1])
        if command.upper() == "M":
            start_x, start_y = x, y
            command = "l" if relative else "L"  # further pairs after a moveto are lines
        points.append((x, y))
    return points, closed


def _attach_loose_arrowheads(connectors: list[Connector], heads: list[BBox]) -> None:
    """Arrowheads drawn as separate little triangles (not markers) still give a line its direction."""
    for index, connector in enumerate(connectors):
        longest_head = max(0.4 * math.dist(connector.start, connector.end), 1.0)
        connectors[index] = Connector(
            start=connector.start,
            end=connector.end,
            head_at_start=connector.head_at_start or _head_at(connector.start, heads, longest_head),
            head_at_end=connector.head_at_end or _head_at(connector.end, heads, longest_head),
        )


def _head_at(point: Point, heads: list[BBox], longest: float, slack: float = 3.0) -> bool:
    return any(
        math.dist(head[:2], head[2:]) <= longest
        and head[0] - slack <= point[0] <= head[2] + slack
        and head[1] - slack <= point[1] <= head[3] + slack
        for head in heads
    )
