"""Shapes and arrows from pixels, checked against drawings whose geometry is known (no OCR needed)."""

import io
import math

import numpy as np
import pytest
from PIL import Image

from rag.diagrams import vision
from rag.diagrams.geometry import mostly_inside
from rag.diagrams.types import TextLine
from tests.rag.diagrams.drawing import Sketch
from tests.rag.diagrams.labelled import labelled_drawing


def _structure(sketch: Sketch, **render):
    rgb = np.asarray(Image.open(io.BytesIO(sketch.render(**render))).convert("RGB"))
    mask = vision.ink_mask(rgb)
    lines = sketch.text_lines()
    stroke = vision.stroke_width(mask)
    shapes = vision.find_shapes(mask, lines, stroke)
    return shapes, vision.find_connectors(mask, lines, shapes, stroke)


def _near(point, box, reach=30):
    x0, y0, x1, y1 = box
    return x0 - reach <= point[0] <= x1 + reach and y0 - reach <= point[1] <= y1 + reach


@pytest.mark.parametrize(
    ("style", "head_at_source", "head_at_target"),
    [("arrow", False, True), ("open", False, True), ("double", True, True), ("line", False, False)],
)
def test_a_connector_reports_where_its_arrowheads_are(style, head_at_source, head_at_target):
    sketch = Sketch(boxes={"Cloud": (200, 200), "Rain": (750, 500)}, links=[("Cloud", "Rain", style)])

    _, connectors = _structure(sketch)

    assert len(connectors) == 1
    connector = connectors[0]
    if _near(connector.start, sketch.outline("Rain")):  # the two ends may come back in either order
        connector = type(connector)(connector.end, connector.start, connector.head_at_end, connector.head_at_start)
    assert _near(connector.start, sketch.outline("Cloud"))
    assert _near(connector.end, sketch.outline("Rain"))
    assert (connector.head_at_start, connector.head_at_end) == (head_at_source, head_at_target)


def test_boxes_and_ellipses_that_hold_labels_are_shapes_and_box_outlines_are_not_connectors():
    sketch = Sketch(boxes={"Sun": (200, 300), "Leaf": (700, 300)}, ellipses={"Leaf"}, links=[("Sun", "Leaf", "arrow")])

    shapes, connectors = _structure(sketch)

    for label in ("Sun", "Leaf"):
        text = sketch.label_boxes()[label]
        assert any(mostly_inside(text, shape.bbox) for shape, _ in shapes), label
    assert len(connectors) == 1


def test_a_container_box_is_a_shape_around_the_boxes_it_holds():
    sketch = Sketch(
        containers={"Cell": (100, 100, 900, 600)},
        boxes={"Nucleus": (300, 350), "Ribosome": (700, 350)},
        links=[("Nucleus", "Ribosome", "arrow")],
    )

    shapes, connectors = _structure(sketch)

    outer = max((shape.bbox for shape, _ in shapes), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    assert outer[0] == pytest.approx(100, abs=8) and outer[2] == pytest.approx(900, abs=8)
    assert len(connectors) == 1, "the arrow inside the container survives wiping the container's outline"
    assert connectors[0].head_at_end != connectors[0].head_at_start


def test_direction_survives_a_slightly_rotated_jpeg_photo_of_the_diagram():
    sketch = Sketch(boxes={"Egg": (200, 350), "Larva": (800, 350)}, links=[("Egg", "Larva", "arrow")])

    rgb = np.asarray(Image.open(io.BytesIO(sketch.render(fmt="JPEG", rotate=3))).convert("RGB"))
    mask = vision.ink_mask(rgb)
    connectors = vision.find_connectors(mask, [], [], vision.stroke_width(mask))

    arrows = [c for c in connectors if math.dist(c.start, c.end) > 300]
    assert len(arrows) == 1
    tip = arrows[0].end if arrows[0].head_at_end else arrows[0].start
    assert arrows[0].head_at_end != arrows[0].head_at_start
    assert tip[0] > 600, "the head is at Larva's end"


def test_short_ocr_text_that_is_really_an_arrowhead_is_dropped_but_real_short_labels_stay():
    sketch = Sketch(boxes={"Ox": (200, 350), "Hay": (800, 350)}, links=[("Hay", "Ox", "open")])
    rgb = np.asarray(Image.open(io.BytesIO(sketch.render())).convert("RGB"))
    mask = vision.ink_mask(rgb)
    x0, y0, x1, y1 = sketch.outline("Ox")
    fake = TextLine("V", (x1 + 8, 335, x1 + 36, 365), 0.9)  # OCR's reading of the open arrowhead

    kept = vision.drop_spurious_text([*sketch.text_lines(), fake], mask)

    assert sorted(line.text for line in kept) == ["Hay", "Ox"]


def test_a_leader_line_is_seen_at_the_rows_it_meets_and_not_at_other_rows_or_loose_text():
    png, lines = labelled_drawing([("Aortic\narch", True), ("Base", True), ("Thymus", True)], loose="Sagittal view")
    mask = vision.ink_mask(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))

    marked = vision.mark_leaders(lines, mask)

    assert {line.text: line.leader for line in marked} == {
        "Aortic": True, "arch": False, "Base": True, "Thymus": True, "Sagittal view": False
    }


