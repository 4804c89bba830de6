"""Pictures with no readable labels, drawn in the test: what a teacher's photo looks like to OCR."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def star_trails(*, size: tuple[int, int] = (640, 480), fmt: str = "JPEG") -> bytes:
    """A night sky with star trails circling the pole above a dark hill: arcs and dots, no words."""
    image = Image.new("RGB", size, (12, 18, 40))
    draw = ImageDraw.Draw(image)
    pole = (size[0] * 0.55, size[1] * 0.35)
    for ring in range(8, 360, 23):
        start = (ring * 37) % 360
        box = (pole[0] - ring, pole[1] - ring, pole[0] + ring, pole[1] + ring)
        draw.arc(box, start, start + 70 + ring % 50, fill=(200, 205, 230), width=2)
    draw.polygon([(0, size[1]), (0, size[1] * 0.8), (size[0] * 0.4, size[1] * 0.7), (size[0], size[1] * 0.85),
                  (size[0], size[1])], fill=(5, 8, 5))  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()
