"""Draw test diagrams with Pillow: labelled boxes, containers and arrows, with known geometry.

Tests make their own pictures (no files shipped): each sketch also reports where it put every
label, so structure can be checked without OCR and OCR results can be checked against truth.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from rag.diagrams.types import TextLine

_SUPERSAMPLE = 2  # Pillow does not anti-alias: draw big, then shrink for smooth strokes
_FONT_SIZE = 32


@dataclass
class Sketch:
    """A diagram description in output pixels; ``render()`` turns it into an image."""

    size: tuple[int, int] = (1000, 700)
    title: str = ""
    boxes: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> centre
    ellipses: set[str] = field(default_factory=set)  # labels drawn in an ellipse instead of a box
    free_labels: set[str] = field(default_factory=set)  # labels drawn with no outline
    containers: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # label -> bbox
    # (source, target, style) with style "arrow" (filled head at target), "open", "line", "double"
    links: list[tuple[str, str, str]] = field(default_factory=list)
    stroke: int = 3

    def label_boxes(self) -> dict[str, tuple[float, float, float, float]]:
        """Where each label's text is drawn (tight box), in output pixels."""
        font = ImageFont.load_default(size=_FONT_SIZE)
        placed = {}
        for label, (cx, cy) in self.boxes.items():
            placed[label] = _text_box(font, label, cx, cy)
        for label, (x0, y0, x1, _) in self.containers.items():
            placed[label] = _text_box(font, label, (x0 + x1) / 2, y0 + 30)
        return placed

    def text_lines(self) -> list[TextLine]:
        """What a perfect OCR would report: one line per row of each label."""
        lines = []
        font = ImageFont.load_default(size=_FONT_SIZE)
        for label, (x0, y0, x1, y1) in self.label_boxes().items():
            rows = label.split("\n")
            row_height = (y1 - y0) / len(rows)
            for index, row in enumerate(rows):
                width = font.getlength(row)
                cx = (x0 + x1) / 2
                top = y0 + index * row_height
                lines.append(TextLine(row, (cx - width / 2, top, cx + width / 2, top + row_height), 0.99))
        return lines

    def outline(self, label: str) -> tuple[float, float, float, float]:
        """The drawn outline around a label (its box, ellipse or container)."""
        if label in self.containers:
            return self.containers[label]
        x0, y0, x1, y1 = self.label_boxes()[label]
        pad_x, pad_y = (34, 26) if label in self.ellipses else (20, 14)
        return x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y

    def render(self, *, fmt: str = "PNG", rotate: float = 0.0, mode: str = "RGB") -> bytes:
        s = _SUPERSAMPLE
        image = Image.new("RGB", (self.size[0] * s, self.size[1] * s), "white")
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=_FONT_SIZE * s)
        if self.title:
            draw.text(
                (self.size[0] * s / 2, 40 * s),
                self.title,
                font=ImageFont.load_default(size=44 * s),
                fill="black",
                anchor="mt",
            )
        for label in self.containers:
            draw.rectangle(_scaled(self.outline(label), s), outline="#333333", width=self.stroke * s)
        for label in self.boxes:
            box = _scaled(self.outline(label), s)
            if label in self.ellipses:
                draw.ellipse(box, outline="#1f3a5f", fill="#eef4fb", width=self.stroke * s)
            elif label not in self.free_labels:
                draw.rounded_rectangle(box, radius=10 * s, outline="#1f3a5f", fill="#eef4fb", width=self.stroke * s)
        for label, (x0, y0, x1, y1) in self.label_boxes().items():
            draw.multiline_text(
                ((x0 + x1) / 2 * s, (y0 + y1) / 2 * s), label, font=font, fill="#111111", anchor="mm", align="center"
            )
        for source, target, style in self.links:
            self._link(draw, source, target, style)
        image = image.resize(self.size, Image.Resampling.LANCZOS)
        if rotate:
            image = image.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
        buffer = io.BytesIO()
        image.convert(mode).save(buffer, format=fmt, **({"quality": 40} if fmt == "JPEG" else {}))
        return buffer.getvalue()

    def _link(self, draw: ImageDraw.ImageDraw, source: str, target: str, style: str) -> None:
        s = _SUPERSAMPLE
        a, b = self.outline(source), self.outline(target)
        ca, cb = ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2), ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        start, end = _border(a, cb, gap=10), _border(b, ca, gap=10)
        start, end = (start[0] * s, start[1] * s), (end[0] * s, end[1] * s)
        head = 24 * s
        length = math.dist(start, end)
        ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
        shaft_start = (start[0] + ux * head * 0.9, start[1] + uy * head * 0.9) if style == "double" else start
        shaft_end = (end[0] - ux * head * 0.9, end[1] - uy * head * 0.9) if style in ("arrow", "double") else end
        draw.line([shaft_start, shaft_end], fill="#222222", width=self.stroke * s)
        if style in ("arrow", "double"):
            _filled_head(draw, end, (ux, uy), head)
        if style == "double":
            _filled_head(draw, start, (-ux, -uy), head)
        if style == "open":
            for side in (1, -1):
                wing = (end[0] - ux * head + side * -uy * head * 0.5, end[1] - uy * head + side * ux * head * 0.5)
                draw.line([end, wing], fill="#222222", width=self.stroke * s)


def _scaled(box: tuple[float, float, float, float], s: int) -> tuple[float, float, float, float]:
    return box[0] * s, box[1] * s, box[2] * s, box[3] * s


def _text_box(font: ImageFont.FreeTypeFont, label: str, cx: float, cy: float) -> tuple[float, float, float, float]:
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    x0, y0, x1, y1 = probe.multiline_textbbox((cx, cy), label, font=font, anchor="mm", align="center")
    return float(x0), float(y0), float(x1), float(y1)


def _border(box: tuple[float, float, float, float], toward: tuple[float, float], gap: float) -> tuple[float, float]:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    dx, dy = toward[0] - cx, toward[1] - cy
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    half_w, half_h = (box[2] - box[0]) / 2 + gap, (box[3] - box[1]) / 2 + gap
    t = min(half_w / abs(ux) if ux else math.inf, half_h / abs(uy) if uy else math.inf)
    return cx + ux * t, cy + uy * t


def _filled_head(draw: ImageDraw.ImageDraw, tip: tuple[float, float], direction: tuple[float, float], size: float):
    ux, uy = direction
    base = (tip[0] - ux * size, tip[1] - uy * size)
    px, py = -uy * size / 2, ux * size / 2
    draw.polygon([tip, (base[0] + px, base[1] + py), (base[0] - px, base[1] - py)], fill="#222222")