def _rows_with_strokes(strokes) -> tuple[np.ndarray, list[TextLine]]:
    """Rows of text at the left of a white picture, each with the strokes ``strokes(x1, middle)`` gives for it."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", (700, 420), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=32)
    lines = []
    for index, (text, drawn) in enumerate(strokes.items()):
        x0, y0, x1, y1 = draw.textbbox((60, 40 + 130 * index), text, font=font)
        draw.text((60, 40 + 130 * index), text, fill="black", font=font)
        for stroke in drawn(x1, (y0 + y1) / 2, y1 - y0):
            draw.line(stroke, fill="black", width=3)
        lines.append(TextLine(text, (float(x0), float(y0), float(x1), float(y1)), 0.99))
    return vision.ink_mask(np.asarray(image)), lines


def test_a_level_leader_line_that_starts_a_little_way_from_its_label_is_a_leader_but_a_slanting_stroke_is_not():
    mask, lines = _rows_with_strokes({
        "Nostril": lambda x1, middle, height: [(x1 + height, middle, x1 + 300, middle)],  # white space first
        "Apex": lambda x1, middle, height: [(x1 + height, middle - 2 * height, x1 + 2 * height, middle + 2 * height)],
        "Uvula": lambda x1, middle, height: [(x1 + 3 * height, middle, x1 + 300, middle)],  # too far away
    })  # fmt: skip

    marked = {line.text: line.leader for line in vision.mark_leaders(lines, mask)}

    assert marked == {"Nostril": True, "Apex": False, "Uvula": False}


def test_a_bracket_fanning_out_from_a_label_to_two_parts_is_a_leader():
    mask, lines = _rows_with_strokes({
        "Veins": lambda x1, middle, height: [(x1 + 8, middle, x1 + 140, middle - 50),
                                             (x1 + 8, middle, x1 + 140, middle + 50)],
    })  # fmt: skip

    assert [line.leader for line in vision.mark_leaders(lines, mask)] == [True]


def _two_labels_with(draw_between) -> list:
    """Connectors found on a picture with a label at each side and ``draw_between(draw)``'s ink between them."""
    from PIL import ImageDraw, ImageFont

    image = Image.new("RGB", (800, 500), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    lines = []
    for x, text in ((20, "Liver"), (660, "Spleen")):
        draw.text((x, 235), text, fill="black", font=font)
        lines.append(TextLine(text, tuple(float(v) for v in draw.textbbox((x, 235), text, font=font)), 0.99))
    draw_between(draw)
    rgb = np.asarray(image)
    mask = vision.ink_mask(rgb)
    stroke = vision.stroke_width(mask)
    return vision.find_connectors(mask, lines, vision.find_shapes(mask, lines, stroke), stroke)


def test_leader_lines_that_run_into_a_drawn_organ_are_no_line_between_their_labels_but_a_plain_line_is():
    def organ(draw):
        for inset in range(0, 120, 12):  # an organ drawn with its inner structure, as textbooks do
            draw.ellipse((250 + inset, 80 + inset, 550 - inset, 420 - inset), outline="black", width=3)
        draw.line((250, 250, 550, 250), fill="black", width=3)  # joins its rings
        draw.line((110, 250, 252, 250), fill="black", width=3)  # "Liver"'s leader, into the organ
        draw.line((548, 250, 650, 250), fill="black", width=3)  # "Spleen"'s

    assert _two_labels_with(organ) == [], "the organ's ink joins the leaders, not a line of the picture"
    (line,) = _two_labels_with(lambda draw: draw.line((110, 250, 650, 250), fill="black", width=3))
    assert not line.head_at_start and not line.head_at_end
