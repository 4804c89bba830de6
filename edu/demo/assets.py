"""Deterministic generators for the demo course's image and PDF materials.

Why generate instead of shipping binaries: the repository stays text-only and reviewable, and
every run produces byte-identical files, so the loader's sha256 de-duplication and the tests
that OCR the diagrams see the same input every time. Only Pillow's built-in scalable font is
used (`ImageFont.load_default(size=...)`), so no font files are needed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

Point = tuple[float, float]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Drawing is done at _SCALE times the requested size and downsampled, because Pillow does not
# anti-alias lines and polygons; supersampling gives smooth arrows that OCR and people read well.
_SCALE = 2
_LABEL_SIZE = 32
_TITLE_SIZE = 44
_BOX_PAD = (28, 18)  # horizontal, vertical padding around a label
_BOX_MIN_WIDTH = 170
_BOX_RADIUS = 16
_BOX_OUTLINE = 4
_ARROW_WIDTH = 6
_ARROW_HEAD_LENGTH = 26
_ARROW_HEAD_WIDTH = 24
_ARROW_GAP = 8  # space between a box border and the arrow's start or tip

_BACKGROUND = "#ffffff"
_BOX_FILL = "#e8f1fb"
_BOX_STROKE = "#1f3a5f"
_TEXT = "#111111"
_ARROW = "#222222"

# A fixed date keeps the PDF byte-identical across runs (fpdf2 would otherwise stamp "now").
_PDF_DATE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@lru_cache(maxsize=8)
def _font(size: int) -> Font:
    return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class _Box:
    cx: float
    cy: float
    half_w: float
    half_h: float

    def border_point(self, toward: Point, gap: float = 0.0) -> Point:
        """Where the ray from the centre toward `toward` leaves the box, pushed `gap` further out."""
        dx, dy = toward[0] - self.cx, toward[1] - self.cy
        length = math.hypot(dx, dy)
        if length == 0:
            return self.cx, self.cy
        ux, uy = dx / length, dy / length
        t_x = (self.half_w + gap) / abs(ux) if ux else math.inf
        t_y = (self.half_h + gap) / abs(uy) if uy else math.inf
        t = min(t_x, t_y)
        return self.cx + ux * t, self.cy + uy * t


def _draw_arrow(draw: ImageDraw.ImageDraw, start: Point, tip: Point, s: int) -> None:
    """Thick shaft plus a filled triangular head whose point is exactly at `tip`."""
    dx, dy = tip[0] - start[0], tip[1] - start[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return
    ux, uy = dx / length, dy / length
    head_len = min(_ARROW_HEAD_LENGTH * s, length * 0.6)
    base = (tip[0] - ux * head_len, tip[1] - uy * head_len)
    # The shaft runs a little into the head so no seam shows, but never past the tip.
    shaft_end = (base[0] + ux * 2 * s, base[1] + uy * 2 * s)
    draw.line([start, shaft_end], fill=_ARROW, width=_ARROW_WIDTH * s)
    px, py = -uy, ux
    half = _ARROW_HEAD_WIDTH * s / 2
    draw.polygon(
        [tip, (base[0] + px * half, base[1] + py * half), (base[0] - px * half, base[1] - py * half)],
        fill=_ARROW,
    )


def _to_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def draw_box_diagram(
    title: str,
    nodes: dict[str, tuple[int, int]],
    edges: list[tuple[str, str]],
    size: tuple[int, int] = (1000, 750),
) -> bytes:
    """Render labelled rounded boxes joined by arrows, as PNG bytes.

    `nodes` maps each label (may contain "\\n") to its box centre in output pixels; each edge
    (source, target) becomes an arrow from the source's border to a filled arrowhead at the
    target's border. Sized for OCR: labels at 32 px and dark text on a white background.
    """
    unknown = {name for edge in edges for name in edge} - nodes.keys()
    if unknown:
        raise ValueError(f"edges refer to unknown nodes: {sorted(unknown)}")

    s = _SCALE
    width, height = size
    image = Image.new("RGB", (width * s, height * s), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    label_font = _font(_LABEL_SIZE * s)

    boxes: dict[str, _Box] = {}
    for label, (cx, cy) in nodes.items():
        left, top, right, bottom = draw.multiline_textbbox((0, 0), label, font=label_font, anchor="mm")
        box_w = max(right - left + 2 * _BOX_PAD[0] * s, _BOX_MIN_WIDTH * s)
        box_h = bottom - top + 2 * _BOX_PAD[1] * s
        boxes[label] = _Box(cx * s, cy * s, box_w / 2, box_h / 2)

    # Arrows first, so a shaft that grazes a third box passes underneath it, not over its label.
    for source, target in edges:
        a, b = boxes[source], boxes[target]
        start = a.border_point((b.cx, b.cy), gap=_ARROW_GAP * s)
        tip = b.border_point((a.cx, a.cy), gap=_ARROW_GAP * s)
        _draw_arrow(draw, start, tip, s)

    for label, box in boxes.items():
        draw.rounded_rectangle(
            (box.cx - box.half_w, box.cy - box.half_h, box.cx + box.half_w, box.cy + box.half_h),
            radius=_BOX_RADIUS * s,
            fill=_BOX_FILL,
            outline=_BOX_STROKE,
            width=_BOX_OUTLINE * s,
        )
        draw.multiline_text(
            (box.cx, box.cy), label, font=label_font, fill=_TEXT, anchor="mm", align="center", spacing=6 * s
        )

    if title:
        draw.text((width * s / 2, 28 * s), title, font=_font(_TITLE_SIZE * s), fill=_TEXT, anchor="ma")

    return _to_png(image.resize(size, Image.Resampling.LANCZOS))


def water_cycle_png() -> bytes:
    """The four stages of the water cycle as a clockwise loop."""
    return draw_box_diagram(
        "The Water Cycle",
        nodes={
            "Evaporation": (260, 580),
            "Condensation": (260, 250),
            "Precipitation": (740, 250),
            "Collection": (740, 580),
        },
        edges=[
            ("Evaporation", "Condensation"),
            ("Condensation", "Precipitation"),
            ("Precipitation", "Collection"),
            ("Collection", "Evaporation"),
        ],
    )


def rock_cycle_png() -> bytes:
    """The main path of the rock cycle, magma back to magma."""
    return draw_box_diagram(
        "The Rock Cycle",
        nodes={
            "Magma": (500, 190),
            "Igneous Rock": (790, 370),
            "Sediment": (700, 630),
            "Sedimentary Rock": (300, 630),
            "Metamorphic Rock": (210, 370),
        },
        edges=[
            ("Magma", "Igneous Rock"),
            ("Igneous Rock", "Sediment"),
            ("Sediment", "Sedimentary Rock"),
            ("Sedimentary Rock", "Metamorphic Rock"),
            ("Metamorphic Rock", "Magma"),
        ],
    )


def photosynthesis_diagram_png() -> bytes:
    """Inputs on the left, the leaf in the middle, outputs on the right (embedded in the PDF)."""
    return draw_box_diagram(
        "Photosynthesis",
        nodes={
            "Sunlight": (180, 170),
            "Water": (180, 350),
            "Carbon Dioxide": (180, 530),
            "Leaf": (520, 350),
            "Glucose": (840, 260),
            "Oxygen": (840, 440),
        },
        edges=[
            ("Sunlight", "Leaf"),
            ("Water", "Leaf"),
            ("Carbon Dioxide", "Leaf"),
            ("Leaf", "Glucose"),
            ("Leaf", "Oxygen"),
        ],
        size=(1000, 640),
    )


# The PDF uses fpdf2's core Helvetica (Latin-1 only), so the text below is plain ASCII.
_PHOTOSYNTHESIS_PAGE_1: list[tuple[str, str]] = [
    (
        "What is photosynthesis?",
        "Green plants are producers. They do not need to eat, because they make their own food. "
        'The process they use is called photosynthesis, a word that means "putting together with '
        'light". Plants, algae and some bacteria all carry out photosynthesis, and almost every '
        "food chain on Earth depends on it.",
    ),
    (
        "What does a plant need?",
        "A plant needs three things. Sunlight gives the energy. Water is taken up from the soil by "
        "the roots and carried to the leaves through tiny tubes. Carbon dioxide, a gas in the air, "
        "enters the leaf through small openings called stomata.",
    ),
    (
        "Where does it happen?",
        "Photosynthesis takes place mostly in the leaves, inside tiny parts of the cells called "
        "chloroplasts. Chloroplasts contain a green pigment called chlorophyll. Chlorophyll absorbs "
        "red and blue light and reflects green light, which is why leaves look green to us.",
    ),
    (
        "The word equation",
        "carbon dioxide + water  --(light energy)-->  glucose + oxygen\n\n"
        "Glucose is a sugar. The plant uses it for energy and to build new leaves, stems, roots, "
        "fruits and seeds. Some glucose is stored as starch. Oxygen is released into the air "
        "through the stomata, and animals, including people, breathe it in.",
    ),
]

_PHOTOSYNTHESIS_HISTORY = (
    "A discovery with light",
    'In 1771 the English scientist Joseph Priestley found that a sprig of mint could "restore" '
    "the air in a sealed jar in which a candle had burned out. In 1779 the Dutch-born scientist "
    "Jan Ingenhousz showed that plants do this only in sunlight, and only with their green parts. "
    "In the dark, plants do not give off oxygen. His experiments were an important step towards "
    "understanding photosynthesis.",
)

_PHOTOSYNTHESIS_PAGE_2_AFTER_FIGURE: list[tuple[str, str]] = [
    (
        "Why it matters",
        "Photosynthesis links the Sun to every living thing. The energy stored in glucose passes to "
        "herbivores when they eat plants, and then to carnivores when they eat herbivores. "
        "Photosynthesis also keeps the air supplied with oxygen. Tiny ocean algae called "
        "phytoplankton make about half of the oxygen produced on Earth each year.",
    ),
    (
        "Check your understanding",
        "1. Name the three things a plant needs for photosynthesis.\n"
        "2. Why are most leaves green?\n"
        "3. What did Jan Ingenhousz discover about plants and light?",
    ),
]


def _pdf_section(pdf: FPDF, heading: str, body: str) -> None:
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 6.5, body, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def photosynthesis_pdf() -> bytes:
    """A two-page lesson: text on page 1, history plus an embedded diagram on page 2."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_PDF_DATE)
    pdf.set_title("Photosynthesis: How Plants Make Food")
    pdf.set_subject("Earth Systems demo course")
    pdf.set_lang("en")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 12, "Photosynthesis: How Plants Make Food", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 12)
    pdf.cell(0, 8, "Earth Systems: Water, Rock and Life", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, body in _PHOTOSYNTHESIS_PAGE_1:
        _pdf_section(pdf, heading, body)

    pdf.add_page()
    _pdf_section(pdf, *_PHOTOSYNTHESIS_HISTORY)
    pdf.image(io.BytesIO(photosynthesis_diagram_png()), x=pdf.l_margin, w=pdf.epw)
    pdf.set_font("Helvetica", "I", 11)
    pdf.cell(
        0,
        7,
        "Figure 1. What goes into a leaf, and what comes out.",
        new_x="LMARGIN",
        new_y="NEXT",
        align="C",
    )
    pdf.ln(4)
    for heading, body in _PHOTOSYNTHESIS_PAGE_2_AFTER_FIGURE:
        _pdf_section(pdf, heading, body)

    return bytes(pdf.output())


# Names that DEMO_MATERIALS may reference as ("generated", name).
GENERATORS: dict[str, Callable[[], bytes]] = {
    "water_cycle_png": water_cycle_png,
    "rock_cycle_png": rock_cycle_png,
    "photosynthesis_pdf": photosynthesis_pdf,
}
