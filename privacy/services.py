"""Writes of the privacy layer: redaction with its audit trail, pseudonyms, policies, erasure."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F

from edu.api import Course, Enrollment, LearnerProfile, RosterReport
from privacy.models import AuditEvent, ErasedIdentifier, ErasureRecord, PrivacyPolicy, PseudonymMapping
from privacy.pii import account, pii_models
from privacy.recognizers import compact_id, roster_names, split_full_name
from privacy.redaction import (
    ContentKind,
    DetectedEntity,
    RedactionResult,
    apply_operators,
    check_where,
    coerce_course,
    coerce_kind,
    detect,
    replace_spans,
)
from privacy.rules import rules_for
from privacy.vault import VaultError, decrypt_json, encrypt_json, identifier_digest

PSEUDONYM = re.compile(r"<([A-Z_]+)_(\d+)>")


def redact_texts(
    texts: Sequence[str],
    *,
    kind: ContentKind | str,
    course: Course | None = None,
    where: str,
    subject: str = "",
    keep_terms: Iterable[str] = (),
    one_document: bool = False,
) -> list[RedactionResult]:
    """Redact a batch with one spaCy pass and one audit event; results keep the input order.

    ``keep_terms`` are words of the course's own materials that names and places must not take
    (a photo of a course diagram keeps its labels); ``one_document`` says the texts are parts of one
    material, so a name removed in one part is removed in all (see ``privacy.redaction.detect``).
    """
    kind, where, course = coerce_kind(kind), check_where(where), coerce_course(course)
    if any(not isinstance(text, str) for text in texts):
        raise TypeError("texts must be strings")
    rules = rules_for(course)
    detected = detect(texts, kind=kind, rules=rules, keep_terms=keep_terms, one_document=one_document)
    results = [
        RedactionResult(apply_operators(text, entities, rules=rules), entities)
        for text, entities in zip(texts, detected, strict=True)
    ]
    record_audit_event(where=where, kind=kind, course=course, results=results, subject=subject)
    return results


def redact_text(
    text: str, *, kind: ContentKind | str, course: Course | None = None, where: str, subject: str = "",
    keep_terms: Iterable[str] = (),
) -> RedactionResult:
    return redact_texts([text], kind=kind, course=course, where=where, subject=subject, keep_terms=keep_terms)[0]


def record_audit_event(
    *, where: str, kind: str, course: Course | None, results: Iterable[RedactionResult], subject: str = ""
) -> AuditEvent:
    """Entity types and counts only: the audit trail must not become a copy of the data it protects."""
    results = list(results)
    counts: Counter[str] = Counter()
    for result in results:
        counts.update(result.counts)
    return AuditEvent.objects.create(
        where=where, kind=str(kind), course=course, subject=subject[:64], texts=len(results),
        counts=dict(counts), total=sum(counts.values()),
    )


# --- Audit of actions on personal data (who did what, when, in which course; never values) ---

ACTION_CHANNELS = ("portal", "api", "admin", "cli", "service")


def actor_ref(actor: AbstractBaseUser | None, *, where: str) -> str:
    """How an audit event names who acted: the account's id, never its name; without an account, the
    operator's command line or the system itself."""
    if actor is not None and actor.pk is not None:
        return f"user:{actor.pk}"
    return "cli" if where == "cli" else "system"


