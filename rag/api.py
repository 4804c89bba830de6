"""What other apps (edu portal and REST API, privacy) may import from rag.

Each feature module appends its public functions here; import from ``rag.api`` only.
"""

from rag.embeddings import get_embedder
from rag.models import Chunk, DiagramGraph, IngestionJob

__all__ = ["Chunk", "DiagramGraph", "IngestionJob", "get_embedder"]
