"""Reads for safeguarding: who leads a course, which alerts a lead may see, the help contacts."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from edu.models import Course
from edu.safeguarding.models import Alert, CourseSafeguarding, SafeguardingLead


def is_lead(*, user: AbstractBaseUser) -> bool:
    return bool(user.is_authenticated) and SafeguardingLead.objects.filter(user_id=user.pk).exists()


def leads_for_course(*, course: Course) -> QuerySet:
    """The users who lead safeguarding for this course: its own leads and the school-wide ones."""
    from django.contrib.auth import get_user_model

    lead_ids = SafeguardingLead.objects.filter(Q(course=course) | Q(course__isnull=True)).values("user_id")
    return get_user_model().objects.filter(pk__in=lead_ids, is_active=True)


def is_lead_for(*, user: AbstractBaseUser, course_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return SafeguardingLead.objects.filter(Q(course_id=course_id) | Q(course__isnull=True), user_id=user.pk).exists()


def alerts_for_lead(*, user: AbstractBaseUser, statuses: list[str] | None = None) -> QuerySet:
    """Alerts of the courses this user leads (all courses for a school-wide lead); nobody else's."""
    if not user.is_authenticated:
        return Alert.objects.none()
    roles = SafeguardingLead.objects.filter(user_id=user.pk)
    if not roles.exists():
        return Alert.objects.none()
    alerts = Alert.objects.select_related("course", "student")
    if not roles.filter(course__isnull=True).exists():
        alerts = alerts.filter(course_id__in=roles.values("course_id"))
    if statuses:
        alerts = alerts.filter(status__in=statuses)
    return alerts


def alert_for_lead(*, user: AbstractBaseUser, alert_id: int) -> Alert | None:
    return alerts_for_lead(user=user).filter(pk=alert_id).first()


def open_alert_count(*, user: AbstractBaseUser) -> int:
    return alerts_for_lead(user=user, statuses=[Alert.Status.OPEN, Alert.Status.ESCALATED]).count()


@dataclass(frozen=True)
class HelpContacts:
    contacts: tuple[str, ...]  # the school's and the course's own
    helplines: tuple[str, ...]  # national helplines the school configured


def help_contacts(*, course: Course | None) -> HelpContacts:
    config = settings.GLOSSA
    contacts = list(config.get("SAFEGUARDING_HELP_CONTACTS", ()))
    if course is not None:
        own = CourseSafeguarding.objects.filter(course=course).values_list("help_contacts", flat=True).first()
        contacts = [line.strip() for line in (own or "").splitlines() if line.strip()] + contacts
    return HelpContacts(tuple(contacts), tuple(config.get("SAFEGUARDING_HELPLINES", ())))


def hints_first(*, course: Course) -> bool:
    return bool(CourseSafeguarding.objects.filter(course=course, hints_first=True).exists())
