"""The learning domain: courses, objectives, materials, learners, enrollments, mastery.

Personal data is annotated on each model in ``PII_FIELDS`` ({field: retention rule}), in the
spirit of Open edX's OEP-30 annotations, so that export and erasure (privacy app) can be
complete and are checked by tests. A model without ``PII_FIELDS`` holds no personal data.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models

from edu.learner_model import AlmostRight, BktParams, Verdict, answer_verdict, choice_index, normalise_answer


class Course(models.Model):
    """A course a teacher runs; every material, objective and question belongs to one."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    subject = models.CharField(max_length=80, blank=True)
    grade_band = models.CharField(max_length=40, blank=True, help_text="For example '4-6' or '9-12'.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LearningObjective(models.Model):
    """A skill the course teaches, with its Bayesian Knowledge Tracing parameters."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="objectives")
    code = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="unlocks")
    order = models.PositiveIntegerField(default=0)
    p_init = models.FloatField(default=0.2, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    p_learn = models.FloatField(default=0.15, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    p_slip = models.FloatField(default=0.1, validators=[MinValueValidator(0.0), MaxValueValidator(0.5)])
    p_guess = models.FloatField(default=0.2, validators=[MinValueValidator(0.0), MaxValueValidator(0.5)])
    # Fitted to the learners' answers (edu.services.fit_objective_parameters); when set, they replace the
    # four values above, which stay as the teacher's defaults.
    fitted_p_init = models.FloatField(null=True, blank=True, editable=False)
    fitted_p_learn = models.FloatField(null=True, blank=True, editable=False)
    fitted_p_slip = models.FloatField(null=True, blank=True, editable=False)
    fitted_p_guess = models.FloatField(null=True, blank=True, editable=False)
    fitted_answers = models.PositiveIntegerField(default=0, editable=False, help_text="Answers the fit used.")
    fitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["course", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["course", "code"], name="unique_objective_code")]

    def __str__(self) -> str:
        return f"{self.course.slug}:{self.code}"

    def bkt_params(self) -> BktParams:
        """The parameters mastery is estimated with: the fitted ones once there are, else the defaults."""
        if self.fitted_at is not None:
            return BktParams(
                p_init=self.fitted_p_init, p_learn=self.fitted_p_learn, p_slip=self.fitted_p_slip,
                p_guess=self.fitted_p_guess,
            )
        return BktParams(p_init=self.p_init, p_learn=self.p_learn, p_slip=self.p_slip, p_guess=self.p_guess)


def material_upload_to(instance: Material, filename: str) -> str:
    # A random name: the original filename may carry a student's name (it is kept redacted, in
    # ``title`` and ``original_filename``). The extension is one the material's kind allows.
    suffix = PurePath(filename).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".bin"
    return f"materials/{instance.course_id}/{uuid.uuid4().hex}{suffix}"


class Material(models.Model):
    """An uploaded course source (text, Markdown, HTML, PDF, image or SVG diagram)."""

    PII_FIELDS = {
        "file": "teacher uploads may mention students; text is redacted before indexing; "
        "the file is deleted with the material or on the uploader's erasure if course-less",
        "original_filename": "redacted at upload (course rules); kept while the material exists",
    }

    class Kind(models.TextChoices):
        TEXT = "text", "Plain text"
        MARKDOWN = "markdown", "Markdown"
        HTML = "html", "HTML"
        PDF = "pdf", "PDF"
        IMAGE = "image", "Image"
        SVG = "svg", "SVG diagram"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=255)
    file = models.FileField(upload_to=material_upload_to)
    original_filename = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    objectives = models.ManyToManyField(LearningObjective, blank=True, related_name="materials")
    reading_level = models.FloatField(null=True, blank=True, help_text="Flesch-Kincaid grade of the text.")
    extracted_text = models.TextField(blank=True, help_text="Redacted text as indexed.")
    version = models.PositiveIntegerField(
        default=1, help_text="1 for the first file; one more each time a new version is indexed in its place."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "title"]
        constraints = [models.UniqueConstraint(fields=["course", "sha256"], name="unique_material_per_course")]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def new_version_upload_to(job: models.Model, filename: str) -> str:
        """Where a new version of a material waits while it is indexed (rag's ``IngestionJob.new_file``):
        beside the material's files, under a random name like theirs."""
        return material_upload_to(job.material, filename)


def reading_level_for_grade(grade: int) -> float:
    """A learner's starting reading level: their school grade read as a Flesch-Kincaid grade."""
    return float(min(max(grade, 1), 16))


class LearnerProfile(models.Model):
    """What Glossa knows about a learner in order to tailor explanations."""

    PII_FIELDS = {
        "user": "account link; erased with the learner",
        "grade_level": "erased with the learner",
        "reading_level": "erased with the learner",
        "reading_level_set": "erased with the learner",
        "language": "erased with the learner",
        "accessibility_needs": "special-category data; erased with the learner",
        "preferences": "erased with the learner",
        "student_id": "school identifier; erased with the learner",
        "guardian_name": "erased with the learner",
        "guardian_email": "erased with the learner",
        "consent_given_at": "kept in the erasure record as the date only",
    }

    class Accessibility(models.TextChoices):
        SCREEN_READER = "screen_reader", "Uses a screen reader"
        DYSLEXIA = "dyslexia", "Dyslexia-friendly text"
        LOW_VISION = "low_vision", "Low vision"
        CAPTIONS = "captions", "Needs captions"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    grade_level = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(13)]
    )
    reading_level = models.FloatField(
        default=6.0,
        validators=[MinValueValidator(1.0), MaxValueValidator(16.0)],
        help_text="Working reading level (a Flesch-Kincaid grade); feedback moves it.",
    )
    reading_level_set = models.BooleanField(
        default=False,
        help_text="Set by hand or moved by feedback. Until then the reading level follows the grade.",
    )
    language = models.CharField(max_length=16, default="en")
    accessibility_needs = models.JSONField(default=list, blank=True)
    preferences = models.JSONField(default=dict, blank=True)
    student_id = models.CharField(max_length=64, blank=True)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_email = models.EmailField(blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_by_guardian = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile:{self.user_id}"

    def save(self, *args, **kwargs) -> None:
        """Until someone sets it (admin, profile, API) or feedback moves it, the reading level is the grade's:
        a roster import that sets only the grade must still tailor a grade-4 and a grade-11 answer apart."""
        stored = getattr(self, "_stored_reading_level", self._meta.get_field("reading_level").default)
        if self.reading_level != stored:
            self.reading_level_set = True
        elif not self.reading_level_set:
            self.reading_level = reading_level_for_grade(self.grade_level)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "reading_level", "reading_level_set"}
        super().save(*args, **kwargs)
        self._stored_reading_level = self.reading_level

    @classmethod
    def from_db(cls, db, field_names, values):
        profile = super().from_db(db, field_names, values)
        profile._stored_reading_level = profile.__dict__.get("reading_level")
        return profile

    @property
    def needs_screen_reader(self) -> bool:
        return self.Accessibility.SCREEN_READER in (self.accessibility_needs or [])


