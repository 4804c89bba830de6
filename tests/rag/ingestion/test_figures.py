"""Figures become diagram records with their caption, alt text, section and position, and the passages
that refer to them are linked; a picture with no readable labels is indexed, never failed."""

from __future__ import annotations

import base64

import pytest
from fpdf import FPDF

from rag.api import Chunk, DiagramGraph, IngestionJob, ingest_upload, run_ingestion
from rag.extractors import extract
from rag.figures import FigurePlace, PassagePlace, caption_number, caption_title, figure_text, referred_figures
from tests.factories import CourseFactory
from tests.rag.ingestion import anatomy, photos

# --- What the extractors find (no database) -------------------------------------------------------


def test_an_html_figure_gives_a_record_with_its_alt_text_caption_and_section_even_without_its_file():
    page = b"""<h1>Heart</h1><h2>Chambers</h2><p>The heart has four chambers.</p>
    <figure><img src="images/heart.png" alt="A cut-away heart" title="The heart">
    <figcaption>Figure 2 The four chambers of the heart.</figcaption></figure>
    <p>Blood enters the right atrium.</p>"""
    (figure,) = extract(kind="html", content=page).diagrams
    assert (figure.alt, figure.title, figure.caption) == (
        "A cut-away heart", "The heart", "Figure 2 The four chambers of the heart."
    )
    assert figure.headings == ("Heart", "Chambers")
    assert figure.source == "images/heart.png" and not figure.has_pixels, "a file not in the upload is not read"


def test_an_html_image_at_a_web_address_is_never_fetched_and_counts_only_when_it_has_words():
    page = b"""<h1>Stars</h1><p>Stars seem to circle the pole.</p>
    <img src="https://example.org/trails.jpg" alt="Star trails over a hill">
    <img src="https://example.org/spacer.gif">"""
    figures = extract(kind="html", content=page).diagrams
    assert [(f.alt, f.source, f.has_pixels) for f in figures] == [("Star trails over a hill", "", False)]


def test_a_markdown_image_of_an_uploaded_file_gives_a_record_with_its_alt_title_and_caption():
    lesson = b"""# Pendulums

A pendulum swings back and forth (see Figure 1).

![A brass pendulum in a clock case](pendulum.jpg "Pendulum clock")

*Figure 1: A pendulum clock keeps time by its swing.*
"""
    (figure,) = extract(kind="markdown", content=lesson).diagrams
    assert figure.alt == "A brass pendulum in a clock case" and figure.title == "Pendulum clock"
    assert figure.caption == "Figure 1: A pendulum clock keeps time by its swing."
    assert figure.source == "pendulum.jpg" and figure.headings == ("Pendulums",)


def test_a_picture_without_readable_labels_is_extracted_instead_of_refused():
    extraction = extract(kind="image", content=photos.star_trails())
    (figure,) = extraction.diagrams
    assert not figure.analysis.nodes and not figure.analysis.text_blocks and figure.has_pixels


def test_captions_give_figure_numbers():
    assert caption_number("Figure 1.2 The heart") == "1.2"
    assert caption_number("Fig. 3: Lungs") == "3"
    assert caption_number("FIGURE 4b Nose") == "4b"
    assert caption_number("The figure shows lungs") == ""


@pytest.mark.parametrize(("caption", "title"), [
    ("Mitochondrion The mitochondria are the energy factories of the cell.", "Mitochondrion"),
    ("Golgi Apparatus (a) The Golgi apparatus sorts proteins. (b) A micrograph.", "Golgi Apparatus"),
    ("Peroxisome Peroxisomes are organelles full of enzymes.", "Peroxisome"),
    ("Prototypical Human Cell While this image is not one real cell, it shows the organelles.",
     "Prototypical Human Cell"),
    ("Structure of DNA The DNA double helix has two strands.", "Structure of DNA"),
    ("Figure 2 The four chambers of the heart.", "Figure 2"),
    ("The heart pumps blood through the body.", ""),
    ("Strands of DNA are wrapped around histones.", ""),
    ("Santiago Ramón y Cajal drew the first neurons.", ""),
    ("Heart Anatomy", ""),
])
def test_a_caption_s_opening_title_is_told_from_its_first_sentence(caption, title):
    found, rest = caption_title(caption)
    assert found == title
    assert f"{found} {rest}".strip() == caption, "nothing of the caption is lost"


