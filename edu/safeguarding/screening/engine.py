"""The configured screeners and one call that runs them all."""

from __future__ import annotations

import functools
import logging

from django.conf import settings

from edu.safeguarding.screening.base import Screener, ScreenerUnavailable, ScreeningContext, ScreeningResult, merged
from edu.safeguarding.screening.classifiers import ModerationScreener, TransformersScreener
from edu.safeguarding.screening.learned import default_learned_screener
from edu.safeguarding.screening.rules import RuleScreener

logger = logging.getLogger(__name__)


@functools.cache
def _screeners(model_path: str, moderation_url: str, moderation_key: str, moderation_model: str,
               threshold: float, learned: bool, learned_threshold: float) -> tuple[Screener, ...]:
    screeners: list[Screener] = [RuleScreener()]
    if learned:
        screeners.append(default_learned_screener(learned_threshold))
    if model_path:
        screeners.append(TransformersScreener(model_path, threshold=threshold))
    if moderation_url:
        screeners.append(ModerationScreener(moderation_url, api_key=moderation_key, model=moderation_model,
                                            threshold=threshold))
    return tuple(screeners)


def configured_screeners() -> tuple[Screener, ...]:
    """The rule engine, the learned screener (GLOSSA_SAFEGUARDING_LEARNED, on by default), plus
    GLOSSA_SAFEGUARDING_MODEL and GLOSSA_SAFEGUARDING_MODERATION_URL when set."""
    config = settings.GLOSSA
    return _screeners(config.get("SAFEGUARDING_MODEL", ""), config.get("SAFEGUARDING_MODERATION_URL", ""),
                      config.get("SAFEGUARDING_MODERATION_KEY", ""), config.get("SAFEGUARDING_MODERATION_MODEL", ""),
                      float(config.get("SAFEGUARDING_MODEL_THRESHOLD", 0.5)), bool(config.get("SAFEGUARDING_LEARNED")),
                      float(config.get("SAFEGUARDING_LEARNED_THRESHOLD", 0.5)))


def screen_text(text: str, *, context: ScreeningContext | None = None,
                screeners: tuple[Screener, ...] | None = None) -> ScreeningResult:
    """Every screener's flags, merged to the most severe per category. A model screener that fails
    is logged (without the text) and skipped: the rule engine's verdict stands."""
    context = context or ScreeningContext()
    flags = []
    for screener in screeners if screeners is not None else configured_screeners():
        try:
            flags.extend(screener.screen(text, context=context))
        except ScreenerUnavailable as error:
            logger.warning("safeguarding screener %s skipped: %s", screener.name, error)
    return merged(flags)
