"""Every figure of the real anatomy textbook indexes as a picture upload, photos included."""

from __future__ import annotations

import re
import time

import pytest

from rag.api import Chunk, IngestionJob, ingest_upload, run_ingestion
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
