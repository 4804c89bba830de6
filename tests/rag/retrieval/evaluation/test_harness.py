"""The harness ingests through the real pipeline and scores every labeled question."""

from __future__ import annotations

import pytest

from rag.evaluation.dataset import generated_course
from rag.evaluation.harness import evaluate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_two_generated_topics_are_ingested_searched_and_scored():
    spec = generated_course(topics=2)  # volcanoes (with a diagram) and earthquakes

    report = evaluate([spec])

    stats = report.ingestion[spec.slug]
    assert stats["failed"] == {}
    assert stats["materials"] == 3 and stats["diagram_chunks"] >= 1
    assert len(report.results) == len(spec.queries) == 5
    for result in report.results:
        assert 0.0 <= result.recall_at_5 <= 1.0 and 0.0 <= result.ndcg_at_10 <= 1.0
        assert set(result.retrieved) <= {m.filename for m in spec.materials}
    summary = report.summary()
    assert list(summary) == [
        f"{spec.slug} / text",
        f"{spec.slug} / diagram",
        f"{spec.slug} / keyword",
        "all / text",
        "all / diagram",
        "all / keyword",
        "all / all",
    ]
    assert summary["all / all"]["queries"] == 5
    # With two unrelated topics, every question finds its lesson in the top 5.
    assert summary["all / all"]["recall@5"] == 1.0
    assert report.to_dict()["results"][0]["question"] == spec.queries[0].question
