"""Real upload files made in the test: lessons as text, Markdown, HTML, PDF, images and SVG."""

from __future__ import annotations

import io

from fpdf import FPDF
from PIL import Image

from tests.rag.diagrams.drawing import Sketch

WATER_CYCLE = Sketch(
    size=(900, 600),
    title="Water cycle",
    boxes={"Evaporation": (200, 200), "Condensation": (650, 200), "Precipitation": (420, 460)},
    links=[("Evaporation", "Condensation", "arrow"), ("Condensation", "Precipitation", "arrow")],
)

LESSON_MD = """# Photosynthesis

Plants make their own food. They use light from the Sun, water from the soil and carbon dioxide from the air.

## Where it happens

Photosynthesis happens in the chloroplasts. Chlorophyll absorbs the light energy.

## What it makes

The plant makes glucose and releases oxygen into the air.
"""


def diagram_png(sketch: Sketch = WATER_CYCLE, *, fmt: str = "PNG") -> bytes:
    return sketch.render(fmt=fmt)


def svg_diagram() -> bytes:
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200" viewBox="0 0 600 200">
  <defs><marker id="head" markerWidth="10" markerHeight="10" refX="9" refY="5" orient="auto">
    <path d="M0,0 L10,5 L0,10 z"/></marker></defs>
  <rect x="20" y="60" width="160" height="60" fill="none" stroke="black"/>
  <text x="100" y="95" text-anchor="middle" font-size="20">Caterpillar</text>
  <line x1="180" y1="90" x2="400" y2="90" stroke="black" marker-end="url(#head)"/>
  <rect x="400" y="60" width="160" height="60" fill="none" stroke="black"/>
  <text x="480" y="95" text-anchor="middle" font-size="20">Butterfly</text>
</svg>"""


def pdf_lesson(*, pages: list[tuple[str, str]], image: bytes | None = None) -> bytes:
    """One page per (heading, body); the heading in a larger bold font; ``image`` drawn on page 1."""
    pdf = FPDF()
    for number, (heading, body) in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, body)
        if image is not None and number == 1:
            pdf.image(io.BytesIO(image), x=10, y=150, w=150)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Secret lesson about volcanoes.")
    return bytes(pdf.output())


def image_pdf(image: bytes) -> bytes:
    """A 'scanned' PDF: a page with a picture and no text layer."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(image), x=10, y=20, w=180)
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


def decompression_bomb_png(side: int = 10_000) -> bytes:
    """A tiny file that would decode to ``side``² pixels (100 megapixels by default)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 1).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
