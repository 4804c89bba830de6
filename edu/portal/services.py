"""Writes the portal and the REST API start: batch uploads (roster imports are edu.roster's).

Problems are reported per file, so one bad file never loses the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile

from edu.api import Course, LearningObjective
from rag import api as rag_api


@dataclass
class UploadOutcome:
    jobs: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def upload_materials(
    *,
    course: Course,
    files: Iterable[UploadedFile],
    uploaded_by: AbstractBaseUser,
    objectives: Iterable[LearningObjective] = (),
) -> UploadOutcome:
    """Queue each file for ingestion. Unsupported, empty and oversized files are reported here and
    nothing of them is kept; each upload is handed on as a file (streamed in chunks, never read whole)."""
    outcome = UploadOutcome()
    objectives = list(objectives)
    for upload in files:
        name = upload.name or "file"
        try:
            job = rag_api.ingest_upload(
                course=course, filename=name, content=upload, uploaded_by=uploaded_by, objectives=objectives
            )
        except ValueError as error:  # an unsupported type, an empty or oversized file
            outcome.errors.append(f"{name}: {error}")
            continue
        outcome.jobs.append(job)
    return outcome
