"""`manage.py search --course SLUG --user USERNAME [--k 10] [--json] "query"`: retrieval from a terminal.

Runs exactly what the portal and REST API run (``rag.api.search``), as the given user, so a
teacher can check what a student would get back and why (score breakdown per hit).
"""

from __future__ import annotations

import json
import textwrap

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from edu.api import Course
from rag.api import SearchResponse, search

SNIPPET_CHARS = 160


def format_table(response: SearchResponse) -> str:
    lines = [f"query (redacted): {response.query_redacted}", ""]
    if not response.hits:
        lines.append("no results")
    for rank, hit in enumerate(response.hits, start=1):
        where = f"page {hit.page}" if hit.page else ""
        if hit.region:
            where = f"{where} region {hit.region}".strip()
        scores = hit.scores
        lines.append(
            f"{rank:>2}. {hit.score:.4f}  [{hit.modality}] {hit.material_title}"
            + (f" > {hit.heading}" if hit.heading else "")
            + (f" ({where})" if where else "")
        )
        lines.append(
            f"    vector #{scores['vector_rank'] or '-'}  text #{scores['fts_rank'] or '-'}  "
            f"rrf {scores['rrf']:.4f}  mastery {scores['mastery_boost']:+.4f}  reading {scores['reading_fit']:+.4f}"
        )
        snippet = textwrap.shorten(" ".join(hit.text.split()), SNIPPET_CHARS, placeholder=" ...")
        lines.append(f"    {snippet}")
    timings = "  ".join(f"{stage} {seconds * 1000:.1f}" for stage, seconds in response.timings.items())
    lines += ["", f"ms: {timings}"]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Search a course's indexed material as a given user (hybrid retrieval, with scores)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", help="The question or keywords (redacted before searching).")
        parser.add_argument("--course", required=True, help="Course slug.")
        parser.add_argument("--user", required=True, help="Username to search as (their access and learner model).")
        parser.add_argument("--k", type=int, default=10, help="Number of results (1-50).")
        parser.add_argument("--json", action="store_true", help="Print the full response as JSON.")

    def handle(self, *args, **options) -> None:
        course = Course.objects.filter(slug=options["course"]).first()
        if course is None:
            raise CommandError(f"No course with slug '{options['course']}'.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError("No user with that username.")
        try:
            response = search(user=user, course=course, query=options["query"], k=options["k"])
        except PermissionDenied as error:
            raise CommandError(f"That user may not search this course: {error}") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(response.to_dict(), indent=2))
        else:
            self.stdout.write(format_table(response))
