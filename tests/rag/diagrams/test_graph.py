"""The graph builder's decisions, from hand-made primitives: what is a node, title, arrow label, group."""

from rag.diagrams.graph import build_graph, join_lines
from rag.diagrams.types import Connector, Shape, TextLine


def _line(text, x0, y0, x1, y1):
    return TextLine(text, (x0, y0, x1, y1), 0.98)


def _graph(lines, shapes=(), connectors=(), size=(1000, 700)):
    return build_graph(
        lines=list(lines), shapes=list(shapes), connectors=list(connectors), width=size[0], height=size[1]
    )


def test_words_split_by_ocr_and_stacked_lines_in_one_box_make_one_label():
    analysis = _graph(
        [_line("Carbon", 110, 110, 200, 140), _line("dioxide", 210, 110, 300, 140), _line("(CO2)", 160, 150, 250, 180)],
        shapes=[Shape((100, 100, 320, 190))],
    )

    assert [node.label for node in analysis.nodes] == ["Carbon dioxide (CO2)"]


def test_a_word_hyphenated_across_lines_is_joined_back():
    assert join_lines([_line("Photo-", 0, 0, 80, 30), _line("synthesis", 0, 35, 120, 65)]) == "Photosynthesis"


def test_large_text_above_the_nodes_is_the_title_not_a_node():
    analysis = _graph(
        [_line("Food Web", 400, 20, 600, 64), _line("Owl", 110, 310, 160, 340), _line("Mouse", 610, 310, 690, 340)],
        shapes=[Shape((100, 300, 200, 350)), Shape((600, 300, 700, 350))],
    )

    assert analysis.title == "Food Web"
    assert [node.label for node in analysis.nodes] == ["Owl", "Mouse"]


def test_small_text_at_the_top_is_a_node_when_it_is_smaller_than_the_labels():
    analysis = _graph(
        [_line("fig. 3", 10, 5, 60, 20), _line("Owl", 110, 310, 160, 345)], shapes=[Shape((100, 300, 200, 355))]
    )

    assert analysis.title == ""
    assert {node.label for node in analysis.nodes} == {"fig. 3", "Owl"}


def test_free_text_beside_the_middle_of_an_arrow_labels_the_arrow():
    analysis = _graph(
        [
            _line("Grass", 110, 310, 190, 340),
            _line("Rabbit", 710, 310, 800, 340),
            _line("eaten by", 400, 290, 500, 315),
        ],
        shapes=[Shape((100, 300, 200, 350)), Shape((700, 300, 810, 350))],
        connectors=[Connector((205, 325), (695, 325), head_at_start=False, head_at_end=True)],
    )

    assert [node.label for node in analysis.nodes] == ["Grass", "Rabbit"]
    (edge,) = analysis.edges
    assert (edge.source, edge.target, edge.directed, edge.label) == ("n1", "n2", True, "eaten by")


def test_free_floating_labels_joined_by_arrows_are_nodes_and_strays_are_dropped():
    analysis = _graph(
        [_line("Sun", 100, 300, 160, 330), _line("Moon", 700, 300, 780, 330)],
        connectors=[
            Connector((170, 315), (690, 315), head_at_start=False, head_at_end=True),
            Connector((110, 600), (900, 600), head_at_start=False, head_at_end=False),  # an underline: no ends
            Connector((105, 335), (150, 335), head_at_start=False, head_at_end=True),  # both ends on one label
        ],
    )

    assert [(e.source, e.target) for e in analysis.edges] == [("n1", "n2")]
    assert [node.label for node in analysis.nodes] == ["Sun", "Moon"]


def test_a_loose_sentence_is_a_note_not_a_part():
    analysis = _graph(
        [_line("Owl", 110, 310, 160, 340), _line("Owls hunt at night and sleep by day.", 100, 600, 600, 630)],
        shapes=[Shape((100, 300, 200, 350))],
    )

    assert [node.label for node in analysis.nodes] == ["Owl"]
    assert [(block.text, block.role) for block in analysis.text_blocks] == [
        ("Owl", "node"),
        ("Owls hunt at night and sleep by day.", "note"),
    ]


