"""Import a course roster CSV with the one roster importer (edu.roster; the format is in the README).

The operator at the command line acts as an administrator: teacher rows are allowed, and
``--link-existing`` links rows that match existing accounts. Every run is audited.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from edu.api import MAX_ROSTER_BYTES, Course, RosterFileError, import_roster
from privacy.management.commands.erase_learner import user_named
from privacy.services import audit_roster_import


class Command(BaseCommand):
    help = (
        "Import a roster CSV into a course (columns: username, first_name, last_name or name, email, "
        "role, grade, student_id; see the README). Existing accounts are reported, not adopted, unless "
        "--link-existing is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--course", required=True, help="Course slug.")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--link-existing", action="store_true",
            help="Enroll rows that match an existing account (by username or email) instead of reporting them.",
        )
        parser.add_argument("--by", metavar="USERNAME", help="The administrator running the import (for the audit).")

    def handle(self, *args, course: str, file: Path, link_existing: bool, by: str | None, **options) -> None:
        course_obj = Course.objects.filter(slug=course).first()
        if course_obj is None:
            raise CommandError(f"No course with slug '{course}'.")
        actor = user_named(by) if by else None
        if actor is not None and not actor.is_staff:
            raise CommandError("--by must name an administrator (staff) account.")
        try:
            with file.open("rb") as handle:
                content = handle.read(MAX_ROSTER_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read the roster file: {error.strerror or type(error).__name__}.") from None
        try:
            report = import_roster(course=course_obj, content=content, imported_by=actor, link_existing=link_existing)
        except (RosterFileError, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        audit_roster_import(report=report, course=course_obj, actor=actor, where="cli")
        for notice in report.notices:
            self.stderr.write(notice)
        for error in report.errors:
            self.stderr.write(str(error))
        self.stdout.write(
            f"Created {report.created}, linked {report.linked}, added {report.guardians} guardians, "
            f"unchanged {report.unchanged}, rejected {len(report.errors)} rows."
        )
