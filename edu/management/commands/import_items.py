from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from edu.models import Course
from edu.services import ItemImportError, import_items_csv


class Command(BaseCommand):
    help = (
        "Import practice items from a CSV file (columns: objective_code, kind, prompt, choices, answer, "
        "explanation; choices and short answers separated by '|'). Bad rows are reported, good rows imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", required=True, help="The course's slug.")
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")

    def handle(self, *args, course: str, file: Path, **options):
        found = Course.objects.filter(slug=course).first()
        if found is None:
            raise CommandError(f"No course with the slug '{course}'.")
        try:
            with file.open("rb") as handle:
                report = import_items_csv(course=found, file=handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ItemImportError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{report.created} item(s) created, {report.updated} updated.")
        for error in report.errors:
            self.stderr.write(self.style.WARNING(str(error)))
        if report.errors:
            raise CommandError(f"{len(report.errors)} row(s) were not imported.", returncode=1)
