from django.core.management.base import BaseCommand, CommandError

from edu.embedded_db import EmbeddedDatabase, EmbeddedDatabaseError


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL+pgvector server (data under var/postgres)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status", "url"])

    def handle(self, *args, action: str, **options):
        database = EmbeddedDatabase.from_settings()
        try:
            if action == "url":
                self.stdout.write(database.url)
                return
            message = getattr(database, action)()
        except EmbeddedDatabaseError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"embedded PostgreSQL: {message}")
