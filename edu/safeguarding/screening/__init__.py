"""Screening of student messages and generated answers for safeguarding concerns.

``screen_text`` runs the configured screeners (the rule engine always; a local text-classification
model and an OpenAI-compatible moderation endpoint when configured) and merges their flags.
"""

from edu.safeguarding.screening.base import (
    CATEGORIES,
    DISCLOSURE_CATEGORIES,
    SEVERITIES,
    Flag,
    Screener,
    ScreeningContext,
    ScreeningResult,
    merged,
    severity_rank,
)
from edu.safeguarding.screening.engine import configured_screeners, screen_text

__all__ = [
    "CATEGORIES",
    "DISCLOSURE_CATEGORIES",
    "SEVERITIES",
    "Flag",
    "Screener",
    "ScreeningContext",
    "ScreeningResult",
    "configured_screeners",
    "merged",
    "screen_text",
    "severity_rank",
]
