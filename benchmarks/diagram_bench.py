"""Diagram understanding benchmark: labels and arrows recovered from box-and-arrow diagrams.

Usage: .venv/bin/python benchmarks/diagram_bench.py [FOLDER]

FOLDER holds NAME.png (or .jpg/.webp) with NAME.json ground truth ({"title", "nodes": [{"label"}],
"edges": [[from, to], ...]}); it defaults to the shared development samples. Every diagram is
also measured in noisy variants generated here (rotated +-3 degrees, blurred, low contrast, JPEG
quality 30, uneven lighting with noise, half size). Reports label precision/recall (normalised
text), directed-edge precision/recall/F1 and seconds per diagram, per diagram and in total, and
writes benchmarks/results/diagram_bench.json.
The analysis is pure (no database), so nothing touches the dev database.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
# Measured as served: with DEBUG on, Django keeps and formats the text of every SQL query.
os.environ.setdefault("DJANGO_DEBUG", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from PIL import Image, ImageEnhance, ImageFilter  # noqa: E402

from rag.diagrams import DiagramAnalysis, analyze_image  # noqa: E402
from rag.diagrams.ocr import read_text  # noqa: E402

DEFAULT_FOLDER = Path("/work/shared/samples/diagrams")
RESULTS = Path(__file__).resolve().parent / "results" / "diagram_bench.json"


def _rotate(degrees: float) -> Callable[[Image.Image], Image.Image]:
    return lambda image: image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")


def _jpeg(image: Image.Image) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=30)
    return Image.open(io.BytesIO(buffer.getvalue()))


def _uneven_light(image: Image.Image) -> Image.Image:
    """A phone photo of a printout: light falling off towards one corner, plus sensor noise."""
    width, height = image.size
    xs, ys = np.meshgrid(np.linspace(0, 1, width), np.linspace(0, 1, height))
    light = 1.0 - 0.5 * (0.6 * xs + 0.4 * ys)
    noise = np.random.default_rng(7).normal(0, 6, (height, width, 1))
    pixels = np.asarray(image, dtype=np.float32) * light[..., None] + noise
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _half_size(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)


VARIANTS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "clean": lambda image: image,
    "rotate+3": _rotate(3),
    "rotate-3": _rotate(-3),
    "blur": lambda image: image.filter(ImageFilter.GaussianBlur(1.5)),
    "low_contrast": lambda image: ImageEnhance.Contrast(image).enhance(0.3),
    "jpeg_q30": _jpeg,
    # beyond the list: harder inputs seen in real uploads
    "uneven_light": _uneven_light,
    "half_size": _half_size,
}


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def score(analysis: DiagramAnalysis, truth: dict) -> dict:
    true_labels = {normalise(node["label"]) for node in truth["nodes"]}
    found_labels = [normalise(node.label) for node in analysis.nodes]
    labels = {node.id: normalise(node.label) for node in analysis.nodes}
    true_edges = {(normalise(a), normalise(b)) for a, b in truth["edges"]}
    found_edges = []
    for edge in analysis.edges:
        pair = (labels[edge.source], labels[edge.target])
        # an undirected line does not say which way it goes, so it cannot match a directed truth edge
        found_edges.append(pair if edge.directed else (*pair, "undirected"))
    edge_hits = sum(1 for pair in set(found_edges) if pair in true_edges)
    return {
        "label_tp": sum(1 for label in set(found_labels) if label in true_labels),
        "label_found": len(found_labels),
        "label_true": len(true_labels),
        "edge_tp": edge_hits,
        "edge_found": len(found_edges),
        "edge_true": len(true_edges),
        "title_ok": normalise(analysis.title) == normalise(truth.get("title", "")),
    }


def ratios(row: dict) -> dict:
    def safe(a: float, b: float) -> float:
        return a / b if b else 1.0

    edge_p, edge_r = safe(row["edge_tp"], row["edge_found"]), safe(row["edge_tp"], row["edge_true"])
    return {
        "label_precision": safe(row["label_tp"], row["label_found"]),
        "label_recall": safe(row["label_tp"], row["label_true"]),
        "edge_precision": edge_p,
        "edge_recall": edge_r,
        "edge_f1": safe(2 * edge_p * edge_r, edge_p + edge_r),
    }


def total(rows: list[dict]) -> dict:
    keys = ("label_tp", "label_found", "label_true", "edge_tp", "edge_found", "edge_true")
    summed = {key: sum(row[key] for row in rows) for key in keys}
    return {
        **ratios(summed),
        "title_accuracy": sum(row["title_ok"] for row in rows) / len(rows),
        "seconds_per_diagram": sum(row["seconds"] for row in rows) / len(rows),
        "diagrams": len(rows),
    }


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    samples = sorted(p for p in folder.glob("*") if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"})
    samples = [p for p in samples if p.with_suffix(".json").exists()]
    if not samples:
        sys.exit(f"No diagrams with ground truth (NAME.png + NAME.json) in {folder}")

    started = time.perf_counter()
    read_text(np.full((64, 64, 3), 255, dtype=np.uint8))  # load the OCR engine once
    engine_load = time.perf_counter() - started

    rows = []
    for path in samples:
        truth = json.loads(path.with_suffix(".json").read_text())
        original = Image.open(path)
        original.load()
        for variant, transform in VARIANTS.items():
            image = transform(original.convert("RGB"))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            started = time.perf_counter()
            analysis = analyze_image(buffer.getvalue())
            seconds = time.perf_counter() - started
            row = {"diagram": path.stem, "variant": variant, "seconds": seconds, **score(analysis, truth)}
            rows.append(row | ratios(row))

    header = f"{'diagram':<20}{'variant':<14}{'lab P':>7}{'lab R':>7}{'edge P':>8}{'edge R':>8}{'edge F1':>8}"
    header += f"{'title':>7}{'sec':>7}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['diagram']:<20}{row['variant']:<14}{row['label_precision']:>7.2f}{row['label_recall']:>7.2f}"
            f"{row['edge_precision']:>8.2f}{row['edge_recall']:>8.2f}{row['edge_f1']:>8.2f}"
            f"{'ok' if row['title_ok'] else 'miss':>7}{row['seconds']:>7.2f}"
        )
    print("-" * len(header))
    summary = {variant: total([r for r in rows if r["variant"] == variant]) for variant in VARIANTS}
    summary["all"] = total(rows)
    for name, agg in summary.items():
        print(
            f"{'TOTAL':<20}{name:<14}{agg['label_precision']:>7.2f}{agg['label_recall']:>7.2f}"
            f"{agg['edge_precision']:>8.2f}{agg['edge_recall']:>8.2f}{agg['edge_f1']:>8.2f}"
            f"{agg['title_accuracy']:>7.2f}{agg['seconds_per_diagram']:>7.2f}"
        )
    print(f"OCR engine load: {engine_load:.2f} s (once per process); CPU cores: {os.cpu_count()}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"folder": str(folder), "engine_load_seconds": engine_load, "summary": summary, "rows": rows}, indent=2
        )
    )
    print(f"Wrote {RESULTS}")


if __name__ == "__main__":
    main()
