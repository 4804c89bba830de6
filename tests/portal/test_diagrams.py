"""Drawing a recovered diagram graph over its image: boxes where the labels are, arrows between borders."""

from __future__ import annotations

from edu.portal.diagrams import build_overlay, highlight_box
from rag.api import DiagramGraph


def diagram(nodes, edges, width=300, height=200):
    """An unsaved record: the overlay needs no database."""
    return DiagramGraph(
        pk=7, title="Cycle", width=width, height=height, description="A cycle.", nodes=nodes, edges=edges
    )


def test_edges_run_from_border_to_border_so_arrowheads_stay_outside_the_boxes():
    overlay = build_overlay(
        diagram(
            nodes=[
                {"id": "a", "label": "Sun", "bbox": [0, 0, 40, 20]},
                {"id": "b", "label": "Rain", "bbox": [100, 80, 140, 100]},
            ],
            edges=[{"source": "a", "target": "b", "directed": True}],
        )
    )
    (edge,) = overlay.edges
    assert (edge.x1, edge.y1) == (32.5, 20.0)  # leaves Sun through its bottom side, on the centre line
    assert (edge.x2, edge.y2) == (107.5, 80.0)  # enters Rain through its top side
    assert edge.directed


def test_nodes_without_a_usable_box_and_their_edges_are_left_out():
    overlay = build_overlay(
        diagram(
            nodes=[
                {"id": 1, "label": "Ok", "bbox": [10, 10, 50, 30]},
                {"id": 2, "label": "Broken", "bbox": [5, 5, 5, 9]},
                {"id": 3, "label": "Missing"},
            ],
            edges=[{"source": 1, "target": 2}, {"source": 1, "target": 3}, {"source": 1, "target": 99}],
        )
    )
    assert [node.label for node in overlay.nodes] == ["Ok"]
    assert overlay.edges == []


def test_a_graph_without_stored_size_gets_one_that_fits_its_boxes():
    overlay = build_overlay(
        diagram(nodes=[{"id": "a", "label": "A", "bbox": [0, 0, 120, 60]}], edges=[], width=0, height=0)
    )
    assert (overlay.width, overlay.height) == (130, 70)


def test_cited_region_comes_from_the_query_string_and_malformed_ones_are_ignored():
    assert highlight_box({"region": "10,20,110,70"}) == {"x": 10.0, "y": 20.0, "width": 100.0, "height": 50.0}
    assert highlight_box({"region": "10,20,5,70"}) is None
    assert highlight_box({"region": "1,2,3"}) is None
    assert highlight_box({"region": "a,b,c,d"}) is None
    assert highlight_box({}) is None
