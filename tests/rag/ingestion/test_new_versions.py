"""A new version of a material: indexed like an upload while students keep the current version; once
indexed it takes the material's place (same id, title and course; old chunks and file gone); a failed one
leaves the current version in place with its reason; citations of the old version say so."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from edu.api import Material, UnsupportedFileType
from rag.api import (
    Chunk,
    IngestionJob,
    UploadRefused,
    VersionRefused,
    ingest_upload,
    reading_page,
    replace_material_file,
    rerun_ingestion,
    run_ingestion,
)
from rag.selectors import citation_places
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

FIRST = b"# Rivers\n\nRivers carry water from the hills to the sea. They shape valleys as they flow.\n"
SECOND = (
    b"# Rivers and lakes\n\nLakes hold fresh water in hollows of the land. Many rivers end in a lake.\n\n"
    b"## Deltas\n\nWhere a river meets the sea it drops its mud and sand, building a delta.\n"
)


@pytest.fixture
def rivers() -> Material:
    """An indexed Markdown lesson, renamed by its teacher."""
    job = ingest_upload(course=CourseFactory(), filename="rivers.md", content=FIRST, enqueue=False,
                        title="Rivers, week 2")  # fmt: skip
    run_ingestion(job_id=job.pk)
    return Material.objects.get(pk=job.material_id)


def texts(material: Material) -> list[str]:
    return list(Chunk.objects.filter(material=material).order_by("ordinal").values_list("text", flat=True))


@pytest.mark.slow
def test_a_new_version_takes_the_materials_place_only_once_it_is_indexed(rivers, django_capture_on_commit_callbacks):
    old_file, old_chunks = rivers.file.name, texts(rivers)
    with django_capture_on_commit_callbacks(execute=True):
        job = replace_material_file(material=rivers, filename="rivers-v2.md", content=SECOND, enqueue=False)

    # Queued, not yet run: students still get the first version, whole.
    rivers.refresh_from_db()
    assert (rivers.status, rivers.version, rivers.file.name, texts(rivers)) == ("ready", 1, old_file, old_chunks)
    assert job.replacement and job.new_file and default_storage.exists(job.new_file.name)
    new_file = job.new_file.name

    with django_capture_on_commit_callbacks(execute=True):
        job = run_ingestion(job_id=job.pk)

    rivers.refresh_from_db()
    assert job.state == IngestionJob.State.INDEXED and job.stats["version"] == 2
    assert (rivers.title, rivers.version, rivers.status, rivers.original_filename) == (
        "Rivers, week 2", 2, "ready", "rivers-v2.md")
    assert rivers.file.name == new_file and not job.new_file  # the waiting file became the material's
    assert default_storage.exists(rivers.file.name) and not default_storage.exists(old_file)
    assert all("Rivers carry water" not in text for text in texts(rivers))
    assert any("building a delta" in text for text in texts(rivers))
    assert Material.objects.filter(course=rivers.course).count() == 1


@pytest.mark.slow
def test_a_new_version_keeps_a_title_taken_from_the_first_documents_heading(django_capture_on_commit_callbacks):
    job = ingest_upload(course=CourseFactory(), filename="week-2.md", content=FIRST, enqueue=False)
    material = run_ingestion(job_id=job.pk).material
    material.refresh_from_db()
    assert material.title == "Rivers"
    new = replace_material_file(material=material, filename="week-2.md", content=SECOND, enqueue=False)
    run_ingestion(job_id=new.pk)
    material.refresh_from_db()
    assert (material.title, material.version) == ("Rivers", 2)


@pytest.mark.slow
def test_a_failed_new_version_leaves_the_current_one_in_place_with_the_reason(
    rivers, django_capture_on_commit_callbacks
):
    old_file, old_chunks = rivers.file.name, texts(rivers)
    broken = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = replace_material_file(material=rivers, filename="rivers.pdf", content=broken, enqueue=False)
    new_file = job.new_file.name
    with django_capture_on_commit_callbacks(execute=True):
        job = run_ingestion(job_id=job.pk)

    rivers.refresh_from_db()
    assert job.state == IngestionJob.State.FAILED and "damaged" in job.error_reason.lower()
    assert (rivers.status, rivers.version, rivers.kind, rivers.file.name) == ("ready", 1, "markdown", old_file)
    assert texts(rivers) == old_chunks and default_storage.exists(old_file)
    assert not job.new_file and not default_storage.exists(new_file)  # nothing of the failed file is kept


@pytest.mark.slow
def test_a_new_version_of_a_failed_material_makes_it_readable(django_capture_on_commit_callbacks):
    course = CourseFactory()
    job = run_ingestion(job_id=ingest_upload(course=course, filename="scan.pdf", enqueue=False,
                                             content=b"%PDF-1.4\n" + bytes(range(256)) * 8).pk)  # fmt: skip
    material = Material.objects.get(pk=job.material_id)
    assert material.status == "failed"
    new = replace_material_file(material=material, filename="rivers.md", content=FIRST, enqueue=False)
    assert Material.objects.get(pk=material.pk).status == "pending"
    run_ingestion(job_id=new.pk)
    material.refresh_from_db()
    assert (material.status, material.kind, material.version) == ("ready", "markdown", 2)


def test_a_new_version_is_refused_when_it_changes_nothing_or_belongs_to_another_material(rivers):
    other = ingest_upload(course=rivers.course, filename="lakes.md", content=b"Lakes hold water.", enqueue=False)
    IngestionJob.objects.filter(pk=other.pk).update(state=IngestionJob.State.INDEXED)
    jobs_before = IngestionJob.objects.count()

    with pytest.raises(VersionRefused, match="already has"):
        replace_material_file(material=rivers, filename="rivers.md", content=FIRST, enqueue=False)
    with pytest.raises(VersionRefused, match="already in the course"):
        replace_material_file(material=rivers, filename="lakes.md", content=b"Lakes hold water.", enqueue=False)
    with pytest.raises(UploadRefused):
        replace_material_file(material=rivers, filename="rivers.md", content=b"", enqueue=False)
    with pytest.raises(UnsupportedFileType):
        replace_material_file(material=rivers, filename="rivers.exe", content=b"MZ", enqueue=False)
    assert IngestionJob.objects.count() == jobs_before


def test_only_one_version_is_indexed_at_a_time(rivers):
    replace_material_file(material=rivers, filename="rivers.md", content=SECOND, enqueue=False)
    with pytest.raises(VersionRefused, match="still being indexed"):
        replace_material_file(material=rivers, filename="rivers.md", content=SECOND + b"More.", enqueue=False)


def test_a_waiting_new_version_is_deleted_with_its_material(rivers, django_capture_on_commit_callbacks):
    from edu.services import delete_material  # what the portal's delete calls

    job = replace_material_file(material=rivers, filename="rivers.md", content=SECOND, enqueue=False)
    waiting = job.new_file.name
    with django_capture_on_commit_callbacks(execute=True):
        delete_material(material=rivers)
    assert not default_storage.exists(waiting)


@pytest.mark.slow
def test_a_citation_of_a_replaced_version_is_marked_as_from_an_earlier_version(rivers):
    chunk = Chunk.objects.filter(material=rivers).order_by("ordinal").first()
    (cited,) = citation_places([{"chunk_id": chunk.pk, "material_id": rivers.pk}])
    assert (cited["ordinal"], cited["material_version"]) == (chunk.ordinal, 1)

    page = reading_page(material=rivers, passage=cited["ordinal"], version=cited["material_version"])
    assert page.cited == chunk.ordinal and page.earlier_version is None

    run_ingestion(job_id=replace_material_file(material=rivers, filename="rivers.md", content=SECOND,
                                               enqueue=False).pk)  # fmt: skip
    rivers.refresh_from_db()
    page = reading_page(material=rivers, passage=cited["ordinal"], version=cited["material_version"])
    assert page.earlier_version == 1 and page.cited is None  # said, and nothing of the new text is marked
    assert not any(piece.cited for block in page.blocks for line in block.lines for piece in line)
    # An answer written now cites the new version's passage.
    new_chunk = Chunk.objects.filter(material=rivers).order_by("ordinal").first()
    assert citation_places([{"chunk_id": new_chunk.pk}])[0]["material_version"] == 2


@pytest.mark.slow
def test_a_citation_stays_valid_when_the_same_version_is_indexed_again(rivers):
    chunk = Chunk.objects.filter(material=rivers).order_by("ordinal").first()
    (cited,) = citation_places([{"chunk_id": chunk.pk}])
    run_ingestion(job_id=rerun_ingestion(material=rivers, enqueue=False).pk)

    assert not Chunk.objects.filter(pk=chunk.pk).exists()  # the rows are new ...
    page = reading_page(material=rivers, passage=cited["ordinal"], version=cited["material_version"])
    assert page.cited == cited["ordinal"] and page.earlier_version is None  # ... the passage is the same
    marked = "".join(piece.text for block in page.blocks for line in block.lines for piece in line if piece.cited)
    assert marked.split() == chunk.text.split()


@pytest.mark.slow
def test_a_new_version_does_not_inherit_descriptions_of_the_old_files_figures():
    from rag.api import DiagramGraph, describe_figure

    old = b"# Clocks\n\nA clock keeps time.\n\n![A clock](pendulum.jpg)\n"
    job = ingest_upload(course=CourseFactory(), filename="clocks.md", content=old, enqueue=False)
    run_ingestion(job_id=job.pk)
    describe_figure(diagram=DiagramGraph.objects.get(material=job.material), enqueue=False,
                    description="A brass pendulum swinging in a clock case")  # fmt: skip

    new = b"# Clocks\n\nA clock keeps time.\n\n![A sundial](sundial.jpg)\n"  # its first figure is another picture
    run_ingestion(job_id=replace_material_file(material=job.material, filename="clocks.md", content=new,
                                               enqueue=False).pk)  # fmt: skip
    (figure,) = DiagramGraph.objects.filter(material=job.material)
    assert figure.key == "figure-1" and figure.teacher_description == ""
    assert "pendulum" not in Chunk.objects.get(diagram=figure).text
