"""What reading figures costs: seconds per real textbook figure, and OCR on a whole page at 300 dpi.

Run: .venv/bin/python benchmarks/figure_cost_bench.py [--book DIR]
     (default book: ../shared/realtext/anatomy/materials; needs no database)

1. Each figure JPG goes through the extractor an upload goes through (decode, OCR, shapes, graph).
   The full ingestion (with redaction, embedding and the database write) is timed by
   tests/rag/ingestion/test_anatomy_figures.py (run it with -s).
2. One A4 page (text and a figure) drawn at 300 dpi, 2480 x 3508 px, the size a PDF page renders to
   at print resolution: the OCR call the diagram reader makes (``rag.diagrams.ocr.read_text``) on the
   whole page, and the diagram reader itself (which first scales a picture down to 1400 px).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from rag.diagrams import analyze_image  # noqa: E402
from rag.diagrams.ocr import read_text  # noqa: E402
from rag.extractors import extract  # noqa: E402

BOOK = ROOT.parent / "shared/realtext/anatomy/materials"
DPI = 300
A4_INCHES = (8.27, 11.69)


def page_at_300_dpi(figure: Path, paragraph: str) -> Image.Image:
    """Text in 11 pt type with a figure and its caption, as a PDF page renders at 300 dpi."""
    width, height = round(A4_INCHES[0] * DPI), round(A4_INCHES[1] * DPI)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    body = ImageFont.load_default(size=round(11 * DPI / 72))
    y = DPI
    for line in textwrap.wrap(paragraph, 80)[:18]:
        draw.text((DPI, y), line, fill="black", font=body)
        y += round(15 * DPI / 72)
    with Image.open(figure) as picture:
        picture = picture.convert("RGB")
        scale = (width - 2 * DPI) / picture.width
        picture = picture.resize((width - 2 * DPI, round(picture.height * scale)))
    page.paste(picture, (DPI, y + DPI // 4))
    draw.text((DPI, y + DPI // 4 + picture.height + 40), "Figure 1.1 " + figure.stem, fill="black", font=body)
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=BOOK)
    args = parser.parse_args()
    figures = sorted(args.book.glob("*.jpg"))
    read_text(np.zeros((64, 64, 3), dtype=np.uint8))  # load the OCR engine before timing

    seconds = []
    for figure in figures:
        started = time.perf_counter()
        extraction = extract(kind="image", content=figure.read_bytes())
        seconds.append(time.perf_counter() - started)
        labels = len(extraction.diagrams[0].analysis.nodes)
        print(f"{figure.name:64s} {seconds[-1]:5.2f} s  {labels:2d} labels")
    print(f"{len(figures)} figures: mean {statistics.mean(seconds):.2f} s, median {statistics.median(seconds):.2f} s, "
          f"max {max(seconds):.2f} s per figure (extraction only)")  # fmt: skip

    paragraph = " ".join(["The cell membrane is an extremely pliable structure composed of phospholipids."] * 20)
    page = page_at_300_dpi(figures[0], paragraph)
    rgb = np.asarray(page)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        lines = read_text(rgb)
        runs.append(time.perf_counter() - started)
    print(f"OCR (read_text) on one 300-dpi page {page.width}x{page.height}: "
          f"{statistics.median(runs):.2f} s (median of 3), {len(lines)} lines read")  # fmt: skip
    started = time.perf_counter()
    analysis = analyze_image(page)
    print(f"diagram reader (analyze_image, scales to 1400 px) on the same page: "
          f"{time.perf_counter() - started:.2f} s, {len(analysis.text_blocks)} text blocks")  # fmt: skip


if __name__ == "__main__":
    main()
