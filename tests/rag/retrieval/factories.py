"""Chunks with hand-made unit vectors, for retrieval tests that exercise SQL and ranking, not the model."""

from __future__ import annotations

import factory
import numpy as np

from rag.models import EMBEDDING_DIMENSIONS, Chunk, DiagramGraph
from tests.factories import CourseFactory, MaterialFactory


def unit(*weights: float, seed: int | None = None, noise: float = 0.0) -> np.ndarray:
    """A unit vector with ``weights`` on the first axes (plus seeded noise): nearness is easy to design."""
    vector = np.zeros(EMBEDDING_DIMENSIONS, dtype=np.float32)
    vector[: len(weights)] = weights
    if noise:
        vector += noise * np.random.default_rng(seed).standard_normal(EMBEDDING_DIMENSIONS).astype(np.float32)
    return vector / np.linalg.norm(vector)


class ChunkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chunk

    course = factory.SubFactory(CourseFactory)
    material = factory.SubFactory(
        MaterialFactory,
        course=factory.SelfAttribute("..course"),
        content=factory.Sequence(lambda n: f"retrieval test material {n}".encode()),  # distinct sha256
    )
    ordinal = factory.Sequence(lambda n: n)
    heading = ""
    text = "Plants make food from light."
    embedding = factory.LazyFunction(lambda: unit(1.0))
    embedding_model = "hand-made"


class DiagramGraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiagramGraph

    material = factory.SubFactory(MaterialFactory)
    title = "Water cycle"
    width = 800
    height = 600
