"""Erase everything held about a learner (operators' side of the right to erasure); asks before it deletes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from privacy.models import AuditEvent
from privacy.services import erase_learner, record_action


def user_named(username: str):
    user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    if user is None:
        raise CommandError("No such user.")  # the name is not echoed: it may be personal data
    return user


class Command(BaseCommand):
    help = "Erase a learner's data (profile, interactions, pseudonyms, uploads, account) and record it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", required=True, help="The learner to erase.")
        parser.add_argument("--requested-by", required=True, help="Username of the administrator asking.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, username: str, requested_by: str, yes: bool, **options) -> None:
        user, admin = user_named(username), user_named(requested_by)
        if not yes and input("Erase this learner's data for good? Type 'yes': ").strip().lower() != "yes":
            raise CommandError("Nothing erased.")
        try:
            record = erase_learner(user=user, requested_by=admin)
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        record_action(action=AuditEvent.Action.ERASURE, actor=admin, where="cli", subject=record.subject_ref)
        deleted = sum(record.counts.values())
        self.stdout.write(f"Erased {record.subject_ref}: {deleted} rows; erasure record {record.pk}.")
