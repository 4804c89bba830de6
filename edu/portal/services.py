"""Writes the portal and the REST API start: batch uploads and roster imports.

Both report problems per file or per line, so one bad file or row never loses the others.
Messages name the file or the line number, never the personal data inside a row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from edu import services as edu_services
from edu.api import Course, Enrollment, LearningObjective
from rag import api as rag_api

ROSTER_COLUMNS = ("username", "first_name", "last_name", "email", "role", "grade")


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


@dataclass
class RosterOutcome:
    created: int = 0
    enrolled: int = 0
    errors: list[str] = field(default_factory=list)


def import_roster(*, course: Course, csv_text: str) -> RosterOutcome:
    """Create missing accounts and enroll everyone listed. New accounts get no usable password:
    the school sets it (admin console or single sign-on), never a CSV column."""
    outcome = RosterOutcome()
    reader = csv.DictReader(io.StringIO(csv_text))
    if not reader.fieldnames or "username" not in [name.strip().lower() for name in reader.fieldnames]:
        columns = ", ".join(ROSTER_COLUMNS)
        outcome.errors.append(f"The first line must be a header with at least 'username'; columns: {columns}.")
        return outcome
    for line_number, raw in enumerate(reader, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
        try:
            created = _import_roster_row(course=course, row=row)
        except (ValueError, ValidationError) as error:
            outcome.errors.append(f"Line {line_number}: {_message(error)}")
            continue
        outcome.enrolled += 1
        outcome.created += int(created)
    return outcome


@transaction.atomic
def _import_roster_row(*, course: Course, row: dict[str, str]) -> bool:
    username = row.get("username", "")
    if not username:
        raise ValueError("the username is missing.")
    role = (row.get("role") or Enrollment.Role.STUDENT).lower()
    if role not in Enrollment.Role.values:
        raise ValueError("the role must be 'student' or 'teacher'.")
    existed = get_user_model().objects.filter(username=username).exists()
    user = edu_services.create_user(
        username=username,
        first_name=row.get("first_name", ""),
        last_name=row.get("last_name", ""),
        email=row.get("email", ""),
    )
    edu_services.enroll(user=user, course=course, role=role)
    if role == Enrollment.Role.STUDENT and row.get("grade"):
        try:
            grade = int(row["grade"])
        except ValueError:
            raise ValueError("the grade must be a whole number from 1 to 13.") from None
        edu_services.update_profile(user=user, grade_level=grade)
    return not existed


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)
