"""The ingest and reembed management commands."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from rag.api import Chunk, IngestionJob
from tests.factories import CourseFactory
from tests.rag.ingestion import files

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_ingest_sync_indexes_files_and_folders_reports_each_and_fails_on_bad_ones(tmp_path, capsys):
    course = CourseFactory(slug="biology")
    (tmp_path / "lesson.md").write_bytes(files.LESSON_MD.encode())
    folder = tmp_path / "diagrams"
    folder.mkdir()
    (folder / "cycle.svg").write_bytes(files.svg_diagram())
    (tmp_path / "broken.txt").write_bytes("caf\xe9".encode("latin-1"))

    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest", "--course", "biology", "--sync", str(tmp_path / "lesson.md"), str(folder),
                     str(tmp_path / "broken.txt"))  # fmt: skip
    out, err = capsys.readouterr()
    assert "lesson.md: indexed (3 chunks, 0 diagrams" in out
    assert "cycle.svg: indexed (1 chunks, 1 diagrams" in out
    assert "broken.txt: failed - This text file is not UTF-8" in err
    assert Chunk.objects.filter(course=course).count() == 4


def test_ingest_wait_without_a_worker_stops_at_the_timeout_with_a_hint(tmp_path, django_capture_on_commit_callbacks):
    CourseFactory(slug="physics")
    (tmp_path / "notes.txt").write_bytes(b"Force equals mass times acceleration.")
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(CommandError, match="Is a worker running"),
    ):
        call_command("ingest", "--course", "physics", "--wait", "--timeout", "1", str(tmp_path / "notes.txt"))
    job = IngestionJob.objects.get()
    assert job.state == IngestionJob.State.QUEUED and job.celery_task_id
    assert len(callbacks) == 1, "the task is sent once the upload is committed"


def test_ingest_refuses_an_unknown_course_and_an_unsupported_file(tmp_path):
    with pytest.raises(CommandError, match="No course"):
        call_command("ingest", "--course", "nope", str(tmp_path))
    CourseFactory(slug="art")
    (tmp_path / "tool.exe").write_bytes(b"MZ")
    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest", "--course", "art", "--sync", str(tmp_path / "tool.exe"))


@pytest.mark.slow
def test_reembed_counts_what_it_refreshed(tmp_path, capsys):
    course = CourseFactory(slug="chemistry")
    (tmp_path / "lesson.md").write_bytes(files.LESSON_MD.encode())
    call_command("ingest", "--course", "chemistry", "--sync", str(tmp_path / "lesson.md"))
    Chunk.objects.filter(course=course).update(embedding_model="old-model")
    call_command("reembed", "--course", "chemistry")
    assert "Re-embedded 3 chunk(s)" in capsys.readouterr().out
    assert not Chunk.objects.filter(embedding_model="old-model").exists()
