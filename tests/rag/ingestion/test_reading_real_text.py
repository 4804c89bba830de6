"""The reading page of real textbook sections (OpenStax anatomy, which nobody on the project wrote): every
passage has its anchor, no markup is left, and every word of the text is on the page once, in a paragraph
or in the figure box whose caption it repeats."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from edu.api import Material
from rag.api import Chunk, ingest_upload, reading_page, run_ingestion
from tests.factories import CourseFactory
from tests.rag.ingestion.anatomy import MATERIALS

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SECTIONS = ["ch01-01-the-cell-membrane.html", "ch02-01-heart-anatomy.html", "ch03-02-the-lungs.html"]
_WORD = re.compile(r"\w+")


def words(texts) -> Counter:
    return Counter(word.lower() for text in texts for word in _WORD.findall(text or ""))


@pytest.mark.parametrize("name", SECTIONS)
def test_a_real_section_reads_whole_with_an_anchor_per_passage_and_no_markup(name):
    if not (MATERIALS / name).exists():
        pytest.skip(f"the real textbook material is not at {MATERIALS}")
    job = ingest_upload(course=CourseFactory(), filename=name, content=(MATERIALS / name).read_bytes(), enqueue=False)
    assert run_ingestion(job_id=job.pk).state == "indexed"
    material = Material.objects.get(pk=job.material_id)
    page = reading_page(material=material)
    pieces = [piece for block in page.blocks for line in block.lines for piece in line]
    figures = [block.placed for block in page.blocks if block.kind == "figure"]

    anchors = [ordinal for piece in pieces for ordinal in piece.anchors] + [figure.ordinal for figure in figures]
    assert sorted(anchors) == sorted(Chunk.objects.filter(material=material).values_list("ordinal", flat=True))
    assert not [piece.text for piece in pieces if re.search(r"<[a-z/][^>]*>|\*\*|^#", piece.text)]

    headings = set(Chunk.objects.filter(material=material).values_list("heading", flat=True))
    text = words(line for line in material.extracted_text.split("\n") if line.strip() not in headings)
    shown = words(piece.text for piece in pieces)
    in_figures = words(text for figure in figures for text in (figure.figure.title, figure.figure.caption,
                                                                figure.figure.alt_text))  # fmt: skip
    assert text - shown - in_figures == Counter()  # nothing of the text is lost
    assert shown - text == Counter()  # and nothing is added
