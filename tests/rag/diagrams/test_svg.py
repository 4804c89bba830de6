"""analyze_svg reads diagrams from SVG markup and refuses anything active or external."""

import pytest

from rag.diagrams import DiagramError, analyze_svg

ARROW_MARKER = (
    '<defs><marker id="arrow" markerWidth="10" markerHeight="10" refX="9" refY="5" orient="auto">'
    '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>'
)


def _svg(body: str, head: str = "") -> bytes:
    return (
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="800" height="600" viewBox="0 0 800 600">{ARROW_MARKER}{body}</svg>'
    ).encode()


GOOD = _svg("""
  <text x="400" y="50" font-size="32" text-anchor="middle">Photosynthesis</text>
  <g transform="translate(60,200)">
    <rect width="180" height="60" rx="8"/>
    <text x="90" y="38" text-anchor="middle" font-size="20">Sunlight</text>
  </g>
  <rect x="500" y="190" width="220" height="80"/>
  <text x="610" y="222" text-anchor="middle" font-size="20">
    <tspan x="610">Light-dependent</tspan><tspan x="610" dy="1.2em">reactions</tspan>
  </text>
  <ellipse cx="610" cy="480" rx="110" ry="40"/>
  <text x="610" y="487" text-anchor="middle" font-size="20">Glucose</text>
  <circle cx="150" cy="480" r="50"/>
  <text x="150" y="487" text-anchor="middle" font-size="20">Water</text>
  <line x1="242" y1="230" x2="496" y2="230" marker-end="url(#arrow)"/>
  <text x="370" y="218" text-anchor="middle" font-size="14">absorbed by</text>
  <path d="M610 272 C 610 330, 610 380, 610 438" style="stroke:black;marker-end:url(#arrow)"/>
  <polyline points="202,480 350,480 498,480" marker-start="url(#arrow)"/>
  <line x1="150" y1="428" x2="150" y2="262"/>
""")


def _edges(analysis):
    labels = {node.id: node.label for node in analysis.nodes}
    return {(labels[e.source], labels[e.target], e.directed, e.label) for e in analysis.edges}


def test_a_well_formed_svg_becomes_a_graph_with_title_groups_of_text_and_arrow_directions():
    analysis = analyze_svg(GOOD)

    assert analysis.title == "Photosynthesis"
    assert (analysis.width, analysis.height) == (800, 600)
    assert [node.label for node in analysis.nodes] == [  # reading order follows the arrows
        "Sunlight",
        "Light-dependent reactions",
        "Glucose",
        "Water",
    ]
    assert _edges(analysis) == {
        ("Sunlight", "Light-dependent reactions", True, "absorbed by"),
        ("Light-dependent reactions", "Glucose", True, ""),
        ("Glucose", "Water", True, ""),  # marker-start: the polyline points back at its first point
        ("Sunlight", "Water", False, ""),
    }
    sunlight = analysis.nodes[0]
    assert sunlight.bbox == (60, 200, 240, 260), "the group's translate() is applied"


def test_the_viewbox_maps_user_units_to_the_declared_size():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 800 600">'
        b'<rect x="100" y="100" width="200" height="100"/><text x="200" y="160" text-anchor="middle">Atom</text>'
        b"</svg>"
    )

    (node,) = analyze_svg(svg).nodes

    assert node.label == "Atom"
    assert node.bbox == (50, 50, 150, 100)


def test_arrowheads_drawn_as_separate_triangles_also_give_direction():
    svg = _svg("""
      <rect x="50" y="250" width="150" height="60"/><text x="125" y="287" text-anchor="middle">Moon</text>
      <rect x="600" y="250" width="150" height="60"/><text x="675" y="287" text-anchor="middle">Earth</text>
      <line x1="202" y1="280" x2="580" y2="280"/>
      <polygon points="598,280 580,270 580,290"/>
    """)

    assert _edges(analyze_svg(svg)) == {("Moon", "Earth", True, "")}


def test_hidden_elements_and_marker_templates_are_not_diagram_parts():
    svg = _svg("""
      <rect x="50" y="250" width="150" height="60"/><text x="125" y="287" text-anchor="middle">Moon</text>
      <g style="display:none"><rect x="300" y="250" width="150" height="60"/>
      <text x="375" y="287">Secret</text></g>
    """)

    assert [node.label for node in analyze_svg(svg).nodes] == ["Moon"]


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (_svg("<script>alert(1)</script>"), "This SVG contains a script and was not processed for safety."),
        (
            _svg('<rect width="10" height="10" onclick="steal()"/>'),
            "This SVG contains an event handler (onclick) and was not processed for safety.",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "This SVG contains an event handler (onload) and was not processed for safety.",
        ),
        (
            _svg('<image xlink:href="http://tracker.example/pixel.png" width="1" height="1"/>'),
            "This SVG links to an external resource and was not processed for safety.",
        ),
        (
            _svg('<use href="file:///etc/passwd#x"/>'),
            "This SVG links to an external resource and was not processed for safety.",
        ),
        (
            _svg('<rect width="9" height="9" style="fill:url(https://evil.example/a.svg#g)"/>'),
            "This SVG refers to an external resource or script and was not processed for safety.",
        ),
        (
            _svg("<style>@import url(https://evil.example/x.css);</style>"),
            "This SVG's styles load external files and was not processed for safety.",
        ),
        (
            _svg('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a>'),
            "This SVG changes a link with an animation and was not processed for safety.",
        ),
        (
            _svg("<foreignObject><p xmlns='http://www.w3.org/1999/xhtml'>hi</p></foreignObject>"),
            "This SVG embeds foreign (HTML) content and was not processed for safety.",
        ),
        (
            _svg("<text>&xxe;</text>", head='<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
            "This SVG contains a document type declaration (DOCTYPE) and was not processed for safety.",
        ),
    ],
    ids=[
        "script",
        "event_handler",
        "onload",
        "external_image",
        "file_use",
        "css_url",
        "style_import",
        "animated_href",
        "foreign_object",
        "external_entity",
    ],
)
def test_active_or_external_content_is_refused_with_a_readable_reason(svg, reason):
    with pytest.raises(DiagramError) as error:
        analyze_svg(svg)

    assert str(error.value).startswith(reason)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "This file is not a readable SVG"),
        (b"", "This file is not a readable SVG"),
        (b"<html><body>hello</body></html>", "This file is not an SVG image"),
    ],
)
def test_malformed_or_non_svg_markup_is_refused(data, reason):
    with pytest.raises(DiagramError, match=reason):
        analyze_svg(data)
