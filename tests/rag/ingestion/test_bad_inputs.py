"""Every kind of bad upload fails only its own job, with a reason a teacher can act on."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from edu.api import Material, UnsupportedFileType
from rag.api import Chunk, IngestionJob, UploadRefused, ingest_upload, run_ingestion
from tests.factories import CourseFactory
from tests.rag.ingestion import files

pytestmark = pytest.mark.django_db

GOOD_PDF = files.pdf_lesson(pages=[("Rivers", "Rivers carry water to the sea. " * 20)])


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><text x="5" y="20">Plants</text><script>alert(1)</script></svg>'
)
SVG_WITH_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text x="5" y="20">&xxe;</text></svg>"""

# (filename, content, words the reason must contain)
BAD_UPLOADS = [
    ("corrupt.pdf", b"%PDF-1.4\n" + random.Random(1).randbytes(3000) + b"\n%%EOF\n", "damaged"),
    ("truncated.pdf", GOOD_PDF[: len(GOOD_PDF) // 2], "incomplete"),
    ("locked.pdf", files.encrypted_pdf(), "password-protected"),
    ("actually-a-pdf.png", files.pdf_lesson(pages=[("Lakes", "Lakes hold fresh water.")]), "content is a PDF document"),
    ("actually-a-zip.pdf", _zip(), "content is a ZIP archive"),
    ("bomb.png", files.decompression_bomb_png(), "too large"),
    ("scripted.svg", SVG_WITH_SCRIPT, "script"),
    ("entities.svg", SVG_WITH_ENTITY, "not processed for safety"),
    ("latin1.txt", "Crème brûlée, café, naïve.".encode("latin-1"), "not UTF-8"),
    ("utf16.md", "# Notes\n\nUTF-16 text.".encode("utf-16"), "not UTF-8"),
    ("scan.pdf", files.blank_pdf(), "No text was found"),
]


@pytest.mark.slow
def test_each_bad_upload_fails_alone_with_a_readable_reason_while_a_good_one_is_indexed(settings):
    course = CourseFactory()
    good = ingest_upload(course=course, filename="rivers.pdf", content=GOOD_PDF, enqueue=False)
    bad = {name: ingest_upload(course=course, filename=name, content=content, enqueue=False)
           for name, content, _ in BAD_UPLOADS}  # fmt: skip

    for job in [*bad.values(), good]:
        run_ingestion(job_id=job.pk)

    good.refresh_from_db()
    assert good.state == IngestionJob.State.INDEXED and Chunk.objects.filter(material=good.material).exists()
    for name, _, expected in BAD_UPLOADS:
        job = IngestionJob.objects.select_related("material").get(pk=bad[name].pk)
        assert job.state == IngestionJob.State.FAILED, name
        assert expected.lower() in job.error_reason.lower(), (name, job.error_reason)
        assert job.material.status == Material.Status.FAILED
        assert not Chunk.objects.filter(material=job.material).exists()
        assert not job.material.file, f"{name}: a file that failed validation is not kept"
    assert "brûlée" not in bad["latin1.txt"].error_reason, "reasons never quote the file"


def test_an_oversized_upload_is_refused_under_the_configured_limit_and_stores_nothing(settings):
    settings.GLOSSA = {**settings.GLOSSA, "MAX_UPLOAD_BYTES": 1024 * 1024}
    course = CourseFactory()
    with pytest.raises(UploadRefused, match="larger than the 1 MB upload limit"):
        ingest_upload(course=course, filename="big.txt", content=b"a" * (1024 * 1024 + 1), enqueue=False)
    assert not Material.objects.filter(course=course).exists()


def test_a_zero_byte_upload_is_refused_and_stores_nothing():
    course = CourseFactory()
    with pytest.raises(UploadRefused, match="empty"):
        ingest_upload(course=course, filename="notes.md", content=b"", enqueue=False)
    assert not Material.objects.filter(course=course).exists()


def test_an_unsupported_extension_is_refused_at_upload_and_stores_nothing():
    course = CourseFactory()
    with pytest.raises(UnsupportedFileType, match="'.exe' files are not supported"):
        ingest_upload(course=course, filename="setup.exe", content=b"MZ\x90\x00", enqueue=False)
    assert not Material.objects.filter(course=course).exists()
