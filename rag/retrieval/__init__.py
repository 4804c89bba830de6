"""Hybrid retrieval (issue #5): vector + full-text search fused and reranked by the learner model."""

from rag.retrieval.fusion import LearnerSignals
from rag.retrieval.selectors import hybrid_search, learner_signals, search
from rag.retrieval.types import SearchHit, SearchResponse

__all__ = ["LearnerSignals", "SearchHit", "SearchResponse", "hybrid_search", "learner_signals", "search"]