def test_an_html_caption_s_title_is_a_line_of_its_own_so_its_first_sentence_starts_cleanly():
    page = b"""<h1>Cells</h1><p>Cells have organelles.</p>
    <figure><figcaption>Mitochondrion The mitochondria are the energy factories of the cell.</figcaption></figure>"""
    extraction = extract(kind="html", content=page)
    assert extraction.sections[0].text.splitlines()[1:] == [
        "Mitochondrion", "The mitochondria are the energy factories of the cell."]
    (figure,) = extraction.diagrams
    assert figure.caption == "Mitochondrion The mitochondria are the energy factories of the cell."


def test_a_passage_is_linked_to_the_figure_it_names_or_to_the_nearest_figure_of_its_own_section():
    figures = [
        FigurePlace(number="1", headings="Heart > Chambers", page=None, offset=100),
        FigurePlace(number="2", headings="Heart > Chambers", page=None, offset=900),
        FigurePlace(number="3", headings="Lungs", page=None, offset=2000),
    ]

    def refers(text: str, headings: str = "Heart > Chambers", start: int = 0) -> list[int]:
        return referred_figures(PassagePlace(text, headings, None, start, start + 200), figures)

    assert refers("Valves close (Figure 3).") == [2], "a number names its figure wherever it is"
    assert refers("See Figs. 1 and 2.") == [0]
    assert refers("The diagram below shows the valves.", start=700) == [1], "the nearest one of the section"
    assert refers("The figure shows the bronchi.", headings="Lungs") == [2]
    assert refers("The figure shows the aorta.", headings="Blood vessels") == [], "no figure in that section"
    assert refers("A figure of speech: the heart is a pump.") == []


def test_a_figure_chunk_says_every_word_known_about_the_figure():
    text = figure_text(
        title="CPR technique", caption="CPR can maintain blood flow.", alt="A person doing CPR on a dummy.",
        teacher_description="Hands pressing on the middle of the chest.",
        labels_description="Diagram. No labelled parts were recognised.", notes=[],
    )  # fmt: skip
    assert text == (
        "Figure: CPR technique. Caption: CPR can maintain blood flow. Picture: A person doing CPR on a dummy. "
        "Teacher's description: Hands pressing on the middle of the chest."
    )
    labelled = figure_text(
        title="", caption="", alt="", teacher_description="",
        labels_description="Diagram. It has 2 parts: Head and Tail.", notes=["not to scale"],
    )  # fmt: skip
    assert labelled == "Diagram. It has 2 parts: Head and Tail. Notes: not to scale."


# --- Indexed from real textbook figures ---------------------------------------------------------


def ingest(course, filename: str, content: bytes, **kwargs) -> IngestionJob:
    job = ingest_upload(course=course, filename=filename, content=content, enqueue=False, **kwargs)
    return run_ingestion(job_id=job.pk)


def _data_uri(path) -> str:
    return f"data:image/jpeg;base64,{base64.b64encode(path.read_bytes()).decode()}"


@pytest.mark.slow
@pytest.mark.django_db
def test_each_figure_embedded_in_a_real_html_section_is_indexed_with_its_caption_alt_text_and_section():
    book = [figure for figure in anatomy.figures() if figure.section.name == "ch01-01-the-cell-membrane.html"]
    page = book[0].section.read_text()
    for figure in book:  # the book's own <figure>s, with the picture embedded and its alt text
        page = page.replace(
            f"<figure><figcaption>{figure.caption[:40]}",
            f'<figure><img src="{_data_uri(figure.picture)}" alt="{figure.alt}"><figcaption>{figure.caption[:40]}',
        )
    course = CourseFactory()
    job = ingest(course, "cell-membrane.html", page.encode())

    assert job.state == IngestionJob.State.INDEXED, job.error_reason
    records = {graph.caption: graph for graph in DiagramGraph.objects.filter(material=job.material)}
    for figure in book:
        graph = records[" ".join(figure.caption.split())]
        assert graph.has_pixels and graph.nodes, f"{figure.picture.name}: its labels were read"
        assert graph.alt_text == figure.alt
        assert graph.heading.startswith("The Cell Membrane > "), graph.heading
        chunk = Chunk.objects.get(diagram=graph)
        assert figure.title.lower() in chunk.text.lower() and chunk.heading == graph.heading
        assert chunk.embedding is not None
    captions_only = [graph for graph in records.values() if not graph.has_pixels]
    assert len(captions_only) == len(records) - len(book) > 0, "the section's other figures are kept by caption"


