"""What every screener speaks: categories, severities, flags and the context a message comes from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

CATEGORIES = ("self_harm", "abuse", "bullying", "violence", "sexual", "harmful_request")
SEVERITIES = ("low", "medium", "high")
# Disclosures a designated safeguarding lead must hear about; the others are refused, not reported.
DISCLOSURE_CATEGORIES = frozenset({"self_harm", "abuse", "bullying", "violence"})


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Flag:
    category: str
    severity: str
    source: str = "rules"  # which screener raised it (rules, model, moderation)
    evidence: str = ""  # the rule or label that fired; never the student's words

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_dict(self) -> dict:
        return {"category": self.category, "severity": self.severity}


@dataclass(frozen=True)
class ScreeningContext:
    """Where a text comes from: the course's subject and vocabulary make lesson words ordinary."""

    subject: str = ""
    vocabulary: tuple[str, ...] = ()  # multi-word course terms (objective titles, course title)
    speaker: str = "student"  # "student" (a message) or "tutor" (a generated answer)
    grade: int | None = None


@dataclass(frozen=True)
class ScreeningResult:
    flags: tuple[Flag, ...] = field(default_factory=tuple)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def highest(self, categories: Iterable[str] | None = None) -> Flag | None:
        wanted = set(categories) if categories is not None else set(CATEGORIES)
        candidates = [flag for flag in self.flags if flag.category in wanted]
        return max(candidates, key=lambda flag: severity_rank(flag.severity), default=None)

    def to_list(self) -> list[dict]:
        return [flag.to_dict() for flag in self.flags]


class ScreenerUnavailable(RuntimeError):
    """A model screener could not screen (no endpoint, no embedder): the rule engine's verdict stands."""


class Screener(Protocol):
    """Anything that can flag a text: the rule engine, a local classifier, a moderation endpoint."""

    name: str

    def screen(self, text: str, *, context: ScreeningContext) -> list[Flag]: ...


def merged(flags: Sequence[Flag]) -> ScreeningResult:
    """One flag per category, the most severe one, in the fixed category order."""
    best: dict[str, Flag] = {}
    for flag in flags:
        current = best.get(flag.category)
        if current is None or severity_rank(flag.severity) > severity_rank(current.severity):
            best[flag.category] = flag
    return ScreeningResult(tuple(best[category] for category in CATEGORIES if category in best))
