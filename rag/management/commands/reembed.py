"""Re-embed chunks after the embedding model changed (GLOSSA_EMBEDDING_MODEL)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edu.api import Course
from rag.embeddings import get_embedder
from rag.services import reembed


class Command(BaseCommand):
    help = "Re-embed the chunks not made by the current embedding model: reembed [--course SLUG] [--all]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", help="only this course (slug)")
        parser.add_argument("--all", dest="force", action="store_true", help="re-embed every chunk, even current ones")

    def handle(self, *args, course: str | None, force: bool, **options) -> None:
        course_obj = None
        if course:
            course_obj = Course.objects.filter(slug=course).first()
            if course_obj is None:
                raise CommandError(f"No course with the slug '{course}'.")
        count = reembed(course=course_obj, force=force)
        self.stdout.write(f"Re-embedded {count} chunk(s) with {get_embedder().model_name}.")
