"""How the vector and full-text rankings are fused, then nudged by the learner model.

The formula runs inside the search statement (``rag.retrieval.queries``), so only the ``k``
chunks kept ever leave the database; this module holds its constants and turns what the learner
model knows into the statement's parameters.

Reciprocal rank fusion (Cormack et al., 2009) uses ranks only, so cosine distances and
ts_rank_cd values, which live on unrelated scales, never need calibrating against each other.
A chunk scores the sum over branches of 1/(RRF_K + rank), normalised so that a chunk ranked
first by both branches scores 1.0.

The learner-model terms are deliberately small next to relevance: at most ``MASTERY_WEIGHT``
for material covering an objective the learner has not mastered (1 - the lowest mastery among
the material's objectives the learner model knows), and at most ``READING_WEIGHT`` taken off for
text far from the learner's reading level (in proportion to the distance, full at
``READING_SPAN`` grades). A chunk ranked first by one branch only scores 0.5, 5th by one branch
only about 0.47, and 5th by both about 0.94, so these terms reorder near-ties (mastery up to
about four single-branch ranks, reading level about one) and never lift an irrelevant chunk over
a relevant one. The reading term is the smaller because it varies between every two chunks: at
0.03 it pushed a keyword query's only full-text match out of the top 5 on the labeled set
(``manage.py eval_retrieval``). Ties keep the vector branch's order.

A question that asks for a figure, diagram, picture or chart ("Which diagram shows ...?") lifts diagram chunks by
``DIAGRAM_WEIGHT``, as much as mastery: it reorders near-ties in the figure's favour. More did not help and
hurt: at 0.2 irrelevant diagrams took the slots of the passage that explains the figure (labeled set, diagram
recall@5 1.00 -> 0.68), while the real textbook's figures are found by their titles and captions anyway
(``make bench-figures``). And no material takes more than
``PER_MATERIAL`` of the ``k`` slots while another material has a candidate left (the slots fill from the
rest only when the candidates run out): one long section would otherwise fill every slot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RRF_K = 60
MASTERY_WEIGHT = 0.03
READING_WEIGHT = 0.01
# Reading-level distance (in Flesch-Kincaid grades) at which the reading penalty is full.
READING_SPAN = 6.0
DIAGRAM_WEIGHT = 0.03
PER_MATERIAL = 2


@dataclass(frozen=True)
class LearnerSignals:
    """What the reranker knows about the learner: mastery per objective and reading level."""

    p_known: Mapping[int, float]
    reading_level: float | None


def fusion_params(learner: LearnerSignals | None, *, wants_diagram: bool = False) -> dict:
    """The search statement's fusion parameters; without a learner the order is pure fusion (diversified)."""
    p_known = learner.p_known if learner is not None else {}
    return {
        "rrf_k": RRF_K,
        "mastery_weight": MASTERY_WEIGHT,
        "reading_weight": READING_WEIGHT,
        "reading_span": READING_SPAN,
        "known_objectives": list(p_known),
        "p_known": [float(p) for p in p_known.values()],
        "reading_level": learner.reading_level if learner is not None else None,
        "diagram_weight": DIAGRAM_WEIGHT if wants_diagram else 0.0,
        "per_material": PER_MATERIAL,
    }
