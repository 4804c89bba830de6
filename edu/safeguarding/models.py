"""Safeguarding leads, per-course settings, alerts and the trail of what was done with each alert.

An alert keeps the student's original words, encrypted with the vault key (privacy.vault): the
safeguarding lead must read what the child wrote, so here safeguarding overrides pseudonymisation,
by design. Everything else about a flagged message (the index, the prompt, logs) stays redacted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from edu.models import Course


class SafeguardingLead(models.Model):
    """A designated safeguarding lead: for one course, or for every course (``course`` empty)."""

    PII_FIELDS = {"user": "the lead's account link; removed with the account"}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safeguarding_roles")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="safeguarding_leads", help_text="Empty: lead for the whole school.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_safeguarding_lead"),
            models.UniqueConstraint(fields=["user"], condition=models.Q(course__isnull=True),
                                    name="unique_school_safeguarding_lead"),
        ]

    def __str__(self) -> str:
        return f"lead:{self.user_id}@{self.course_id or 'school'}"


class CourseSafeguarding(models.Model):
    """A course's own help contacts (added to the school's) and its practice mode."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="safeguarding")
    help_contacts = models.TextField(
        blank=True, help_text="One contact a line, e.g. 'Ms Diaz, school counsellor: room 12'. Shown to students.")
    hints_first = models.BooleanField(
        default=False, help_text="Practice questions: the tutor guides with questions and steps, not the answer.")

    def __str__(self) -> str:
        return f"safeguarding:{self.course_id}"


class Alert(models.Model):
    """A flagged student message for the course's safeguarding lead."""

    PII_SUBJECT_FIELD = "student"
    PII_FIELDS = {
        "student": "the student the concern is about; kept for GLOSSA_SAFEGUARDING_RETENTION_DAYS after closing, "
                   "erased with the student",
        "original_encrypted": "the student's words, encrypted; read by the safeguarding lead only; same retention",
        "flags": "categories and severities; same retention",
    }

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        QUESTION = "question", "Typed question"
        IMAGE_TEXT = "image_text", "Text read from an uploaded picture"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="safeguarding_alerts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safeguarding_alerts")
    category = models.CharField(max_length=32, help_text="The most severe category flagged.")
    severity = models.CharField(max_length=8)
    flags = models.JSONField(default=list, help_text="[{category, severity}] of every flag.")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.QUESTION)
    original_encrypted = models.TextField(help_text="The student's words, Fernet-encrypted.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the leads were told (portal + email).")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["course", "status", "created_at"])]

    def __str__(self) -> str:
        return f"alert:{self.pk} {self.category}/{self.severity}"

    def export_values(self) -> dict:
        """A learner's own export says a safeguarding record exists but withholds its content: the
        person asking may be the one the child disclosed about."""
        return {"original_encrypted": "withheld (safeguarding record)", "category": "withheld",
                "severity": "withheld", "flags": "withheld"}


class AlertEvent(models.Model):
    """Who did what with an alert, and when: viewed, acknowledged, escalated, closed, notified."""

    PII_SUBJECT_FIELD = "alert__student"
    PII_FIELDS = {"note_encrypted": "the lead's note about the student, encrypted; goes with the alert"}

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        NOTIFIED = "notified", "Leads notified"
        VIEWED = "viewed", "Original words viewed"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    where = models.CharField(max_length=16, default="service")
    note_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.action}"

    def export_values(self) -> dict:
        return {"note_encrypted": "withheld (safeguarding record)"}
