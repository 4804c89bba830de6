"""Text with positions, read by RapidOCR (PP-OCR ONNX weights shipped inside the package).

The engine takes a second or two to load, so each process builds it once and reuses it; a lock
keeps threads (dev server, thread pools) from sharing one inference session concurrently.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from rag.diagrams.types import TextLine
from rag.diagrams.words import Word, split_at_gaps

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
    """Lines of text in the picture, each with its axis-aligned box in the array's pixel space.

    A line is cut where its words stand a label's distance apart (the OCR's word boxes say where).
    """
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    with _lock:
        result = _get_engine()(bgr, return_word_box=True)
    if result.boxes is None or result.txts is None:
        return []
    word_results = getattr(result, "word_results", None) or [()] * len(result.txts)
    lines = []
    for quad, text, score, words in zip(result.boxes, result.txts, result.scores, word_results, strict=True):
        text = " ".join(str(text).split())
        # Arrowheads and line ends are sometimes "read" as punctuation; real labels have letters or digits.
        if score < _MIN_SCORE or not any(char.isalnum() for char in text):
            continue
        xs, ys = quad[:, 0], quad[:, 1]
        line = TextLine(
            text=text, bbox=(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), score=float(score)
        )
        lines.extend(split_at_gaps(line, _words(words)))
    return lines


def _words(words) -> list[Word]:
    """The OCR's words of a line with their horizontal extent; [] when it gave none usable."""
    found = []
    for word in words or ():
        try:
            text, _, quad = word
            xs = [float(point[0]) for point in quad]
        except (TypeError, ValueError, IndexError):
            return []
        if str(text).strip():
            found.append((str(text).strip(), min(xs), max(xs)))
    return sorted(found, key=lambda word: word[1])
