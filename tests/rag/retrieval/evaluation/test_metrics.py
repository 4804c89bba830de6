"""recall@k and nDCG@k over materials, on hand-made rankings."""

from __future__ import annotations

import math

import pytest

from rag.evaluation.metrics import first_occurrences, ndcg_at_k, recall_at_k


def test_recall_counts_relevant_materials_found_in_the_top_k():
    ranked = ["a.md", "b.md", "a.md", "c.svg", "d.pdf", "e.md"]

    assert recall_at_k(ranked, {"a.md", "c.svg"}, 5) == 1.0
    assert recall_at_k(ranked, {"a.md", "e.md"}, 5) == 0.5  # e.md is 6th
    assert recall_at_k(ranked, {"z.md"}, 5) == 0.0


def test_ndcg_is_one_when_relevant_materials_lead_and_counts_each_material_once():
    assert ndcg_at_k(["a", "b", "x"], {"a", "b"}, 10) == pytest.approx(1.0)
    # The same material twice at the top is one relevant source, not two.
    assert ndcg_at_k(["a", "a", "b"], {"a", "b"}, 10) == pytest.approx((1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(["x", "a"], {"a"}, 10) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(["x"] * 10 + ["a"], {"a"}, 10) == 0.0


def test_first_occurrences_blank_repeats_but_keep_ranks():
    assert first_occurrences(["a", "b", "a", "c"]) == ["a", "b", None, "c"]


def test_a_question_without_relevant_materials_is_a_labeling_error():
    with pytest.raises(ValueError, match="at least one relevant"):
        recall_at_k(["a"], set(), 5)
    with pytest.raises(ValueError, match="at least one relevant"):
        ndcg_at_k(["a"], set(), 10)