def record_action(
    *,
    action: str,
    actor: AbstractBaseUser | None,
    where: str,
    course: Course | None = None,
    subject: str = "",
    counts: dict[str, int] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` (an ``AuditEvent.Action``) through ``where`` (portal, api,
    admin, cli, service). ``subject`` is a reference like 'user:42'; ``counts`` are numbers only
    (rows created, linked, ...), so the trail says what happened without holding what was touched."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action; use one of {', '.join(AuditEvent.Action.values)}")
    if where not in ACTION_CHANNELS:
        raise ValueError(f"where must be one of {', '.join(ACTION_CHANNELS)}")
    numbers = {str(name)[:32]: int(value) for name, value in (counts or {}).items()}
    return AuditEvent.objects.create(
        where=where, kind="action", action=action, actor_ref=actor_ref(actor, where=where),
        course=coerce_course(course), subject=subject[:64], texts=0, counts=numbers, total=sum(numbers.values()),
    )


def audit_roster_import(*, report: RosterReport, course: Course, actor: AbstractBaseUser | None, where: str) -> None:
    """One event for the import (its counts) and one per existing account an administrator linked."""
    record_action(action=AuditEvent.Action.ROSTER_IMPORT, actor=actor, where=where, course=course,
                  counts=report.counts())
    for user_id in report.linked_user_ids:
        record_action(action=AuditEvent.Action.ACCOUNT_LINK, actor=actor, where=where, course=course,
                      subject=f"user:{user_id}")


@transaction.atomic
def pseudonymize(
    text: str,
    *,
    owner: AbstractBaseUser,
    conversation_id: uuid.UUID | str,
    course: Course | None = None,
    where: str,
    keep_terms: Iterable[str] = (),
) -> RedactionResult:
    """Learner-kind redaction with numbered placeholders that stay the same within a conversation.

    ``keep_terms``: words of the course's own materials that a name or place detection must not take
    ("What is meant by carbaminohemoglobin?" is no person's name in an anatomy course); roster names
    are removed whatever the course says.
    """
    where, course = check_where(where), coerce_course(course)
    conversation_id = uuid.UUID(str(conversation_id))
    mapping_row, _ = PseudonymMapping.objects.select_for_update().get_or_create(
        conversation_id=conversation_id,
        defaults={"owner": owner, "course": course, "vault": encrypt_json({})},
    )
    if mapping_row.owner_id != owner.pk:
        raise PermissionDenied("This conversation belongs to another user.")
    try:
        mapping: dict[str, str] = decrypt_json(mapping_row.vault)
    except VaultError:
        # Written under an earlier key: its placeholders stay unresolved. New ones are numbered past
        # them, so an old "<PERSON_1>" never resolves to a person named later in the conversation.
        mapping = {NUMBERING_FROM: str(RENUMBERED_FROM)}
    first_number = int(mapping.get(NUMBERING_FROM, 0))
    by_value = {(_type_of(token), _normal(value)): token for token, value in mapping.items() if token.startswith("<")}
    entities = detect([text], kind=ContentKind.LEARNER, rules=rules_for(course), keep_terms=keep_terms)[0]

    def token_for(entity: DetectedEntity, value: str) -> str:
        key = (entity.type, _normal(value))
        if key not in by_value:
            numbers = [int(PSEUDONYM.fullmatch(token).group(2)) for token in mapping
                       if token.startswith("<") and _type_of(token) == entity.type]
            number = 1 + max(numbers, default=first_number)
            token = f"<{entity.type}_{number}>"
            mapping[token] = value
            by_value[key] = token
        return by_value[key]

    result = RedactionResult(replace_spans(text, entities, token_for), entities)
    mapping_row.vault = encrypt_json(mapping)
    mapping_row.save(update_fields=["vault", "updated_at"])
    record_audit_event(where=where, kind=ContentKind.LEARNER, course=course, results=[result],
                       subject=f"conversation:{conversation_id}")
    return result


NUMBERING_FROM = "~numbering-from"  # a vault entry that is not a placeholder: where numbering restarts
RENUMBERED_FROM = 1000


def _type_of(token: str) -> str:
    return token[1:].rsplit("_", 1)[0]


def _normal(value: str) -> str:
    return " ".join(value.split()).casefold()


def reidentify(
    text: str, *, owner: AbstractBaseUser, conversation_id: uuid.UUID | str, requesting_user: AbstractBaseUser
) -> str:
    """Put the real values back, for the owner of the conversation only; anyone else gets the placeholders.

    A vault the configured key cannot read (written under an earlier key) leaves the placeholders.
    Each re-identification that put a value back is audited (how many, never which).
    """
    if requesting_user is None or requesting_user.pk != owner.pk:
        return text
    row = PseudonymMapping.objects.filter(conversation_id=conversation_id, owner=owner).first()
    if row is None:
        return text
    try:
        mapping = decrypt_json(row.vault)
    except VaultError:
        return text
    restored = 0

    def value_for(match: re.Match) -> str:
        nonlocal restored
        value = mapping.get(match.group(0))
        restored += value is not None
        return match.group(0) if value is None else value

    result = PSEUDONYM.sub(value_for, text)
    if restored:
        record_action(action=AuditEvent.Action.REIDENTIFICATION, actor=requesting_user, where="service",
                      course=row.course, subject=f"conversation:{row.conversation_id}",
                      counts={"placeholders": restored})
    return result


@transaction.atomic
def purge_conversation(*, conversation_id: uuid.UUID | str) -> int:
    deleted, _ = PseudonymMapping.objects.filter(conversation_id=conversation_id).delete()
    return deleted


@transaction.atomic
def update_policy(
    *, course: Course, changed_by: AbstractBaseUser | None = None, where: str = "service", **fields
) -> PrivacyPolicy:
    """Create or change a course's policy (audited); validation errors name the field, never a value."""
    policy, _ = PrivacyPolicy.objects.get_or_create(course=course)
    allowed = {"entities", "default_threshold", "thresholds", "operators", "allow_list", "student_id_patterns"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown policy fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.version = F("version") + 1
    policy.full_clean(exclude=["version"])
    policy.save()
    policy.refresh_from_db()
    record_action(action=AuditEvent.Action.POLICY_CHANGE, actor=changed_by, where=where, course=course,
                  counts={"fields": len(fields)})
    return policy


def bump_roster_version(*, course_ids: Iterable[int]) -> None:
    """Invalidate cached rosters (in every process: the version lives in the database)."""
    course_ids = set(course_ids)
    for course_id in course_ids:
        PrivacyPolicy.objects.get_or_create(course_id=course_id)
    PrivacyPolicy.objects.filter(course_id__in=course_ids).update(version=F("version") + 1)


@transaction.atomic
def erase_learner(*, user: AbstractBaseUser, requested_by: AbstractBaseUser) -> ErasureRecord:
    """Delete everything held about a learner and keep a record (counts and dates, no values).

    Materials the learner uploaded as a student go too, with their raw files (every file field of an
    erased row is deleted from storage once the transaction commits); materials in courses they teach
    stay. Each course they were in keeps keyed hashes of their identifiers, so its materials, when
    ingested again, still lose the erased learner's name, email and ID.
    """
    user, requested_by = account(user), account(requested_by)
    if requested_by.pk != user.pk and not requested_by.is_staff:
        raise PermissionDenied("Only the learner or an administrator may erase a learner's data.")
    consent = getattr(getattr(user, "profile", None), "consent_given_at", None)
    subject_ref = f"user:{user.pk}"
    remember_erased_identifiers(user=user)
    counts: Counter[str] = Counter()
    for model, subject_field in pii_models():
        rows = model.objects.filter(**{subject_field: user})
        if subject_field == "uploaded_by":
            taught = Enrollment.objects.filter(user=user, role=Enrollment.Role.TEACHER).values("course_id")
            rows = rows.exclude(course_id__in=taught)
        files = _stored_files(model, rows)
        counts[model._meta.label] += 0
        counts.update(rows.delete()[1])
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    counts.update(type(user).objects.filter(pk=user.pk).delete()[1])
    return ErasureRecord.objects.create(
        subject_ref=subject_ref,
        requested_by=None if requested_by.pk == user.pk else requested_by,
        requested_by_ref="self" if requested_by.pk == user.pk else f"user:{requested_by.pk}",
        counts=dict(counts),
        consent_date=consent.date() if consent else None,
    )


def _stored_files(model, rows) -> list[tuple]:
    """(storage, name) of every file the rows hold, in any file or image field."""
    file_fields = [field.name for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
    return [
        (stored.storage, stored.name)
        for row in rows
        for stored in (getattr(row, name) for name in file_fields)
        if stored
    ]


def remember_erased_identifiers(*, user: AbstractBaseUser) -> int:
    """Keyed hashes of a learner's identifiers in each course they are enrolled in (never the values).

    The forms hashed are those the roster recognises: full name, first and last names, "last, first",
    each part of a double-barrelled name, email, student ID, and the guardian's name and email.
    """
    profile = LearnerProfile.objects.filter(user=user).first()
    names = [(user.first_name, user.last_name)]
    emails = [user.email]
    student_ids = []
    if profile is not None:
        if profile.guardian_name:
            names.append(split_full_name(profile.guardian_name))
        emails.append(profile.guardian_email)
        student_ids.append(profile.student_id)
    identifiers = {("name", name) for name in roster_names(names)}
    identifiers |= {("email", email) for email in emails if email}
    identifiers |= {("id", value) for value in student_ids if value and compact_id(value)}
    digests = {identifier_digest(kind, value): kind for kind, value in identifiers}
    course_ids = list(Enrollment.objects.filter(user=user).values_list("course_id", flat=True).distinct())
    ErasedIdentifier.objects.bulk_create(
        [ErasedIdentifier(course_id=course_id, kind=kind, digest=digest)
         for course_id in course_ids for digest, kind in digests.items()],
        ignore_conflicts=True,
    )
    bump_roster_version(course_ids=course_ids)
    return len(digests) * len(course_ids)
