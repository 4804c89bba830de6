"""What retrieval returns: hits with provenance and a score breakdown, and the response around them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SearchHit:
    """One retrieved chunk: a passage or a diagram description, where it comes from and why it ranked."""

    chunk_id: int
    material_id: int
    material_title: str
    modality: str
    heading: str
    text: str
    page: int | None
    region: list[float] | None
    diagram_id: int | None
    score: float
    scores: dict[str, float | int | None]
    objective_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SearchResponse:
    """The redacted query (what was actually searched), the hits, and seconds spent per stage."""

    query_redacted: str
    hits: list[SearchHit]
    timings: dict[str, float]

    def to_dict(self) -> dict:
        return {
            "query_redacted": self.query_redacted,
            "hits": [hit.to_dict() for hit in self.hits],
            "timings": dict(self.timings),
        }
