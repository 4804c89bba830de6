"""Enroll a course's people from a CSV file: name, email, role (student/teacher/guardian), student_id, grade."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edu.api import Course
from privacy.services import import_roster

REQUIRED_COLUMNS = {"name", "email", "role"}


class Command(BaseCommand):
    help = "Enroll people from a roster CSV (columns: name, email, role, optional student_id, grade)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--course", required=True, help="Course slug.")
        parser.add_argument("file", type=Path)

    def handle(self, *args, course: str, file: Path, **options) -> None:
        course_obj = Course.objects.filter(slug=course).first()
        if course_obj is None:
            raise CommandError(f"No course with slug '{course}'.")
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                columns = {name.strip().lower() for name in reader.fieldnames or []}
                if not columns >= REQUIRED_COLUMNS:
                    missing = ", ".join(sorted(REQUIRED_COLUMNS - columns))
                    raise CommandError(f"The CSV needs a header with the columns: {missing}.")
                report = import_roster(course=course_obj, rows=reader)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Cannot read the roster file: {type(error).__name__}.") from None
        for message in report.errors:
            self.stderr.write(message)
        self.stdout.write(
            f"Enrolled {report.enrolled}, added {report.guardians} guardians, skipped {len(report.errors)} rows."
        )