class Enrollment(models.Model):
    """Who is in which course, and as what."""

    PII_FIELDS = {"user": "erased with the learner"}

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment")]
        indexes = [models.Index(fields=["course", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.course_id} ({self.role})"


class Mastery(models.Model):
    """A learner's estimated probability of knowing one objective (Bayesian Knowledge Tracing)."""

    PII_FIELDS = {
        "learner": "erased with the learner",
        "p_known": "learning record; erased with the learner",
        "attempts": "learning record; erased with the learner",
        "correct": "learning record; erased with the learner",
    }

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="masteries")
    objective = models.ForeignKey(LearningObjective, on_delete=models.CASCADE, related_name="masteries")
    p_known = models.FloatField(default=0.2)
    attempts = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "masteries"
        constraints = [models.UniqueConstraint(fields=["learner", "objective"], name="unique_mastery")]

    def __str__(self) -> str:
        return f"{self.learner_id}:{self.objective_id}={self.p_known:.2f}"


class Interaction(models.Model):
    """One question and its explanation, stored redacted (placeholders, never raw PII)."""

    PII_FIELDS = {
        "learner": "erased with the learner",
        "question_redacted": "redacted learner text; erased with the learner",
        "answer_redacted": "redacted generated text; erased with the learner",
        "feedback": "erased with the learner",
        "reading_level": "erased with the learner",
    }

    class Feedback(models.TextChoices):
        NONE = "", "No feedback"
        HELPFUL = "helpful", "Helpful"
        TOO_HARD = "too_hard", "Too hard"
        TOO_EASY = "too_easy", "Too easy"

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="interactions")
    conversation_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    question_redacted = models.TextField()
    answer_redacted = models.TextField(blank=True)
    citations = models.JSONField(default=list, blank=True)
    grounding = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    model_name = models.CharField(max_length=200, blank=True)
    feedback = models.CharField(max_length=16, choices=Feedback.choices, blank=True, default="")
    reading_level = models.FloatField(
        null=True, blank=True,
        help_text="The learner's working reading level this explanation was written for; feedback on it moves "
                  "the level from here (explanations stored before it was recorded: the level at first feedback).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["learner", "course", "-created_at"])]

    def __str__(self) -> str:
        return f"interaction:{self.pk}"


# Limits of a practice item's texts: generous for a question, small enough that no import or form
# can store megabytes in one item or show learners an unreadable wall of options.
ITEM_PROMPT_MAX_CHARS = 2000
ITEM_EXPLANATION_MAX_CHARS = 4000
ITEM_CHOICE_MAX_CHARS = 300
ITEM_MAX_CHOICES = 10
ITEM_MAX_ACCEPTED_ANSWERS = 20
# Text direction overrides can make a prompt read differently from what is stored (and graded).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_item_text(value: str, *, max_chars: int) -> None:
    """Django's length and NUL validators, plus no control, surrogate or direction-override characters."""
    MaxLengthValidator(max_chars, message=f"At most {max_chars} characters (this has %(show_value)d).")(value)
    ProhibitNullCharactersValidator(message="Contains a NUL character; remove it.")(value)
    for character in value:
        category = unicodedata.category(character)
        if (category == "Cc" and character not in "\t\n\r") or category == "Cs" or character in _BIDI_CONTROLS:
            raise ValidationError(f"Contains an invisible control character (U+{ord(character):04X}); remove it.")


class PracticeItem(models.Model):
    """A teacher-authored question that practises one objective; answers to it update the learner's mastery.

    ``answer`` holds the index of the correct choice for multiple choice, and the list of accepted answers
    for short answers (compared case-, whitespace- and punctuation-insensitively, numbers by value).
    ``created_by`` is the authoring teacher; items are course content and survive the author's erasure.
    """

    class Kind(models.TextChoices):
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        SHORT_ANSWER = "short_answer", "Short answer"

    objective = models.ForeignKey(LearningObjective, on_delete=models.CASCADE, related_name="practice_items")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    prompt = models.TextField()
    choices = models.JSONField(default=list, blank=True, help_text="Multiple choice only: the options, in order.")
    answer = models.JSONField(
        help_text="Multiple choice: index of the correct choice (0-based). Short answer: list of accepted answers."
    )
    explanation = models.TextField(blank=True, help_text="Shown after answering.")
    active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="authored_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["objective", "order", "id"]
        indexes = [models.Index(fields=["objective", "active", "order"])]

    def __str__(self) -> str:
        return f"{self.objective.code}: {self.prompt[:60]}"

    def clean(self) -> None:
        if not self.prompt.strip():
            raise ValidationError({"prompt": "The question needs a prompt."})
        self._clean_texts()
        if self.kind == self.Kind.MULTIPLE_CHOICE:
            if not isinstance(self.choices, list) or len(self.choices) < 2:
                raise ValidationError({"choices": "A multiple-choice item needs at least two choices."})
            if not all(isinstance(choice, str) and normalise_answer(choice) for choice in self.choices):
                raise ValidationError({"choices": "Every choice needs some text."})
            if len({normalise_answer(choice) for choice in self.choices}) != len(self.choices):
                raise ValidationError({"choices": "Two choices read the same; learners could not tell them apart."})
            if not isinstance(self.answer, int) or isinstance(self.answer, bool):
                raise ValidationError({"answer": "Give the index of the correct choice."})
            if not 0 <= self.answer < len(self.choices):
                raise ValidationError({"answer": f"The correct choice must be between 0 and {len(self.choices) - 1}."})
        elif self.kind == self.Kind.SHORT_ANSWER:
            if self.choices:
                raise ValidationError({"choices": "A short-answer item has no choices."})
            if not isinstance(self.answer, list) or not self.answer:
                raise ValidationError({"answer": "Give at least one accepted answer."})
            if not all(isinstance(accepted, str) and accepted.strip() for accepted in self.answer):
                raise ValidationError({"answer": "Accepted answers must be non-empty text."})

    def _clean_texts(self) -> None:
        """Lengths, counts and characters of every text the item shows or grades against."""
        texts = [("prompt", self.prompt, ITEM_PROMPT_MAX_CHARS),
                 ("explanation", self.explanation, ITEM_EXPLANATION_MAX_CHARS)]
        for field_name, label, values, most in (("choices", "choices", self.choices, ITEM_MAX_CHOICES),
                                                ("answer", "accepted answers", self.answer, ITEM_MAX_ACCEPTED_ANSWERS)):
            if not isinstance(values, list):
                continue
            if len(values) > most:
                raise ValidationError({field_name: f"At most {most} {label} (this has {len(values)})."})
            texts += [(field_name, value, ITEM_CHOICE_MAX_CHARS) for value in values if isinstance(value, str)]
        for field_name, value, max_chars in texts:
            try:
                validate_item_text(value or "", max_chars=max_chars)
            except ValidationError as error:
                raise ValidationError({field_name: error.messages}) from None

    @property
    def accepted_answers(self) -> list[str]:
        """The answer key as text: the right choice's text, or the accepted short answers."""
        if self.kind == self.Kind.MULTIPLE_CHOICE:
            return [self.choices[self.answer]] if isinstance(self.answer, int) else []
        return [answer for answer in self.answer or [] if isinstance(answer, str)]

    def is_correct(self, answer: str) -> bool:
        """Grade a learner's answer. A multiple-choice answer names its choice by text.

        Raises ValueError when the answer is empty or names no choice, and AlmostRight (a ValueError) when a
        short answer is a spelling away from an accepted one, so nothing is recorded for it.
        """
        if not answer.strip():
            raise ValueError("The answer is empty.")
        if self.kind == self.Kind.MULTIPLE_CHOICE:
            picked = choice_index(answer, self.choices)
            if picked is None:
                raise ValueError("The answer is not one of the item's choices.")
            return picked == self.answer
        verdict = answer_verdict(answer, self.answer)
        if verdict is Verdict.ALMOST:
            raise AlmostRight
        return verdict is Verdict.CORRECT


class ItemResponse(models.Model):
    """One answer of a learner to a practice item, with the mastery estimate before and after it."""

    PII_FIELDS = {
        "learner": "erased with the learner",
        "answer": "the learner's own text; erased with the learner",
        "correct": "learning record; erased with the learner",
        "p_known_before": "learning record; erased with the learner",
        "p_known_after": "learning record; erased with the learner",
        "created_at": "learning record; erased with the learner",
    }
    PII_SUBJECT_FIELD = "learner"

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_responses")
    item = models.ForeignKey(PracticeItem, on_delete=models.CASCADE, related_name="responses")
    answer = models.TextField()
    correct = models.BooleanField()
    p_known_before = models.FloatField()
    p_known_after = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["learner", "item", "-created_at"])]

    def __str__(self) -> str:
        return f"response:{self.pk}"
