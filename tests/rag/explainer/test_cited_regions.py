"""A citation of a figure points at the labels the question names, not at the whole picture."""

from rag.explainer.images import REGION_PADDING, cited_regions
from rag.models import Chunk, DiagramGraph


def _spread_out(course) -> DiagramGraph:
    """The water-cycle figure with each label in its own place (the fixture stacks them)."""
    graph = DiagramGraph.objects.get(material__course=course)
    for index, node in enumerate(graph.nodes):
        node["bbox"] = [100 * index + 10, 50, 100 * index + 90, 80]
    graph.save(update_fields=["nodes"])
    return graph


def _citation(graph: DiagramGraph) -> dict:
    chunk = Chunk.objects.get(diagram=graph)
    return {"number": 1, "chunk_id": chunk.pk, "material_id": graph.material_id, "diagram_id": graph.pk,
            "modality": "diagram", "region": [0, 0, 800, 600]}


def test_a_figure_citation_frames_the_label_the_question_names(water_course):
    graph = _spread_out(water_course)
    precipitation = next(node for node in graph.nodes if node["label"] == "Precipitation")
    [citation] = cited_regions([_citation(graph)], question="In the diagram, what leads to precipitation?")
    x0, y0, x1, y1 = precipitation["bbox"]
    assert citation["region"] == [x0 - REGION_PADDING, y0 - REGION_PADDING, x1 + REGION_PADDING, y1 + REGION_PADDING]


def test_two_named_labels_are_framed_together_and_plural_questions_match_singular_labels(water_course):
    graph = _spread_out(water_course)
    [citation] = cited_regions([_citation(graph)],
                               question="What is labelled between the evaporations and the condensation?")
    assert citation["region"] == [10 - REGION_PADDING, 50 - REGION_PADDING, 190 + REGION_PADDING, 80 + REGION_PADDING]


def test_a_question_naming_no_label_keeps_the_whole_picture_and_text_citations_are_untouched(water_course):
    graph = _spread_out(water_course)
    text = {"number": 2, "chunk_id": 1, "material_id": 1, "diagram_id": None, "modality": "text", "region": None}
    assert cited_regions([_citation(graph), text], question="What does this diagram show?") == [_citation(graph), text]