def test_a_double_headed_arrow_is_two_directed_edges_and_a_plain_line_one_undirected():
    analysis = _graph(
        [
            _line("Prey", 110, 310, 180, 340),
            _line("Predator", 710, 310, 820, 340),
            _line("Habitat", 110, 610, 210, 640),
        ],
        shapes=[Shape((100, 300, 200, 350)), Shape((700, 300, 830, 350)), Shape((100, 600, 220, 650))],
        connectors=[
            Connector((205, 325), (695, 325), head_at_start=True, head_at_end=True),
            Connector((150, 595), (150, 355), head_at_start=False, head_at_end=False),
        ],
    )

    edges = {(e.source, e.target, e.directed) for e in analysis.edges}
    assert edges == {("n1", "n2", True), ("n2", "n1", True), ("n1", "n3", False)}


def test_nodes_drawn_inside_a_labelled_container_are_grouped_but_a_frame_around_everything_is_not():
    analysis = _graph(
        [
            _line("Plant cell", 150, 110, 300, 140),
            _line("Nucleus", 160, 210, 260, 240),
            _line("Vacuole", 460, 210, 560, 240),
        ],
        shapes=[
            Shape((0, 0, 1000, 700)),  # frame
            Shape((100, 100, 700, 400)),  # container
            Shape((150, 200, 280, 250)),
            Shape((450, 200, 580, 250)),
        ],
    )

    by_label = {node.label: node for node in analysis.nodes}
    assert by_label["Plant cell"].group == ""
    assert by_label["Nucleus"].group == by_label["Vacuole"].group == by_label["Plant cell"].id


def test_without_arrows_parts_are_read_in_rows_top_to_bottom_then_left_to_right():
    analysis = _graph(
        [
            _line("C", 100, 400, 130, 430),
            _line("B", 500, 105, 530, 135),
            _line("A", 100, 100, 130, 130),
            _line("D", 500, 400, 530, 430),
        ]
    )

    assert [node.label for node in analysis.nodes] == ["A", "B", "C", "D"]
    assert [node.id for node in analysis.nodes] == ["n1", "n2", "n3", "n4"]


def test_to_dict_has_exactly_the_diagram_graph_fields():
    from rag.models import DiagramGraph

    analysis = _graph([_line("Owl", 110, 310, 160, 340)], shapes=[Shape((100, 300, 200, 350))])
    # text_blocks are written by ingestion once redaction has run (rag.services.stored_text_blocks); the
    # figure's caption, alt text, section, place and teacher's description come from the document around it.
    not_from_analysis = {"id", "material", "page", "created_at", "text_blocks", "caption", "alt_text",
                         "teacher_description", "heading", "position", "key", "has_pixels", "picture"}  # fmt: skip
    stored = {f.name for f in DiagramGraph._meta.concrete_fields} - not_from_analysis

    data = analysis.to_dict()

    assert set(data) == stored
    assert data["nodes"] == [{"id": "n1", "label": "Owl", "bbox": [100, 300, 200, 350], "score": 0.98, "group": ""}]


def _leader(text, x0, y0, x1, y1):
    return TextLine(text, (x0, y0, x1, y1), 0.98, leader=True)


def test_stacked_rows_each_met_by_a_leader_line_are_separate_labels_and_a_row_between_goes_with_the_nearer():
    stack = [_leader("Aortic", 1300, 565, 1374, 593), _line("arch", 1303, 592, 1359, 621),
             _leader("Base", 1300, 636, 1368, 670)]  # fmt: skip

    assert [node.label for node in _graph(stack, size=(1400, 1300)).nodes] == ["Aortic arch", "Base"]
    unmarked = [TextLine(line.text, line.bbox, line.score) for line in stack]
    assert [node.label for node in _graph(unmarked, size=(1400, 1300)).nodes] == ["Aortic arch Base"], (
        "without leader lines nothing tells the stack apart"
    )


