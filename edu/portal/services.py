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
    """Queue each file for ingestion. Unsupported types are reported here; empty or oversized files
    become failed jobs (ingestion's rule), so the job list shows every file and why it failed."""
    outcome = UploadOutcome()
    objectives = list(objectives)
    for upload in files:
        name = upload.name or "file"
        try:
            job = rag_api.ingest_upload(
                course=course, filename=name, content=upload.read(), uploaded_by=uploaded_by, objectives=objectives
            )
        except ValueError as error:  # an unsupported type and other readable refusals
            outcome.errors.append(f"{name}: {error}")
            continue
        outcome.jobs.append(job)
    return outcome

