"""Redact JSON lines from stdin: ``{"id": ..., "text": ...}`` in, ``{"id", "text", "entities"}`` out.

Offsets in ``entities`` refer to the input text. A bad line (invalid UTF-8, malformed JSON, a
missing, empty or oversized text) produces ``{"id": ..., "line": n, "error": "..."}`` and the
batch goes on. Errors never repeat the input.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from edu.api import Course
from privacy.api import ContentKind, redact_texts

BATCH_SIZE = 64
DEFAULT_MAX_CHARS = 1_000_000


class Command(BaseCommand):
    help = "Redact JSON lines {id, text} from stdin to JSON lines {id, text, entities} on stdout."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", choices=[kind.value for kind in ContentKind], default=ContentKind.LEARNER)
        parser.add_argument("--course", help="Course slug: applies its roster and privacy policy.")
        parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="Longest text accepted.")

    def handle(self, *args, kind: str, course: str | None, max_chars: int, **options) -> None:
        course_obj = None
        if course:
            course_obj = Course.objects.filter(slug=course).first()
            if course_obj is None:
                raise CommandError(f"No course with slug '{course}'.")
        pending: list[tuple[Any, str]] = []
        for line_number, raw in enumerate(sys.stdin.buffer, start=1):
            if not raw.strip():
                continue
            item_id, text, error = parse_line(raw, max_chars=max_chars)
            if error:
                self.flush(pending, kind=kind, course=course_obj)
                self.emit({"id": item_id, "line": line_number, "error": error})
                continue
            pending.append((item_id, text))
            if len(pending) >= BATCH_SIZE:
                self.flush(pending, kind=kind, course=course_obj)
        self.flush(pending, kind=kind, course=course_obj)

    def flush(self, pending: list[tuple[Any, str]], *, kind: str, course: Course | None) -> None:
        if not pending:
            return
        results = redact_texts([text for _, text in pending], kind=kind, course=course, where="cli")
        for (item_id, _), result in zip(pending, results, strict=True):
            self.emit({"id": item_id, "text": result.text, "entities": [e.to_dict() for e in result.entities]})
        pending.clear()

    def emit(self, record: dict) -> None:
        self.stdout.write(json.dumps(record, ensure_ascii=False))
        self.stdout.flush()


def parse_line(raw: bytes, *, max_chars: int) -> tuple[Any, str, str]:
    """(id, text, error); exactly one of text and error is set."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, "", f"line is not valid UTF-8 (byte {error.start})"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return None, "", f"line is not valid JSON ({error.msg}, column {error.colno})"
    if not isinstance(record, dict):
        return None, "", "line must be a JSON object with 'id' and 'text'"
    item_id = record.get("id")
    text = record.get("text")
    if not isinstance(text, str):
        return item_id, "", "'text' is missing or not a string"
    if not text.strip():
        return item_id, "", "'text' is empty"
    if len(text) > max_chars:
        return item_id, "", f"'text' has {len(text):,} characters; the limit is {max_chars:,}"
    return item_id, text, ""