def _latin1(text: str) -> str:
    """The PDF's built-in fonts only print Latin-1."""
    replaced = text.translate(str.maketrans({"“": '"', "”": '"', "’": "'", "—": "-", "–": "-"}))
    return replaced.encode("latin-1", "replace").decode("latin-1")


def _pdf_with_figures(book: list[anatomy.Figure]) -> bytes:
    """A page of text that refers to Figure 1.2, then one page per figure: caption below, then above."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "The Cell Membrane", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "All living cells have a cell membrane. Its bilayer is drawn in Figure 1.2 on the next "
                   "page. " * 3, new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    for number, figure in enumerate(book, start=2):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 10, _latin1(figure.title.capitalize()), new_x="LMARGIN", new_y="NEXT")
        caption = _latin1(f"Figure 1.{number} {figure.caption}")
        if number % 2 == 0:  # caption below the picture
            pdf.image(str(figure.picture), x=20, y=40, w=150)
            pdf.set_y(40 + 150 * _aspect(figure.picture) + 4)
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 5, caption, new_x="LMARGIN", new_y="NEXT")
        else:  # caption above the picture
            pdf.set_y(30)
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 5, caption, new_x="LMARGIN", new_y="NEXT")
            pdf.image(str(figure.picture), x=20, y=pdf.get_y() + 3, w=150)
    return bytes(pdf.output())


def _aspect(picture) -> float:
    from PIL import Image

    with Image.open(picture) as image:
        return image.height / image.width


@pytest.mark.slow
@pytest.mark.django_db
def test_each_figure_of_a_pdf_is_indexed_with_its_caption_page_and_section_and_linked_to_the_text_naming_it():
    by_name = {figure.picture.name: figure for figure in anatomy.figures()}
    book = [by_name["fig-ch01-phospholipid-bilayer.jpg"], by_name["fig-ch01-cell-membrane.jpg"]]
    content = _pdf_with_figures(book)
    course = CourseFactory()
    job = ingest(course, "membrane.pdf", content)

    assert job.state == IngestionJob.State.INDEXED, job.error_reason
    graphs = list(DiagramGraph.objects.filter(material=job.material).order_by("page"))
    assert [graph.page for graph in graphs] == [2, 3]
    for graph, figure in zip(graphs, book, strict=True):
        assert graph.caption.lower().startswith(f"figure 1.{graph.page} {figure.title.lower()}"), graph.caption
        assert figure.caption.split()[-1].strip(".") in graph.caption, "the whole caption, over several lines"
        assert graph.heading == figure.title.capitalize(), "the section the figure is drawn in"
        x0, y0, x1, y1 = graph.position["bbox"]
        assert 0 < x0 < x1 <= 595 and 0 < y0 < y1 <= 842, "its place on the page, in points"
        assert graph.has_pixels and graph.nodes
    referring = Chunk.objects.get(material=job.material, page=1, modality=Chunk.Modality.TEXT)
    assert list(referring.figures.all()) == [graphs[0]], "'Figure 1.2' on page 1 names the page-2 figure"


@pytest.mark.slow
@pytest.mark.django_db
def test_a_markdown_figure_and_an_html_figure_are_indexed_with_their_words_and_linked_to_the_text():
    course = CourseFactory()
    markdown = ingest(course, "pendulum.md", b"""# Pendulums

A pendulum swings back and forth; the picture below shows one in a clock.

![A brass pendulum in a clock case](pendulum.jpg "Pendulum clock")

