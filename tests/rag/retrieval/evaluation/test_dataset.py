"""The labeled sets are well formed: every label names a material of its course, every type is covered."""

from __future__ import annotations

from collections import Counter

import pytest

from rag.api import analyze_svg
from rag.evaluation.dataset import QUERY_TYPES, demo_course, generated_course


@pytest.mark.parametrize("build", [demo_course, generated_course], ids=["demo", "generated"])
def test_every_label_names_a_material_and_every_query_type_is_asked(build):
    course = build()
    filenames = {material.filename for material in course.materials}

    for query in course.queries:
        assert query.relevant and set(query.relevant) <= filenames, query.question
    counts = Counter(query.type for query in course.queries)
    assert set(counts) == set(QUERY_TYPES)
    assert min(counts.values()) >= 8
    for material in course.materials:
        assert set(material.objectives) <= set(course.objectives)


def test_generated_course_is_seeded_and_sized_for_scale():
    first, again, other = generated_course(), generated_course(), generated_course(seed=99)

    assert [m.content for m in first.materials] == [m.content for m in again.materials]
    assert [q.question for q in first.queries] == [q.question for q in again.queries]
    assert [m.content for m in first.materials] != [m.content for m in other.materials]
    assert 30 <= sum(m.filename.endswith(".md") for m in first.materials) <= 60
    assert generated_course(topics=2).objectives.keys() == {"volcanoes", "earthquakes"}


def test_generated_diagrams_are_real_svgs_whose_arrows_the_analyser_recovers():
    diagram = next(m for m in generated_course().materials if m.filename == "volcanoes_diagram.svg")

    analysis = analyze_svg(diagram.content)

    labels = {node.id: node.label for node in analysis.nodes}
    edges = {(labels[edge.source], labels[edge.target]) for edge in analysis.edges if edge.directed}
    assert ("Magma Chamber", "Vent") in edges and ("Eruption", "Lava Flow") in edges
