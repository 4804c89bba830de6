"""What students see of a diagram material: Glossa's own rendering, never the uploaded file.

A raster upload is decoded under the pixel limit, the boxes of text that redaction changed are
painted over, and the pixels are encoded again as a fresh PNG (no EXIF, GPS, ICC or text chunks
survive). An SVG upload is re-serialised from an allow-list of drawing elements and attributes:
no script, foreignObject, event handler, style sheet, metadata or reference outside the file; if
redaction changed any of its text, every text element is dropped and the redacted text is drawn
again at the boxes recorded at indexing time.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET
from PIL import Image, ImageDraw

from edu.api import Material
from rag.diagrams.decode import load_image
from rag.diagrams.types import DiagramError
from rag.models import DiagramGraph

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# The longest side of the picture students get; the overlay scales with it (it uses a viewBox).
MAX_SIDE = 2400
PAINT = (236, 236, 236)
PAINT_MARGIN = 3

_DRAWN = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "defs", "marker", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "symbol", "use",
}  # fmt: skip
_TEXT = {"text", "tspan"}
_ATTRIBUTES = {
    "id", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d", "points",
    "transform", "viewBox", "preserveAspectRatio", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
    "stroke-opacity", "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "dx", "dy",
    "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
    "orient", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "patternUnits",
    "clip-path", "mask", "clipPathUnits", "fx", "fy", "visibility", "display", "href",
}  # fmt: skip
_LOCAL_URL = re.compile(r"\s*url\(\s*['\"]?#[A-Za-z][\w.:-]*['\"]?\s*\)\s*")
_SAFE_ID = re.compile(r"^[A-Za-z][\w.:-]{0,63}$")


class RenditionUnavailable(Exception):  # noqa: N818 - a state the portal reports as "not found"
    """There is no student picture of this material (not a diagram file, not indexed, or indexed before
    text boxes were kept: indexing it again makes one)."""


@dataclass(frozen=True)
class Rendition:
    content: bytes
    content_type: str


def student_rendition(*, material: Material) -> Rendition:
    """The picture of an image or SVG material that anyone who may read the material may see."""
    if material.kind not in {Material.Kind.IMAGE, Material.Kind.SVG} or material.status != Material.Status.READY:
        raise RenditionUnavailable("This material has no picture to show.")
    diagram = DiagramGraph.objects.filter(material=material).order_by("pk").first()
    if diagram is None or diagram.text_blocks is None:
        raise RenditionUnavailable("This diagram must be indexed again before its picture can be shown.")
    if not material.file or not material.file.storage.exists(material.file.name):
        raise RenditionUnavailable("The file of this material is no longer stored.")
    with material.file.open("rb") as stored:
        content = stored.read()
    try:
        if material.kind == Material.Kind.IMAGE:
            return Rendition(render_raster(content, diagram.text_blocks), "image/png")
        return Rendition(render_svg(content, diagram.text_blocks), "image/svg+xml")
    except (DiagramError, SafeET.ParseError, ValueError) as error:
        raise RenditionUnavailable("This picture could not be rendered.") from error


def render_raster(content: bytes, text_blocks: list[dict]) -> bytes:
    """Decode (pixel limit, EXIF orientation), paint over redacted text, encode a metadata-free PNG."""
    image = load_image(content)  # RGB, upright: the coordinates OCR boxes are in
    draw = ImageDraw.Draw(image)
    for box in _redacted_boxes(text_blocks):
        x0, y0, x1, y1 = box
        draw.rectangle(
            (x0 - PAINT_MARGIN, y0 - PAINT_MARGIN, x1 + PAINT_MARGIN, y1 + PAINT_MARGIN), fill=PAINT, outline=PAINT
        )
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    fresh = Image.frombytes("RGB", image.size, image.tobytes())  # pixels only: no info, EXIF or ICC profile
    output = io.BytesIO()
    fresh.save(output, format="PNG", optimize=False)
    return output.getvalue()


def render_svg(content: bytes, text_blocks: list[dict]) -> bytes:
    """An allow-listed copy of the drawing; redacted text redrawn from the indexed (redacted) blocks."""
    source = SafeET.fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    if _local(source.tag) != "svg":
        raise ValueError("not an SVG document")
    redraw_text = any(block.get("redacted") for block in text_blocks)
    drawing = _copy(source, keep_text=not redraw_text)
    if not redraw_text:
        return _serialise(drawing)
    width, height = _canvas_size(source, text_blocks)
    root = Element("svg", {"width": _number(width), "height": _number(height),
                                        "viewBox": f"0 0 {_number(width)} {_number(height)}"})  # fmt: skip
    # The original drawing maps its own viewBox onto the canvas, as it did in the upload.
    drawing.set("x", "0")
    drawing.set("y", "0")
    drawing.set("width", _number(width))
    drawing.set("height", _number(height))
    root.append(drawing)
    layer = SubElement(root, "g", {"font-family": "sans-serif", "fill": "#1f2933"})
    for block in text_blocks:
        x0, y0, x1, y1 = block["bbox"]
        size = max(6.0, (y1 - y0) * 0.8)
        text = SubElement(layer, "text", {"x": _number(x0), "y": _number(y1 - (y1 - y0) * 0.2),
                                                       "font-size": _number(size)})  # fmt: skip
        text.text = str(block.get("text", ""))
    return _serialise(root)


def _redacted_boxes(text_blocks: list[dict]) -> list[tuple[float, float, float, float]]:
    return [tuple(block["bbox"]) for block in text_blocks if block.get("redacted") and len(block.get("bbox", ())) == 4]


def _copy(element: Element, *, keep_text: bool) -> Element:
    name = _local(element.tag)
    copy = Element(name, _safe_attributes(element))
    if name in _TEXT and keep_text:
        copy.text = element.text
    for child in element:
        child_name = _local(child.tag)
        if child_name not in _DRAWN or (child_name in _TEXT and not keep_text):
            continue
        child_copy = _copy(child, keep_text=keep_text)
        if name in _TEXT and keep_text:
            child_copy.tail = child.tail
        copy.append(child_copy)
    return copy


def _safe_attributes(element: Element) -> dict[str, str]:
    attributes = {}
    for key, value in element.attrib.items():
        namespace, local = _split(key)
        if namespace not in ("", XLINK_NS) or local not in _ATTRIBUTES or local.lower().startswith("on"):
            continue
        if local == "id" and not _SAFE_ID.match(value):
            continue
        if local == "href":
            if not re.fullmatch(r"#[A-Za-z][\w.:-]*", value.strip()):
                continue  # only references to elements of the same drawing
            attributes["href"] = value.strip()
            continue
        if _safe_value(value):
            attributes[local] = value
    # Inline CSS becomes presentation attributes (style sheets and the style attribute are not kept).
    for declaration in element.get("style", "").split(";"):
        name, _, value = (part.strip() for part in declaration.partition(":"))
        if name in _ATTRIBUTES and name not in {"id", "href"} and name not in attributes and _safe_value(value):
            attributes[name] = value
    return attributes


def _safe_value(value: str) -> bool:
    lowered = value.lower()
    if "url(" in lowered and not _LOCAL_URL.fullmatch(value):
        return False  # only references to gradients, markers and clips of the same drawing
    return not any(marker in lowered for marker in ("javascript:", "data:", "expression(", "@import", "\\"))


def _canvas_size(source: Element, text_blocks: list[dict]) -> tuple[float, float]:
    width, height = _length(source.get("width")), _length(source.get("height"))
    view = [float(n) for n in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", source.get("viewBox", ""))]
    if len(view) == 4:
        width, height = width or view[2], height or view[3]
    width = width or max((block["bbox"][2] for block in text_blocks), default=100)
    height = height or max((block["bbox"][3] for block in text_blocks), default=100)
    return width, height


def _length(value: str | None) -> float:
    match = re.match(r"\s*([0-9.]+)\s*(px)?\s*$", value or "")
    return float(match.group(1)) if match else 0.0


def _number(value: float) -> str:
    return f"{value:g}"


def _serialise(root: Element) -> bytes:
    """Plain SVG markup: un-prefixed names, one namespace declaration (nothing of the source's)."""
    root.set("xmlns", SVG_NS)
    return tostring(root, encoding="utf-8", xml_declaration=True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _split(key: str) -> tuple[str, str]:
    if key.startswith("{"):
        namespace, _, local = key[1:].partition("}")
        return namespace, local
    return "", key
