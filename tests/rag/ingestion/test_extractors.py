"""Each extractor reads a real file made here into sections (with headings and pages) and diagrams."""

from __future__ import annotations

import pytest

from rag.extractors import IngestionInputError, extract
from tests.rag.ingestion import files


def test_plain_text_keeps_paragraphs_and_accepts_a_byte_order_mark():
    extraction = extract(kind="text", content="\ufeffFirst line.\r\n\r\n\r\nSecond paragraph é.".encode())
    assert [section.text for section in extraction.sections] == ["First line.\n\nSecond paragraph é."]
    assert extraction.sections[0].headings == ()


def test_markdown_headings_become_heading_paths_and_inline_markup_is_dropped():
    content = files.LESSON_MD.replace("Plants make", "Plants **make** [see](http://x.example)").encode()
    sections = extract(kind="markdown", content=content).sections
    assert [section.headings for section in sections] == [
        ("Photosynthesis",),
        ("Photosynthesis", "Where it happens"),
        ("Photosynthesis", "What it makes"),
    ]
    assert sections[0].text.startswith("Plants make see their own food.")
    assert "chloroplasts" in sections[1].text


def test_markdown_setext_headings_and_code_fences():
    content = b"Rocks\n=====\n\nIgneous rock cools.\n\n```\n# not a heading\n```\n\nTypes\n-----\nSedimentary.\n"
    sections = extract(kind="markdown", content=content).sections
    assert [section.headings for section in sections] == [("Rocks",), ("Rocks", "Types")]
    assert "# not a heading" in sections[0].text


def test_html_is_sanitised_scripts_and_styles_vanish_and_headings_drive_sections():
    html = b"""<!doctype html><html><head><title>Page</title><style>p{color:red}</style></head><body>
    <h1>Volcanoes</h1><p onclick="steal()">Magma rises <b>through</b> the crust.</p>
    <script>document.cookie = 'stolen'</script><iframe src="http://evil.example">framed</iframe>
    <h2>Eruptions</h2><ul><li>Lava flows</li><li>Ash clouds</li></ul>
    <img src="x.png" alt="A cone volcano"></body></html>"""
    sections = extract(kind="html", content=html).sections
    assert [section.headings for section in sections] == [("Volcanoes",), ("Volcanoes", "Eruptions")]
    assert sections[0].text == "Magma rises through the crust."
    assert sections[1].text == "Lava flows\nAsh clouds\nA cone volcano"
    everything = " ".join(section.text for section in sections)
    for leaked in ("cookie", "stolen", "steal", "color", "framed", "Page"):
        assert leaked not in everything


def test_html_in_a_declared_legacy_charset_is_decoded_by_its_declaration():
    html = '<meta charset="windows-1252"><h1>Café</h1><p>Crème brûlée is a dessert.</p>'.encode("cp1252")
    sections = extract(kind="html", content=html).sections
    assert sections[0].headings == ("Café",) and sections[0].text == "Crème brûlée is a dessert."


def test_pdf_text_is_page_aware_and_larger_fonts_become_headings():
    content = files.pdf_lesson(
        pages=[
            ("The Water Cycle", "Water evaporates from the sea. " * 10),
            ("Clouds", "Clouds form when vapour cools."),
        ]
    )
    sections = extract(kind="pdf", content=content).sections
    assert [(section.headings, section.page) for section in sections] == [
        (("The Water Cycle",), 1),
        (("Clouds",), 2),
    ]
    assert "evaporates" in sections[0].text and "vapour cools" in sections[1].text


@pytest.mark.slow
def test_pdf_embedded_diagram_goes_through_the_image_path_with_its_page():
    content = files.pdf_lesson(
        pages=[("Water", "The water cycle has three stages."), ("More", "Text.")], image=files.diagram_png()
    )
    extraction = extract(kind="pdf", content=content)
    assert len(extraction.diagrams) == 1
    found = extraction.diagrams[0]
    assert found.page == 1
    labels = {node.label for node in found.analysis.nodes}
    assert {"Evaporation", "Condensation", "Precipitation"} <= labels


@pytest.mark.slow
def test_a_pdf_without_text_layer_is_read_from_its_page_images():
    extraction = extract(kind="pdf", content=files.image_pdf(files.diagram_png()))
    assert not any(section.text for section in extraction.sections)
    assert "Evaporation" in extraction.diagrams[0].analysis.description


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_raster_diagrams_give_labels_arrows_and_a_description(fmt):
    extraction = extract(kind="image", content=files.diagram_png(fmt=fmt))
    (found,) = extraction.diagrams
    analysis = found.analysis
    labels = {node.id: node.label for node in analysis.nodes}
    assert {"Evaporation", "Condensation", "Precipitation"} <= set(labels.values())
    arrows = {(labels[edge.source], labels[edge.target]) for edge in analysis.edges if edge.directed}
    assert ("Evaporation", "Condensation") in arrows
    assert "Evaporation" in analysis.description


def test_svg_text_and_shapes_are_read_directly():
    (found,) = extract(kind="svg", content=files.svg_diagram()).diagrams
    labels = {node.id: node.label for node in found.analysis.nodes}
    assert set(labels.values()) == {"Caterpillar", "Butterfly"}
    assert [(labels[e.source], labels[e.target], e.directed) for e in found.analysis.edges] == [
        ("Caterpillar", "Butterfly", True)
    ]


def test_a_jpeg_named_png_is_still_an_image_but_a_pdf_named_png_is_refused():
    with pytest.raises(IngestionInputError, match="named as an image .* its content is a PDF document"):
        extract(kind="image", content=files.pdf_lesson(pages=[("A", "b")]))
