"""Export everything held about a learner as JSON (the right of access), to stdout or a file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from privacy.management.commands.erase_learner import user_named
from privacy.models import AuditEvent
from privacy.selectors import export_learner_data
from privacy.services import record_action


class Command(BaseCommand):
    help = "Write a learner's data as JSON to stdout or --output FILE."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args, username: str, output: Path | None, **options) -> None:
        user = user_named(username)
        document = json.dumps(export_learner_data(user=user), indent=2, ensure_ascii=False)
        record_action(action=AuditEvent.Action.EXPORT, actor=None, where="cli", subject=f"user:{user.pk}")
        if output is None:
            self.stdout.write(document)
            return
        try:
            output.write_text(document + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write the export: {error.strerror}.") from None
        self.stdout.write(f"Wrote {output}.")
