"""What an explanation is made of: the result, the passages offered to the model, an uploaded image's
reading, the stage clock and the errors a learner may be shown."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rag.diagrams import DiagramAnalysis
from rag.models import DiagramGraph


class ExplainError(Exception):
    """The explanation cannot be given; the message is safe to show and contains no personal data."""


class ExplainBusyError(ExplainError):
    """Too many explanations are being generated right now; asking again shortly will work."""


@dataclass
class Explanation:
    text: str  # for the owner: placeholders restored
    text_redacted: str  # what is stored
    citations: list[dict]
    grounding: dict
    diagram: dict | None
    timings: dict[str, float]
    interaction_id: int | None
    conversation_id: str
    removed_from_question: dict[str, int] = field(default_factory=dict)  # entity type -> count, told to the student

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "text_redacted": self.text_redacted,
            "citations": self.citations,
            "grounding": self.grounding,
            "diagram": self.diagram,
            "timings": self.timings,
            "interaction_id": self.interaction_id,
            "conversation_id": self.conversation_id,
            "removed_from_question": self.removed_from_question,
        }


@dataclass
class Source:
    """A course passage offered to the model, and what citing it shows the learner."""

    number: int
    text: str
    citation: dict
    diagram_id: int | None = None
    introduces: str = ""  # the asked term, when this is the passage where its material first names it


@dataclass
class ImageReading:
    analysis: DiagramAnalysis
    lines: list[str]  # "A -> B", redacted
    description: str  # redacted
    matched_diagram: DiagramGraph | None = None
    model_description: str = ""  # from a configured vision-language model, redacted

    def to_dict(self) -> dict:
        return {
            "source": "upload",
            "title": self.analysis.title,
            "nodes": len(self.analysis.nodes),
            "edges": len(self.analysis.edges),
            "lines": self.lines,
            "description": self.description,
            "model_description": self.model_description,
            "matched_diagram_id": self.matched_diagram.pk if self.matched_diagram else None,
        }


@dataclass
class Clock:
    started: float = field(default_factory=time.perf_counter)
    last: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last = self.started

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.last, 4)
        self.last = now

    def since_start(self) -> float:
        return time.perf_counter() - self.started