*Figure 1: A pendulum clock keeps time by its swing.*
""")
    html = ingest(course, "heart.html", b"""<h1>Heart</h1><p>As Figure 2 shows, the heart has four chambers.</p>
    <figure><img src="heart.png" alt="A cut-away heart"><figcaption>Figure 2 The four chambers.</figcaption></figure>
    <h2>Lungs</h2><figure><img src="lungs.png" alt="The two lungs"><figcaption>Figure 3 The lungs.</figcaption></figure>
    """)

    pendulum = DiagramGraph.objects.get(material=markdown.material)
    assert (pendulum.title, pendulum.alt_text, pendulum.caption) == (
        "Pendulum clock", "A brass pendulum in a clock case", "Figure 1: A pendulum clock keeps time by its swing."
    )
    offset = pendulum.position.pop("offset")  # where it stands in the text, for the reading page
    assert pendulum.position == {"order": 0, "source": "pendulum.jpg"} and not pendulum.has_pixels
    document = type(markdown.material).objects.get(pk=markdown.material_id).extracted_text
    assert document[:offset].rstrip().endswith("the picture below shows one in a clock.")
    chunk = Chunk.objects.get(diagram=pendulum)
    for words in ("Figure: Pendulum clock", "brass pendulum", "keeps time by its swing"):
        assert words in chunk.text
    assert chunk.region is None, "no picture, so no region of it"
    assert [c.modality for c in pendulum.referring_chunks.all()] == ["text"], "'the picture below' is linked"

    heart, lungs = DiagramGraph.objects.filter(material=html.material).order_by("position__order")
    assert (heart.alt_text, heart.caption) == ("A cut-away heart", "Figure 2 The four chambers.")
    assert ["As Figure 2 shows" in c.text for c in heart.referring_chunks.all()] == [True]
    assert [c.heading for c in lungs.referring_chunks.all()] == ["Heart > Lungs"], "only by its own caption"


@pytest.mark.slow
@pytest.mark.django_db
def test_a_photo_without_labels_is_indexed_from_its_title_and_the_teacher_is_asked_to_describe_it():
    course = CourseFactory()
    job = ingest(course, "star-trails.jpg", photos.star_trails())

    assert job.state == IngestionJob.State.INDEXED, job.error_reason
    assert job.stats["unlabelled_pictures"] == 1
    graph = DiagramGraph.objects.get(material=job.material)
    assert graph.needs_description and graph.key == "picture"
    chunk = Chunk.objects.get(diagram=graph)
    assert chunk.text == "Figure: star trails." and chunk.embedding is not None


_LESSON = b"""# Night sky

Stars seem to turn around the pole; the picture below shows their trails.

![Star trails over a hill](images/star-trails.jpg "Star trails")
"""


@pytest.mark.slow
@pytest.mark.django_db
def test_a_markdown_figure_is_tied_to_the_picture_its_course_has_under_that_name_whichever_came_first():
    before, after = CourseFactory(), CourseFactory()
    picture_first = ingest(before, "star-trails.jpg", photos.star_trails())
    lesson_then = ingest(before, "night-sky.md", _LESSON)
    lesson_first = ingest(after, "night-sky.md", _LESSON)
    untied = DiagramGraph.objects.get(material=lesson_first.material)
    picture_then = ingest(after, "Star-Trails.JPG", photos.star_trails(size=(600, 400)))

    assert DiagramGraph.objects.get(material=lesson_then.material).picture == picture_first.material
    assert untied.picture is None, "nothing of that name in the course yet: the file name alone"
    assert DiagramGraph.objects.get(material=lesson_first.material).picture == picture_then.material, (
        "tied when the picture arrives"
    )
    assert DiagramGraph.objects.get(material=picture_then.material).picture is None, "a picture names no other file"


@pytest.mark.slow
@pytest.mark.django_db
def test_a_figure_is_never_tied_to_a_picture_of_the_same_name_in_another_course():
    lesson = ingest(CourseFactory(), "night-sky.md", _LESSON)
    elsewhere = ingest(CourseFactory(), "star-trails.jpg", photos.star_trails())
    other_lesson = ingest(elsewhere.material.course, "other.md", b"# Other\n\n![Trails](elsewhere.jpg)\n")

    assert DiagramGraph.objects.get(material=lesson.material).picture is None
    assert DiagramGraph.objects.get(material=other_lesson.material).picture is None, "only its own name counts"


@pytest.mark.slow
@pytest.mark.django_db
def test_deleting_the_picture_unties_the_figure_which_keeps_its_file_name():
    course = CourseFactory()
    picture = ingest(course, "star-trails.jpg", photos.star_trails())
    lesson = ingest(course, "night-sky.md", _LESSON)

    picture.material.delete()

    figure = DiagramGraph.objects.get(material=lesson.material)
    assert figure.picture is None and figure.position["source"] == "images/star-trails.jpg"
