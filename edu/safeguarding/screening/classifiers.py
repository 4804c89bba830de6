"""Pluggable model screeners: a local transformers text classifier, or an OpenAI-compatible
moderation endpoint. Both map the model's labels onto Glossa's categories and its scores onto
severities; the rule engine always runs beside them, so a model can add flags but never hide one.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping

from edu.safeguarding.screening.base import CATEGORIES, Flag, ScreenerUnavailable, ScreeningContext

logger = logging.getLogger(__name__)

# Label names used by common moderation models and by OpenAI's moderation API, onto our categories.
DEFAULT_LABELS: dict[str, str] = {
    **{category: category for category in CATEGORIES},
    "self-harm": "self_harm", "self-harm/intent": "self_harm", "self-harm/instructions": "self_harm",
    "selfharm": "self_harm", "suicide": "self_harm",
    "abuse": "abuse", "child_abuse": "abuse", "grooming": "abuse", "sexual/minors": "abuse",
    "bullying": "bullying", "harassment": "bullying", "harassment/threatening": "violence", "insult": "bullying",
    "hate": "bullying", "hate/threatening": "violence", "toxic": "bullying",
    "violence": "violence", "violence/graphic": "violence", "threat": "violence",
    "sexual": "sexual", "sexual_explicit": "sexual", "nsfw": "sexual",
    "illicit": "harmful_request", "illicit/violent": "harmful_request", "weapons": "harmful_request",
    "drugs": "harmful_request", "dangerous": "harmful_request",
}


def severity_for(score: float, *, threshold: float) -> str | None:
    """Scores at or above the threshold are flags; the upper bands are medium and high."""
    if score < threshold:
        return None
    span = 1.0 - threshold
    if score >= threshold + span * 2 / 3:
        return "high"
    if score >= threshold + span / 3:
        return "medium"
    return "low"


def _flags_from_scores(scores: Mapping[str, float], *, labels: Mapping[str, str], threshold: float,
                       source: str) -> list[Flag]:
    flags = []
    for label, score in scores.items():
        category = labels.get(str(label).lower())
        severity = severity_for(float(score), threshold=threshold) if category else None
        if severity is not None:
            flags.append(Flag(category, severity, source=source, evidence=f"{label}:{float(score):.2f}"))
    return flags


class TransformersScreener:
    """A local sequence-classification model (any folder ``from_pretrained`` can read), loaded once.

    Multi-label models (``problem_type == "multi_label_classification"``) are read with a sigmoid
    per label, others with a softmax. Labels that map to no category (e.g. "safe") are ignored.
    """

    name = "model"

    def __init__(self, model_path: str, *, threshold: float = 0.5, labels: Mapping[str, str] | None = None,
                 max_length: int = 256) -> None:
        self.model_path = model_path
        self.threshold = threshold
        self.labels = {key.lower(): value for key, value in (labels or DEFAULT_LABELS).items()}
        self.max_length = max_length
        self._lock = threading.Lock()
        self._loaded = None

    def _load(self):
        with self._lock:
            if self._loaded is None:
                from transformers import AutoModelForSequenceClassification, AutoTokenizer

                tokenizer = AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
                model = AutoModelForSequenceClassification.from_pretrained(self.model_path, local_files_only=True)
                model.eval()
                self._loaded = (tokenizer, model)
        return self._loaded

    def scores(self, text: str) -> dict[str, float]:
        import torch

        tokenizer, model = self._load()
        encoded = tokenizer(text, return_tensors="pt", truncation=True, max_length=self.max_length)
        with torch.inference_mode():
            logits = model(**encoded).logits[0]
        multi_label = getattr(model.config, "problem_type", None) == "multi_label_classification"
        probabilities = torch.sigmoid(logits) if multi_label else torch.softmax(logits, dim=-1)
        return {model.config.id2label[index]: float(value) for index, value in enumerate(probabilities)}

    def screen(self, text: str, *, context: ScreeningContext) -> list[Flag]:
        return _flags_from_scores(self.scores(text), labels=self.labels, threshold=self.threshold, source=self.name)


class ModerationUnavailable(ScreenerUnavailable):
    """The moderation endpoint did not answer usefully (the rule engine still screened the text)."""


class ModerationScreener:
    """An OpenAI-compatible ``POST /v1/moderations`` endpoint (OpenAI, or a school's own server).

    Sends ``{"model": ..., "input": text}`` and reads ``results[0].category_scores``. The text leaves
    the process only to the URL the school configured; an unreachable endpoint raises
    ``ModerationUnavailable`` and the caller keeps the rule engine's verdict.
    """

    name = "moderation"

    def __init__(self, url: str, *, api_key: str = "", model: str = "", threshold: float = 0.5,
                 timeout: float = 5.0, labels: Mapping[str, str] | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("the moderation URL must start with http:// or https://")
        self.url = url
        self.api_key = api_key
        self.model = model
        self.threshold = threshold
        self.timeout = timeout
        self.labels = {key.lower(): value for key, value in (labels or DEFAULT_LABELS).items()}

    def scores(self, text: str) -> dict[str, float]:
        body = {"input": text, **({"model": self.model} if self.model else {})}
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                payload = json.loads(response.read())
            result = payload["results"][0]
        except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as error:
            raise ModerationUnavailable(f"moderation endpoint failed: {type(error).__name__}") from None
        scores = result.get("category_scores") or {}
        if not scores and result.get("categories"):  # some servers send only booleans
            scores = {label: 1.0 if value else 0.0 for label, value in result["categories"].items()}
        return {str(label): float(score) for label, score in scores.items()}

    def screen(self, text: str, *, context: ScreeningContext) -> list[Flag]:
        return _flags_from_scores(self.scores(text), labels=self.labels, threshold=self.threshold, source=self.name)
