"""analyze_image end to end with the real OCR engine, on diagrams drawn by the test."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from rag.diagrams import DiagramAnalysis, analyze_image
from tests.rag.diagrams.drawing import Sketch
from tests.rag.diagrams.labelled import labelled_drawing

pytestmark = pytest.mark.slow


def _edges(analysis: DiagramAnalysis) -> set[tuple[str, str, bool]]:
    labels = {node.id: node.label for node in analysis.nodes}
    return {(labels[e.source], labels[e.target], e.directed) for e in analysis.edges}


def test_a_chain_gives_its_labels_in_order_its_arrows_and_its_title():
    sketch = Sketch(
        title="Plant Growth",
        boxes={"Seed": (150, 400), "Sprout": (400, 250), "Plant": (650, 400), "Flower": (880, 250)},
        links=[("Seed", "Sprout", "arrow"), ("Sprout", "Plant", "arrow"), ("Plant", "Flower", "arrow")],
    )

    analysis = analyze_image(sketch.render())

    assert analysis.title == "Plant Growth"
    assert [node.label for node in analysis.nodes] == ["Seed", "Sprout", "Plant", "Flower"]
    assert _edges(analysis) == {("Seed", "Sprout", True), ("Sprout", "Plant", True), ("Plant", "Flower", True)}
    assert "The steps form a chain from Seed to Flower." in analysis.description


def test_a_cycle_is_read_from_its_top_node_following_the_arrows():
    sketch = Sketch(
        title="Water Cycle",
        boxes={
            "Evaporation": (500, 200),
            "Condensation": (800, 400),
            "Precipitation": (500, 600),
            "Collection": (200, 400),
        },
        links=[
            ("Evaporation", "Condensation", "arrow"),
            ("Condensation", "Precipitation", "arrow"),
            ("Precipitation", "Collection", "arrow"),
            ("Collection", "Evaporation", "arrow"),
        ],
        size=(1000, 700),
    )

    analysis = analyze_image(sketch.render())

    assert [node.label for node in analysis.nodes] == ["Evaporation", "Condensation", "Precipitation", "Collection"]
    assert len(analysis.edges) == 4 and all(edge.directed for edge in analysis.edges)
    assert analysis.description.endswith(
        "The steps form a cycle: Evaporation, Condensation, Precipitation and Collection, then back to Evaporation."
    )


def test_branches_an_undirected_line_and_a_two_line_label():
    sketch = Sketch(
        boxes={"Energy": (500, 150), "Heat": (250, 400), "Light": (750, 400), "Solar\npanel": (750, 600)},
        links=[("Energy", "Heat", "arrow"), ("Energy", "Light", "open"), ("Light", "Solar\npanel", "line")],
    )

    analysis = analyze_image(sketch.render())

    assert _edges(analysis) == {
        ("Energy", "Heat", True),
        ("Energy", "Light", True),
        ("Light", "Solar panel", False),
    }
    assert "Energy leads to Heat and Light." in analysis.description
    assert "Light is connected to Solar panel." in analysis.description


def test_boxes_inside_a_labelled_container_belong_to_its_group():
    sketch = Sketch(
        containers={"Cell": (80, 80, 920, 620)},
        boxes={"Nucleus": (300, 380), "Ribosome": (700, 380)},
        links=[("Nucleus", "Ribosome", "arrow")],
    )

    analysis = analyze_image(sketch.render())

    by_label = {node.label: node for node in analysis.nodes}
    assert set(by_label) == {"Cell", "Nucleus", "Ribosome"}
    assert by_label["Nucleus"].group == by_label["Ribosome"].group == by_label["Cell"].id
    assert _edges(analysis) == {("Nucleus", "Ribosome", True)}
    assert "Cell contains Nucleus and Ribosome." in analysis.description


def test_a_large_rotated_jpeg_is_read_and_reported_in_its_own_pixel_coordinates():
    sketch = Sketch(
        size=(2400, 1500),
        boxes={"Caterpillar": (600, 750), "Butterfly": (1800, 750)},
        links=[("Caterpillar", "Butterfly", "arrow")],
        stroke=6,
    )

    analysis = analyze_image(sketch.render(fmt="JPEG", rotate=2))

    assert analysis.width > 2400 and analysis.height > 1500
    assert _edges(analysis) == {("Caterpillar", "Butterfly", True)}
    butterfly = next(node for node in analysis.nodes if node.label == "Butterfly")
    assert butterfly.bbox[0] > 1600, "coordinates are in the original image, not the downscaled copy"


def test_an_image_without_any_text_or_lines_gives_an_empty_but_valid_analysis():
    analysis = analyze_image(Sketch().render())

    assert analysis.nodes == [] and analysis.edges == []
    assert analysis.description == "Diagram. No labelled parts were recognised."


def test_labels_stacked_tightly_beside_a_drawing_are_told_apart_by_their_leader_lines():
    png, _ = labelled_drawing([("Aortic\narch", True), ("Base", True), ("Thymus", True)])

    analysis = analyze_image(png)

    assert [node.label for node in analysis.nodes] == ["Aortic arch", "Base", "Thymus"]
    assert "It has 3 parts: Aortic arch, Base and Thymus." in analysis.description


def test_a_drawn_structure_s_atoms_and_bonds_are_not_read_as_parts():
    image = Image.new("RGB", (900, 600), "white")
    draw, font = ImageDraw.Draw(image), ImageFont.load_default(size=32)
    for letter, (x, y) in {"O": (200, 120), "P": (270, 120), "H": (340, 120), "N": (270, 190)}.items():
        draw.text((x, y), letter, fill="black", font=font)
    draw.text((150, 260), "CH2-CH-CH2", fill="black", font=font)
    draw.text((600, 140), "Phosphate", fill="black", font=font)
    draw.line((420, 160, 590, 160), fill="black", width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    analysis = analyze_image(buffer.getvalue())

    assert [node.label for node in analysis.nodes] == ["Phosphate"]
