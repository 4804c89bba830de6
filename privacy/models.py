"""Privacy models: policies, audit events, pseudonym vault, erasure records.

None of them stores a detected value in clear: audit events hold counts, the vault holds a
Fernet token, erasure records hold counts and dates.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from edu.api import Course

ENTITY_TYPES = (
    "PERSON",
    "LOCATION",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "DATE_OF_BIRTH",
    "US_SSN",
    "IP_ADDRESS",
    "URL",
    "CREDIT_CARD",
    "STUDENT_ID",
)
OPERATORS = ("replace", "mask", "hash", "remove")


class PrivacyPolicy(models.Model):
    """How one course's texts are redacted. A course without a policy uses the defaults."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="privacy_policy")
    entities = models.JSONField(
        default=list, blank=True, help_text="Entity types to redact; empty means all of them."
    )
    default_threshold = models.FloatField(
        default=0.35, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Minimum detector confidence for an entity to be redacted.",
    )
    thresholds = models.JSONField(default=dict, blank=True, help_text='Per entity, e.g. {"URL": 0.6}.')
    operators = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per entity: replace (default), mask, hash or remove, e.g. {"PHONE_NUMBER": "mask"}.',
    )
    allow_list = models.TextField(
        blank=True, help_text="Extra public names this course is about, one per line; roster names still win."
    )
    student_id_patterns = models.JSONField(
        default=list, blank=True, help_text="Extra regular expressions for this school's student IDs."
    )
    version = models.PositiveIntegerField(
        default=0, help_text="Bumped when the policy or the course roster changes; invalidates caches."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "privacy policies"

    def __str__(self) -> str:
        return f"privacy policy of {self.course}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        unknown = set(self.entities) | set(self.thresholds) | set(self.operators)
        unknown -= set(ENTITY_TYPES)
        if unknown:
            errors["entities"] = f"Unknown entity types: {', '.join(sorted(unknown))}."
        bad_operators = sorted({op for op in self.operators.values() if op not in OPERATORS})
        if bad_operators:
            errors["operators"] = f"Unknown operators: {', '.join(bad_operators)}; use one of {', '.join(OPERATORS)}."
        if any(not isinstance(v, int | float) or not 0.0 <= v <= 1.0 for v in self.thresholds.values()):
            errors["thresholds"] = "Thresholds are numbers between 0 and 1."
        for pattern in self.student_id_patterns:
            try:
                re.compile(pattern)
            except (re.error, TypeError):
                errors["student_id_patterns"] = "Each student ID pattern must be a valid regular expression."
        if errors:
            raise ValidationError(errors)


class AuditEvent(models.Model):
    """One call of the redaction service at one boundary (which entity types, how many), or one
    action on personal data (``action`` set: an import, an export, an erasure...; who and which
    course, with counts). Never values."""

    class Action(models.TextChoices):
        ROSTER_IMPORT = "roster_import", "Roster import"
        ACCOUNT_LINK = "account_link", "Existing account linked to a course"
        SIGN_IN_LINK = "sign_in_link", "Sign-in link issued"
        EXPORT = "export", "Learner data exported"
        ERASURE = "erasure", "Learner erased"
        REIDENTIFICATION = "reidentification", "Pseudonymised answer re-identified"
        POLICY_CHANGE = "policy_change", "Privacy policy changed"

    where = models.CharField(
        max_length=32, db_index=True, help_text="Boundary: ingestion, query, prompt, ...; for actions the front "
        "door: portal, api, admin, cli."
    )
    action = models.CharField(
        max_length=32, blank=True, choices=Action.choices, db_index=True,
        help_text="Empty for a redaction event; what was done for an action event.",
    )
    actor_ref = models.CharField(
        max_length=64, blank=True, help_text="Who acted: 'user:42', or 'cli' for the operator's command line."
    )
    kind = models.CharField(max_length=16)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=64, blank=True, help_text="A reference like 'material:12'.")
    texts = models.PositiveIntegerField(default=1)
    counts = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["course", "where", "created_at"])]

    def __str__(self) -> str:
        return f"{self.where}: {self.total} redacted"


class PseudonymMapping(models.Model):
    """The placeholder-to-value mapping of one conversation, encrypted with the vault key."""

    PII_FIELDS = {
        "owner": "erased with the learner",
        "vault": "encrypted values behind placeholders; purged with the conversation or the learner",
    }
    PII_SUBJECT_FIELD = "owner"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pseudonym_mappings")
    conversation_id = models.UUIDField(unique=True)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    vault = models.TextField(help_text="Fernet token of the JSON mapping; never plaintext.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"pseudonyms:{self.conversation_id}"

    def export_values(self) -> dict:
        """The learner's own export shows the values behind their placeholders, not the token; a vault
        written under an earlier key cannot be read and is said to be so."""
        from privacy.vault import VaultError, decrypt_json

        try:
            mapping = decrypt_json(self.vault)
        except VaultError:
            return {"vault": "unreadable: it was encrypted with an earlier pseudonym key"}
        return {"vault": {token: value for token, value in mapping.items() if token.startswith("<")}}


class ErasureRecord(models.Model):
    """Proof that a learner's data was erased: who asked, when, how many rows. No personal values."""

    subject_ref = models.CharField(max_length=64, help_text="The erased account's internal id, e.g. 'user:42'.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_ref = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(default=dict, blank=True, help_text="Deleted rows per model.")
    consent_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"erasure of {self.subject_ref}"


class ErasedIdentifier(models.Model):
    """A keyed hash of one identifier of a person erased from a course (name, email or student ID).

    Redaction hashes candidate spans of a course's texts with the same key and removes matches, so
    re-ingesting a material after an erasure does not put the erased person back in the index. Only
    the HMAC is stored, never the identifier; rotating the pseudonym key makes the hashes unmatchable.
    """

    class Kind(models.TextChoices):
        NAME = "name", "Name"
        EMAIL = "email", "Email"
        ID = "id", "Student ID"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=64, help_text="HMAC-SHA256 of the normalised identifier (hex).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "digest"], name="unique_erased_identifier")]

    def __str__(self) -> str:
        return f"erased {self.kind} in course {self.course_id}"
