"""Text with positions, read by RapidOCR (PP-OCR ONNX weights shipped inside the package).

The engine takes a second or two to load, so each process builds it once and reuses it; a lock
keeps threads (dev server, thread pools) from sharing one inference session concurrently.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from rag.diagrams.types import TextLine

# RapidOCR's default; below it the recognised strings are mostly noise.
_MIN_SCORE = 0.5

_lock = threading.Lock()
_engine = None


def _get_engine():
    global _engine
    if _engine is None:
        import torch
        from rapidocr import RapidOCR  # heavy import, only when a diagram is actually read

        # As many inference threads as torch has: a worker pool process gets its share of the
        # cores (edu/celery.py), where onnxruntime by default would take every core in each process.
        threads = {"EngineConfig.onnxruntime.intra_op_num_threads": torch.get_num_threads()}
        _engine = RapidOCR(params={"Global.log_level": "error", **threads})
        # A picture without text is normal here, not worth RapidOCR's warning on every such upload.
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _engine


def read_text(rgb: np.ndarray) -> list[TextLine]:
    """Lines of text in the picture, each with its axis-aligned box in the array's pixel space."""
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    with _lock:
        result = _get_engine()(bgr)
    if result.boxes is None or result.txts is None:
        return []
    lines = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
        text = " ".join(str(text).split())
        # Arrowheads and line ends are sometimes "read" as punctuation; real labels have letters or digits.
        if score < _MIN_SCORE or not any(char.isalnum() for char in text):
            continue
        xs, ys = quad[:, 0], quad[:, 1]
        lines.append(
            TextLine(
                text=text, bbox=(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), score=float(score)
            )
        )
    return lines
