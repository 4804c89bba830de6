"""``manage.py explain --course SLUG --user USERNAME [--image PATH] [--json] "question"``.

Prints tokens as they are generated, then the citations and grounding verdicts; ``--json``
prints the whole explanation (text, citations, grounding, timings) as one JSON object instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from edu.api import Course
from rag.explainer import ExplainError, explain


class Command(BaseCommand):
    help = "Explain a question to a learner of a course, grounded in the course's materials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("question")
        parser.add_argument("--course", required=True, help="Course slug.")
        parser.add_argument("--user", required=True, help="Username of the learner who asks.")
        parser.add_argument("--image", type=Path, help="A photo, screenshot or SVG of a diagram.")
        parser.add_argument("--json", action="store_true", help="Print the explanation as JSON.")

    def handle(self, *args, **options) -> None:
        course = Course.objects.filter(slug=options["course"]).first()
        if course is None:
            raise CommandError(f"No course with the slug '{options['course']}'.")
        learner = get_user_model().objects.filter(username=options["user"]).first()
        if learner is None:
            raise CommandError("No user with that username.")
        image = self._read(options["image"]) if options["image"] else None
        as_json = options["json"]
        try:
            explanation = explain(
                learner=learner, course=course, question=options["question"], image=image,
                on_token=None if as_json else self._print_live,
            )
        except (ExplainError, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        if as_json:
            self.stdout.write(json.dumps(explanation.to_dict(), indent=2, default=str))
            return
        # The operator may not be the learner: show placeholders, not the names they stand for.
        self.stdout.write("\n\n" + explanation.text_redacted)
        for citation in explanation.citations:
            where = f", page {citation['page']}" if citation.get("page") else ""
            self.stdout.write(
                f"[{citation['number']}] {citation['material_title']}{where} (chunk {citation['chunk_id']})"
            )
        grounding = explanation.grounding
        self.stdout.write(f"\nGrounding: {grounding.get('supported', 0)}/{grounding.get('sentences', 0)} sentences "
                          f"supported ({grounding['status']})")
        for verdict in grounding.get("verdicts", []):
            mark = "supported" if verdict["supported"] else "REMOVED"
            self.stdout.write(f"  - {mark} (source {verdict['source']}, overlap {verdict['overlap']}): "
                              f"{verdict['sentence']}")
        timings = explanation.timings
        self.stdout.write(
            f"\nTotal {timings['total']:.2f} s, first token {timings.get('time_to_first_token', 0):.2f} s, "
            f"{timings.get('tokens_per_s', 0)} tokens/s"
        )

    def _print_live(self, piece: str) -> None:
        self.stdout.write(piece, ending="")
        self.stdout.flush()

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError:
            raise CommandError("The image file cannot be read; check the path.") from None
