"""Grounded, tailored explanations (see pipeline.py): what other modules of ``rag`` use.

- pipeline: redact, retrieve, read the image, prompt, generate, check, cite, store;
- images: an uploaded photo read like a course diagram;
- composition: the grounded answer, tailored and cited;
- types: the explanation, its sources, the clock and the errors.
"""

from rag.explainer.composition import QUOTED_INTRO
from rag.explainer.pipeline import NOT_FOUND, explain, stream_explanation
from rag.explainer.types import ExplainBusyError, ExplainError, Explanation

__all__ = ["NOT_FOUND", "QUOTED_INTRO", "ExplainBusyError", "ExplainError", "Explanation", "explain",
           "stream_explanation"]
