"""The reading page's layout: the redacted text once, as headings, paragraphs and lists, an anchor where each
passage starts, only the cited passage marked, figures where the document has them."""

from __future__ import annotations

from rag.reading import Passage, PlacedFigure, layout

DOCUMENT = (
    "The water cycle > Evaporation\n\n"
    "The Sun heats the sea. Water turns into vapour.\n\n"
    "- Oceans\n- Lakes\n\n"
    "The water cycle > Condensation\n\n"
    "The vapour cools. It forms clouds."
)


def offsets(text: str) -> tuple[int, int]:
    start = DOCUMENT.index(text)
    return start, start + len(text)


def passages() -> list[Passage]:
    first = offsets("The Sun heats the sea. Water turns into vapour.\n\n- Oceans\n- Lakes")
    second = offsets("Water turns into vapour.\n\n- Oceans\n- Lakes")  # overlaps the first, as chunks do
    third = offsets("The vapour cools. It forms clouds.")
    heading = "The water cycle > Evaporation"
    return [
        Passage(ordinal=0, heading=heading, page=None, start=first[0], end=first[1]),
        Passage(ordinal=1, heading=heading, page=None, start=second[0], end=second[1]),
        Passage(ordinal=2, heading="The water cycle > Condensation", page=None, start=third[0], end=third[1]),
    ]


def text_of(block) -> str:
    return "".join(piece.text for line in block.lines for piece in line)


def test_headings_become_nested_headings_once_and_text_is_not_repeated_where_passages_overlap():
    blocks = layout(DOCUMENT, passages())

    assert [(block.kind, block.level, block.text) for block in blocks if block.kind == "heading"] == [
        ("heading", 2, "The water cycle"), ("heading", 3, "Evaporation"), ("heading", 3, "Condensation"),
    ]  # fmt: skip
    paragraphs = [text_of(block) for block in blocks if block.kind in {"paragraph", "list"}]
    assert paragraphs == ["The Sun heats the sea. Water turns into vapour.", "OceansLakes",
                          "The vapour cools. It forms clouds."]  # fmt: skip
    assert not any(">" in text or text.startswith("-") for text in paragraphs)  # no heading path, no list marks


def test_a_markdown_list_is_a_list_without_its_markers():
    (listing,) = [block for block in layout(DOCUMENT, passages()) if block.kind == "list"]
    assert [[piece.text for piece in line] for line in listing.lines] == [["Oceans"], ["Lakes"]]


def test_every_passage_has_exactly_one_anchor_where_it_starts():
    blocks = layout(DOCUMENT, passages())
    anchored = [(ordinal, piece.text) for block in blocks for line in block.lines for piece in line
                for ordinal in piece.anchors]  # fmt: skip
    assert anchored == [(0, "The Sun heats the sea. "), (1, "Water turns into vapour."),
                        (2, "The vapour cools. It forms clouds.")]  # fmt: skip


def test_only_the_cited_passage_is_marked_across_its_paragraphs():
    blocks = layout(DOCUMENT, passages(), cited=1)
    marked = [piece.text for block in blocks for line in block.lines for piece in line if piece.cited]
    assert marked == ["Water turns into vapour.", "Oceans", "Lakes"]
    assert [block.cited for block in blocks if block.lines] == [True, True, False]

    assert not any(piece.cited for block in layout(DOCUMENT, passages()) for line in block.lines for piece in line)


def test_a_figure_stands_where_the_document_has_it_and_is_marked_when_cited():
    figure_at = DOCUMENT.index("- Oceans")
    figures = [PlacedFigure(figure="heart", ordinal=3, offset=figure_at),
               PlacedFigure(figure="lungs", ordinal=4, heading="The water cycle > Condensation")]  # fmt: skip
    blocks = layout(DOCUMENT, passages(), figures, cited=3)
    kinds = [block.placed.figure if block.kind == "figure" else block.kind for block in blocks]
    assert kinds == ["heading", "heading", "paragraph", "heart", "list", "heading", "paragraph", "lungs"]
    assert [block.cited for block in blocks if block.kind == "figure"] == [True, False]


def test_a_picture_upload_shows_its_picture_first():
    document = "Evaporation leads to Condensation."
    passage = Passage(ordinal=0, heading="", page=None, start=0, end=len(document))
    blocks = layout(document, [passage], [PlacedFigure(figure="cycle", ordinal=1)], figures_first=True)
    assert [block.kind for block in blocks] == ["figure", "paragraph"]


def test_pdf_pages_are_marked_and_code_fences_and_rules_are_left_out():
    document = "Page text one.\n\n```\ncode line\n```\n\n---\n\nPage two text."
    first = Passage(ordinal=0, heading="", page=1, start=0, end=document.index("---") + 3)
    second_start = document.index("Page two")
    second = Passage(ordinal=1, heading="", page=2, start=second_start, end=len(document))
    blocks = layout(document, [first, second])
    assert [(block.kind, block.text or text_of(block)) for block in blocks] == [
        ("page", "Page 1"), ("paragraph", "Page text one."), ("paragraph", "code line"), ("page", "Page 2"),
        ("paragraph", "Page two text."),
    ]  # fmt: skip


def test_a_top_heading_that_repeats_the_title_is_left_out_and_its_sections_move_up():
    blocks = layout(DOCUMENT, passages(), title="The  Water cycle")
    assert [(block.level, block.text) for block in blocks if block.kind == "heading"] == [
        (2, "Evaporation"), (2, "Condensation"),
    ]  # fmt: skip


def test_a_caption_line_beside_its_figure_is_shown_once_in_the_figure_and_keeps_its_anchor():
    document = "Hearts pump blood.\n\nFigure 2: The heart.\n\nIt has four chambers."
    caption = document.index("Figure 2")
    passages_ = [Passage(ordinal=0, heading="", page=None, start=0, end=caption - 2),
                 Passage(ordinal=1, heading="", page=None, start=caption, end=len(document))]  # fmt: skip
    figure = PlacedFigure(figure="heart", ordinal=2, offset=caption, shown=frozenset({"Figure 2: The heart."}))
    blocks = layout(document, passages_, [figure])
    assert [block.placed.figure if block.kind == "figure" else text_of(block) for block in blocks] == [
        "Hearts pump blood.", "heart", "It has four chambers."]
    assert blocks[2].lines[0][0].anchors == (1,)


def whole(document: str) -> list[Passage]:
    return [Passage(ordinal=0, heading="", page=None, start=0, end=len(document))]


def test_wrapped_lines_are_one_paragraph_that_ends_after_a_short_closing_line():
    document = ("Rivers carry water from the hills down to the sea. On the way\n"
                "they shape valleys.\n"
                "A delta forms where the river slows down at the sea and\n"
                "drops its mud.")  # fmt: skip
    blocks = layout(document, whole(document))
    assert [(block.kind, block.joined, len(block.lines)) for block in blocks] == [
        ("paragraph", True, 2), ("paragraph", True, 2)]


def test_html_lines_are_paragraphs_and_a_line_repeating_a_figure_caption_is_left_out():
    document = "Hearts pump blood.\nHeart Four chambers of the heart.\nIt has four chambers."
    figure = PlacedFigure(figure="heart", ordinal=1, offset=len(document),
                          shown=frozenset({"Heart Four chambers of the heart."}))  # fmt: skip
    blocks = layout(document, whole(document), [figure], lines_are_paragraphs=True)
    assert [text_of(block) if block.lines else block.kind for block in blocks] == [
        "Hearts pump blood.", "It has four chambers.", "figure"]
    assert not any(block.joined for block in blocks)
