"""Reads of the privacy layer: rosters for redaction, redaction reports, a learner's data export."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from edu.api import Course, Enrollment, LearnerProfile
from privacy.models import AuditEvent, ErasedIdentifier
from privacy.pii import account, export_rows, pii_models
from privacy.recognizers import split_full_name


@dataclass(frozen=True)
class RosterIdentifiers:
    """What a course roster holds about its people, as redaction needs it."""

    names: list[tuple[str, str]]
    emails: list[str]
    student_ids: list[str]


def roster_identifiers(*, course: Course) -> RosterIdentifiers:
    """Names, emails and student IDs of everyone enrolled, and the names and emails of learners' guardians."""
    enrolled = list(
        Enrollment.objects.filter(course=course).values_list("user_id", "user__first_name", "user__last_name",
                                                             "user__email")
    )
    profiles = LearnerProfile.objects.filter(user_id__in=[row[0] for row in enrolled]).values_list(
        "student_id", "guardian_name", "guardian_email"
    )
    names = [(first, last) for _, first, last, _ in enrolled]
    emails = [email for *_, email in enrolled if email]
    student_ids: list[str] = []
    for student_id, guardian_name, guardian_email in profiles:
        if student_id:
            student_ids.append(student_id)
        if guardian_name:
            names.append(split_full_name(guardian_name))
        if guardian_email:
            emails.append(guardian_email)
    return RosterIdentifiers(names=names, emails=emails, student_ids=student_ids)


def erased_digests(*, course: Course) -> dict[str, str]:
    """Keyed hashes of the identifiers of people erased from the course: {digest: kind}."""
    return dict(ErasedIdentifier.objects.filter(course=course).values_list("digest", "kind"))


def audit_events(*, course: Course | None = None, since=None) -> QuerySet[AuditEvent]:
    """Redaction events (action events, which count rows rather than entities, are left out)."""
    events = AuditEvent.objects.filter(action="")
    if course is not None:
        events = events.filter(course=course)
    if since is not None:
        events = events.filter(created_at__gte=since)
    return events


def redaction_summary(*, course: Course | None) -> dict:
    """Counts per entity type and per boundary ("where"), for reports: never values."""
    by_entity: Counter[str] = Counter()
    by_where: dict[str, Counter[str]] = defaultdict(Counter)
    events = texts = 0
    for where, counts, n_texts in audit_events(course=course).values_list("where", "counts", "texts"):
        events += 1
        texts += n_texts
        by_entity.update(counts)
        by_where[where].update(counts)
    return {
        "events": events,
        "texts": texts,
        "total": sum(by_entity.values()),
        "by_entity": dict(sorted(by_entity.items())),
        "by_where": {where: dict(sorted(counts.items())) for where, counts in sorted(by_where.items())},
    }


def redaction_report(*, course: Course | None = None, days: int = 30) -> dict:
    """Per day, per boundary, per entity type over the last ``days`` days (the admin privacy report)."""
    since = timezone.now() - timedelta(days=days)
    per_day: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    entity_types: set[str] = set()
    for created_at, where, counts in audit_events(course=course, since=since).values_list(
        "created_at", "where", "counts"
    ):
        per_day[created_at.date().isoformat()][where].update(counts)
        entity_types.update(counts)
    rows = [
        {"day": day, "where": where, "counts": dict(counts), "total": sum(counts.values())}
        for day in sorted(per_day, reverse=True)
        for where, counts in sorted(per_day[day].items())
    ]
    return {"days": days, "entity_types": sorted(entity_types), "rows": rows,
            "summary": redaction_summary(course=course)}


def export_learner_data(*, user: AbstractBaseUser) -> dict:
    """Everything held about a learner, as JSON-ready data: the account and every PII-annotated model."""
    user = account(user)
    data = {
        "account": {
            "id": user.pk,
            "username": user.get_username(),
            "first_name": getattr(user, "first_name", ""),
            "last_name": getattr(user, "last_name", ""),
            "email": getattr(user, "email", ""),
            "date_joined": user.date_joined.isoformat() if getattr(user, "date_joined", None) else None,
        },
    }
    for model, subject_field in pii_models():
        data[model._meta.label] = export_rows(model.objects.filter(**{subject_field: user}))
    return data
