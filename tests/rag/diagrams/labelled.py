"""Draw a labelled illustration as textbooks do: a drawing, and labels stacked tightly beside it, each tied to
what it names by a thin leader line. Where every label and leader is drawn is known."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from rag.diagrams.types import TextLine

FONT_SIZE = 32
LEADING = 38  # from one row's top to the next: a label's rows, and labels, stacked as tightly as books do


def labelled_drawing(labels: list[tuple[str, bool]], *, loose: str = "") -> tuple[bytes, list[TextLine]]:
    """A PNG of an organ-like outline with ``labels`` stacked at its right (rows split on "\\n"; the bool says
    whether the label has a leader line, drawn to its first row), and ``loose`` text far from everything.
    Returns the picture and what a perfect OCR would read: one line per row, at its drawn place."""
    image = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=FONT_SIZE)
    draw.ellipse((80, 120, 440, 560), outline=(40, 40, 40), width=5)
    draw.ellipse((180, 260, 320, 400), outline=(90, 90, 90), width=3)
    lines, top, left = [], 160, 620
    for label, leader in labels:
        for index, row in enumerate(label.split("\n")):
            x0, y0, x1, y1 = draw.textbbox((left, top), row, font=font)
            draw.text((left, top), row, fill="black", font=font)
            if leader and index == 0:
                middle = (y0 + y1) / 2
                draw.line((300, middle + 40, left - 10, middle), fill="black", width=2)
            lines.append(TextLine(row, (float(x0), float(y0), float(x1), float(y1)), 0.99))
            top += LEADING
        top += 8  # the space between two labels is hardly more than between two rows of one
    if loose:
        x0, y0, x1, y1 = draw.textbbox((560, 620), loose, font=font)
        draw.text((560, 620), loose, fill="black", font=font)
        lines.append(TextLine(loose, (float(x0), float(y0), float(x1), float(y1)), 0.99))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), lines
