"""Screen JSON lines from stdin: {"id": ..., "text": ...} in, {"id": ..., "flags": [...]} out, one per line.

A bad line (not JSON, not an object, no text) gets {"id": ..., "line": N, "error": "..."} and the
batch goes on. Nothing is stored and no alert is raised: this is the operators' and evaluations'
entry to the screening engine. Output never repeats the text.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from edu.models import Course
from edu.safeguarding.screening import ScreeningContext, screen_text
from edu.safeguarding.services import course_context

MAX_TEXT_CHARS = 20_000


class Command(BaseCommand):
    help = "Screen JSON lines {id, text} from stdin for safeguarding concerns; writes {id, flags} per line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--course", help="Slug of the course the messages come from (its subject and "
                                             "vocabulary count as lesson context).")
        parser.add_argument("--subject", default="", help="A course subject, when there is no course in the database.")

    def handle(self, *args, course: str | None = None, subject: str = "", **options) -> None:
        if course:
            found = Course.objects.filter(slug=course).first()
            if found is None:
                raise CommandError(f"No course with the slug {course!r}.")
            context = course_context(course=found)
        else:
            context = ScreeningContext(subject=subject)
        out = self.stdout
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            out.write(json.dumps(self._screen_line(line, number, context), ensure_ascii=False))
            out.flush()

    @staticmethod
    def _screen_line(line: str, number: int, context: ScreeningContext) -> dict:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            return {"id": None, "line": number, "error": f"not valid JSON: {error.msg}"}
        if not isinstance(record, dict):
            return {"id": None, "line": number, "error": "each line must be a JSON object with id and text"}
        identifier = record.get("id")
        text = record.get("text")
        if not isinstance(text, str):
            return {"id": identifier, "line": number, "error": "text is missing or not a string"}
        if len(text) > MAX_TEXT_CHARS:
            return {"id": identifier, "line": number, "error": f"text is longer than {MAX_TEXT_CHARS} characters"}
        try:
            flags = screen_text(text, context=context).to_list()
        except Exception as error:  # one line's failure never stops the batch
            return {"id": identifier, "line": number, "error": f"screening failed: {type(error).__name__}"}
        return {"id": identifier, "flags": flags}
