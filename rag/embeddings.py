"""Text embeddings: the loader lives in the learning core (``edu.api``) so that safeguarding,
a layer below rag, shares the one model per process; rag modules keep importing it from here."""

from edu.api import DEFAULT_MODEL_NAME, Embedder, EmbeddingModelError, get_embedder, resolve_model

__all__ = ["DEFAULT_MODEL_NAME", "Embedder", "EmbeddingModelError", "get_embedder", "resolve_model"]
