"""Writes for safeguarding: screen a student's message (and raise an alert), act on alerts, purge.

Every view of an alert's original words and every action on it is recorded as an ``AlertEvent``
(who, what, when, the note encrypted); reading the words is also a privacy audit event
(``REIDENTIFICATION``: a lead sees what pseudonymisation hides from everyone else).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from edu.models import Course, Enrollment
from edu.safeguarding import replies, selectors
from edu.safeguarding.models import Alert, AlertEvent, CourseSafeguarding, SafeguardingLead
from edu.safeguarding.screening import (
    DISCLOSURE_CATEGORIES,
    ScreeningContext,
    ScreeningResult,
    screen_text,
    severity_rank,
)
from privacy.api import AuditEvent, decrypt_json, encrypt_json, record_action

logger = logging.getLogger(__name__)

REFUSED_CATEGORIES = ("harmful_request", "sexual")
CHANNELS = ("portal", "api", "admin", "cli", "service")


@dataclass(frozen=True)
class Decision:
    """What to do with a student's message: ``answer`` it, ``support`` the student (a disclosure), or
    ``refuse`` (a harmful or sexual request). ``reply`` is what the student reads instead of an answer."""

    action: str
    flags: tuple[dict, ...]
    reply: str = ""
    alert_id: int | None = None
    category: str = ""

    @property
    def answered(self) -> bool:
        return self.action == "answer"


def course_context(*, course: Course | None, grade: int | None = None, speaker: str = "student") -> ScreeningContext:
    """The course's subject and its multi-word terms (title, objective titles) are lesson vocabulary."""
    if course is None:
        return ScreeningContext(grade=grade, speaker=speaker)
    terms = [course.title, *course.objectives.values_list("title", flat=True)]
    return ScreeningContext(subject=course.subject or "", vocabulary=tuple(term for term in terms if term),
                            grade=grade, speaker=speaker)


def decide(result: ScreeningResult, *, grade: int | None, course: Course | None, school_told: bool) -> Decision:
    """Support for a disclosure at medium or above; a refusal for a harmful/sexual request at medium
    or above; otherwise the course answer (low flags still reach the lead's queue)."""
    flags = tuple(result.to_list())
    disclosure = result.highest(DISCLOSURE_CATEGORIES)
    if disclosure is not None and severity_rank(disclosure.severity) >= severity_rank("medium"):
        contacts = selectors.help_contacts(course=course)
        reply = replies.supportive_reply(category=disclosure.category, grade=grade, contacts=contacts.contacts,
                                         helplines=contacts.helplines, school_told=school_told)
        return Decision("support", flags, reply, category=disclosure.category)
    refused = result.highest(REFUSED_CATEGORIES)
    if refused is not None and severity_rank(refused.severity) >= severity_rank("medium"):
        return Decision("refuse", flags, replies.refusal(refused.category), category=refused.category)
    return Decision("answer", flags)


def screen_student_message(
    *,
    student: AbstractBaseUser,
    course: Course,
    text: str,
    source: str = Alert.Source.QUESTION,
    grade: int | None = None,
) -> Decision:
    """Screen what a student wrote before anything else happens with it. A disclosure by a student
    of the course becomes an Alert for its safeguarding leads (a teacher's preview does not)."""
    result = screen_text(text, context=course_context(course=course, grade=grade))
    is_student = Enrollment.objects.filter(user_id=student.pk, course=course, role=Enrollment.Role.STUDENT).exists()
    decision = decide(result, grade=grade, course=course, school_told=is_student)
    disclosure = result.highest(DISCLOSURE_CATEGORIES)
    if disclosure is None or not is_student:
        return decision
    alert = raise_alert(student=student, course=course, text=text, result=result, source=source)
    return Decision(decision.action, decision.flags, decision.reply, alert.pk, decision.category)


def screen_generated_answer(*, text: str, course: Course | None) -> ScreeningResult:
    return screen_text(text, context=course_context(course=course, speaker="tutor"))


def answer_blocked(result: ScreeningResult) -> bool:
    """A generated answer is not shown when anything in it is flagged at medium or above."""
    return any(severity_rank(flag.severity) >= severity_rank("medium") for flag in result.flags)


@transaction.atomic
def raise_alert(*, student: AbstractBaseUser, course: Course, text: str, result: ScreeningResult,
                source: str = Alert.Source.QUESTION) -> Alert:
    top = result.highest(DISCLOSURE_CATEGORIES) or result.highest()
    alert = Alert.objects.create(
        course=course, student_id=student.pk, category=top.category, severity=top.severity, flags=result.to_list(),
        source=source, original_encrypted=encrypt_json({"text": text}),
    )
    AlertEvent.objects.create(alert=alert, action=AlertEvent.Action.CREATED)
    transaction.on_commit(lambda: _queue_notification(alert.pk))
    return alert


def _queue_notification(alert_id: int) -> None:
    from edu.safeguarding.tasks import notify_alert

    try:
        notify_alert.delay(alert_id)
    except Exception:  # the broker is down: the alert is in the portal queue already; log, do not lose the reply
        logger.exception("safeguarding alert %s: notification could not be queued", alert_id)


