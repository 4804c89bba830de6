"""Every figure of the real anatomy textbook indexes as a picture upload, photos included."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest

from rag.api import Chunk, IngestionJob, ingest_upload, run_ingestion
from rag.diagrams import analyze_image
from rag.diagrams.describe import is_part
from tests.factories import CourseFactory
from tests.rag.ingestion import anatomy

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_all_sixteen_figure_pictures_index_with_no_failure_and_their_chunk_names_the_figure():
    course = CourseFactory()
    figures = anatomy.figures()
    seconds = []
    for figure in figures:
        job = ingest_upload(course=course, filename=figure.picture.name, content=figure.picture.read_bytes(),
                            enqueue=False)  # fmt: skip
        started = time.perf_counter()
        job = run_ingestion(job_id=job.pk)
        seconds.append(time.perf_counter() - started)
        assert job.state == IngestionJob.State.INDEXED, (figure.picture.name, job.error_reason)
        chunk = Chunk.objects.get(material=job.material, modality=Chunk.Modality.DIAGRAM)
        assert words(figure.title) <= words(chunk.text), "'Which diagram shows <title>?' finds it by its words"
    assert len(seconds) == 16
    print(f"\n16 anatomy figures: {sum(seconds) / len(seconds):.2f} s per figure on average, "
          f"slowest {max(seconds):.2f} s, total {sum(seconds):.1f} s")  # fmt: skip


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_on_the_real_figures_every_part_is_one_label_of_words_never_symbol_noise_or_merged_neighbours():
    parts = {figure.picture.name: [node.label for node in analyze_image(figure.picture.read_bytes()).nodes
                                   if is_part(node.label)] for figure in anatomy.figures()}  # fmt: skip

    for name, labels in parts.items():
        for label in labels:
            assert re.search(r"[A-Za-z]{2}", label), (name, label)  # "O O P O O", "CH2—CH—CH2" are no parts
            latin = [unicodedata.name(char, "").startswith(("LATIN", "GREEK")) for char in label if char.isalpha()]
            assert all(latin), (name, label)  # no stray CJK the OCR made of strokes
            assert sum(len(token) == 1 for token in label.split()) <= 1, (name, label)
    # Labels stacked close together beside the drawing, each with its own leader line, are not run together.
    heart = parts["fig-ch02-position-of-the-heart-in-the-thorax.jpg"]
    assert {"Aortic arch", "Base", "Right lung", "Right auricle", "Right ventricle", "Ribs (cut)"} <= set(heart)
    digestive = parts["fig-ch04-components-of-the-digestive-system.jpg"]
    assert {"Stomach", "Spleen", "Cecum", "Appendix", "Rectum"} <= set(digestive), "once one run-on 'note'"
    # A leader line that starts a little way from its label, or fans out as a bracket, still parts the stack; a
    # row of small letters ("veins") under a taller one is its second row; a row ending in a colon heads a list.
    assert {"Left atrium", "Left pulmonary veins", "Aortic semilunar valve"} <= set(
        parts["fig-ch02-dual-system-of-the-human-blood-circulation.jpg"])
    assert {"Nasal cavity", "Nostril", "Oral cavity"} <= set(parts["fig-ch03-major-respiratory-structures.jpg"])
    assert {"Ala", "Apex", "Philtrum"} <= set(parts["fig-ch03-nose.jpg"])
    assert {"Kidney", "Spleen"} <= set(parts["fig-ch04-the-peritoneum.jpg"])
    assert "Pseudostratified columnar epithelia" in parts["fig-ch03-pseudostratified-ciliated-columnar-epithelium.jpg"]
    assert {"Small intestine", "Duodenum", "Jejunum", "Salivary glands", "Parotid gland"} <= set(digestive)