def test_large_text_at_the_top_that_a_leader_line_meets_is_a_label_not_the_title():
    lines = [_leader("Mouth", 40, 240, 124, 270), _leader("Tongue", 40, 280, 140, 322),
             _line("Esophagus", 40, 574, 174, 604), _line("Liver", 40, 720, 110, 752)]  # fmt: skip

    analysis = _graph(lines, size=(1200, 1400))

    assert analysis.title == ""
    assert "Tongue" in [node.label for node in analysis.nodes]


def test_a_row_of_small_letters_under_a_label_is_its_second_row_though_its_box_is_shorter():
    # As OCR boxes them: "veins" has no capital, ascender or descender, so its box is two thirds as tall.
    stack = [_leader("Left pulmonary", 1097, 230, 1244, 264), _line("veins", 1099, 259, 1154, 283),
             _leader("Aortic semilunar", 1096, 293, 1256, 322), _line("valve", 1097, 318, 1155, 346)]  # fmt: skip

    labels = [node.label for node in _graph(stack, size=(1400, 700)).nodes]

    assert labels == ["Left pulmonary veins", "Aortic semilunar valve"]


def test_a_row_ending_in_a_colon_heads_a_list_whose_rows_are_one_label_each():
    stack = [_line("Gallbladder", 43, 817, 179, 847),
             _line("Small intestine:", 44, 868, 228, 895), _leader("Duodenum", 56, 897, 185, 924),
             _line("Jejunum", 55, 925, 160, 956), _line("Ileum", 55, 954, 127, 985)]  # fmt: skip

    labels = [node.label for node in _graph(stack, size=(1200, 1400)).nodes]

    assert labels == ["Gallbladder", "Small intestine", "Duodenum", "Jejunum", "Ileum"]
    two_rows = [_line("Left pulmonary", 1097, 230, 1244, 264), _line("veins", 1099, 259, 1154, 283)]
    assert [node.label for node in _graph(two_rows, size=(1400, 700)).nodes] == ["Left pulmonary veins"]


def test_a_stroke_passing_beside_two_stacked_labels_joins_neither_but_a_line_running_into_both_does():
    """On a real figure, a stroke of the drawing between two leader lines ends near both labels it runs beside."""
    labels = [_line("Left ventricle", 330, 200, 480, 240), _line("Systemic arteries", 330, 290, 520, 330)]
    beside = Connector((302, 230), (302, 300), False, False, leaving_start=(0.0, -1.0), leaving_end=(0.0, 1.0))
    between = Connector((400, 245), (400, 285), False, False, leaving_start=(0.0, -1.0), leaving_end=(0.0, 1.0))

    assert _graph(labels, connectors=[beside]).edges == []
    assert len(_graph(labels, connectors=[between]).edges) == 1
    # A line traced from an SVG knows no direction at its ends and is judged by distance alone, as before.
    assert len(_graph(labels, connectors=[Connector((302, 230), (302, 300), False, False)]).edges) == 1


def test_text_a_line_ends_at_is_a_label_not_the_title_even_when_the_line_reaches_nothing_else():
    lines = [_line("Cilia", 700, 40, 800, 100), _line("Goblet cell", 200, 300, 400, 340),
             _line("Lumen", 200, 500, 300, 540)]
    leader = Connector((750, 105), (750, 400), False, False, leaving_start=(0.0, -1.0), leaving_end=(0.0, 1.0))

    assert _graph(lines).title == "Cilia"  # large text alone at the top
    analysis = _graph(lines, connectors=[leader])
    assert analysis.title == "" and "Cilia" in [node.label for node in analysis.nodes]


def test_on_a_large_figure_a_line_must_end_within_about_a_line_of_text_from_a_free_label():
    labels = [_line("Aortic arch", 330, 200, 480, 240), _line("Base", 330, 500, 400, 540)]
    short = Connector((360, 340), (360, 400), False, False)  # 100 px (2.5 lines of text) from either label
    reaching = Connector((360, 260), (360, 480), False, False)

    assert _graph(labels, connectors=[short], size=(3000, 3000)).edges == []
    assert len(_graph(labels, connectors=[reaching], size=(3000, 3000)).edges) == 1