def notify_leads(*, alert_id: int) -> int:
    """Email every lead of the alert's course (never the student's words or name: sign in to read
    them) and mark the alert notified. Returns how many addresses were written to."""
    from django.core.mail import send_mail
    from django.urls import reverse

    alert = Alert.objects.select_related("course").filter(pk=alert_id).first()
    if alert is None:
        return 0
    recipients = [user.email for user in selectors.leads_for_course(course=alert.course) if user.email]
    recipients = recipients or list(settings.GLOSSA.get("SAFEGUARDING_FALLBACK_EMAILS", ()))
    link = settings.GLOSSA.get("SITE_URL", "").rstrip("/") + reverse("portal:safeguarding_alert", args=[alert.pk])
    if recipients:
        send_mail(
            subject=f"Safeguarding alert ({alert.get_status_display().lower()}): "
                    f"{alert.category.replace('_', ' ')}, {alert.severity}",
            message=(f"A student's message in the course '{alert.course.title}' was flagged: "
                     f"{alert.category.replace('_', ' ')} ({alert.severity}).\n\n"
                     f"Sign in to Glossa to read it and act: {link}\n\n"
                     "This email holds no student name or words on purpose."),
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients, fail_silently=False,
        )
    with transaction.atomic():
        Alert.objects.filter(pk=alert.pk, notified_at__isnull=True).update(notified_at=timezone.now())
        AlertEvent.objects.create(alert=alert, action=AlertEvent.Action.NOTIFIED)
    return len(recipients)


def _lead_alert(actor: AbstractBaseUser, alert_id: int) -> Alert:
    alert = selectors.alert_for_lead(user=actor, alert_id=alert_id)
    if alert is None:
        raise PermissionDenied("Only the course's safeguarding lead may see this alert.")
    return alert


def _check_channel(where: str) -> str:
    if where not in CHANNELS:
        raise ValueError(f"where must be one of {', '.join(CHANNELS)}")
    return where


@dataclass(frozen=True)
class AlertDetail:
    alert: Alert
    original: str
    events: tuple[dict, ...]


@transaction.atomic
def read_alert(*, actor: AbstractBaseUser, alert_id: int, where: str) -> AlertDetail:
    """The alert with the student's original words, for its lead only; the reading is recorded."""
    where = _check_channel(where)
    alert = _lead_alert(actor, alert_id)
    AlertEvent.objects.create(alert=alert, actor_id=actor.pk, action=AlertEvent.Action.VIEWED, where=where)
    record_action(action=AuditEvent.Action.REIDENTIFICATION, actor=actor, where=where, course=alert.course,
                  subject=f"safeguarding_alert:{alert.pk}", counts={"alerts_read": 1})
    events = tuple(
        {"action": event.action, "actor_id": event.actor_id, "where": event.where, "at": event.created_at,
         "note": decrypt_json(event.note_encrypted)["note"] if event.note_encrypted else ""}
        for event in alert.events.all()
    )
    return AlertDetail(alert, decrypt_json(alert.original_encrypted)["text"], events)


_TRANSITIONS = {
    "acknowledge": (AlertEvent.Action.ACKNOWLEDGED, Alert.Status.ACKNOWLEDGED, {Alert.Status.OPEN}),
    "escalate": (AlertEvent.Action.ESCALATED, Alert.Status.ESCALATED,
                 {Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED}),
    "close": (AlertEvent.Action.CLOSED, Alert.Status.CLOSED,
              {Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED, Alert.Status.ESCALATED}),
}
ACTIONS = tuple(_TRANSITIONS)


class AlertActionError(ValueError):
    """The action does not apply to the alert as it stands (e.g. closing without a note)."""


@transaction.atomic
def act_on_alert(*, actor: AbstractBaseUser, alert_id: int, action: str, note: str = "", where: str) -> Alert:
    """Acknowledge, escalate or close an alert, with a note (required to escalate or close)."""
    where = _check_channel(where)
    if action not in _TRANSITIONS:
        raise AlertActionError(f"action must be one of {', '.join(ACTIONS)}")
    alert = _lead_alert(actor, alert_id)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    event_action, new_status, allowed_from = _TRANSITIONS[action]
    note = (note or "").strip()
    if alert.status not in allowed_from:
        raise AlertActionError(f"An alert that is {alert.get_status_display().lower()} cannot be {new_status}.")
    if action in ("escalate", "close") and not note:
        raise AlertActionError("Write a note: what was done, and by whom.")
    if len(note) > 4000:
        raise AlertActionError("The note is too long: at most 4000 characters.")
    alert.status = new_status
    alert.closed_at = timezone.now() if new_status == Alert.Status.CLOSED else None
    alert.save(update_fields=["status", "closed_at"])
    AlertEvent.objects.create(alert=alert, actor_id=actor.pk, action=event_action, where=where,
                              note_encrypted=encrypt_json({"note": note}) if note else "")
    return alert


@transaction.atomic
def purge_expired_alerts(*, now: datetime.datetime | None = None) -> int:
    """Delete closed alerts (and their trail) older than GLOSSA_SAFEGUARDING_RETENTION_DAYS after closing.
    Open, acknowledged and escalated alerts are never purged: someone still has to act."""
    days = int(settings.GLOSSA.get("SAFEGUARDING_RETENTION_DAYS", 365))
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    expired = Alert.objects.filter(status=Alert.Status.CLOSED, closed_at__lt=cutoff)
    count = expired.count()
    expired.delete()
    if count:
        record_action(action=AuditEvent.Action.ERASURE, actor=None, where="service",
                      subject="safeguarding_retention", counts={"alerts_purged": count})
    return count


@transaction.atomic
def assign_lead(*, user: AbstractBaseUser, course: Course | None) -> SafeguardingLead:
    """Designate ``user`` as safeguarding lead of ``course`` (or of the whole school when None)."""
    lead, _ = SafeguardingLead.objects.get_or_create(user_id=user.pk, course=course)
    return lead


@transaction.atomic
def update_course_safeguarding(*, course: Course, help_contacts: str | None = None,
                               hints_first: bool | None = None) -> CourseSafeguarding:
    row, _ = CourseSafeguarding.objects.get_or_create(course=course)
    if help_contacts is not None:
        row.help_contacts = help_contacts.strip()
    if hints_first is not None:
        row.hints_first = hints_first
    row.save()
    return row
