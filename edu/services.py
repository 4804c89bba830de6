"""Writes of the learning domain. Keyword-only, atomic, and the only place models are saved."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from edu.bkt_fit import REFIT_EVERY, BktFit, fit_bkt
from edu.learner_model import (
    FEEDBACK_VALUES,
    adjust_reading_level,
    bounded_update,
    choice_index,
    reading_change_message,
    replay,
)
from edu.models import (
    ITEM_PROMPT_MAX_CHARS,
    Course,
    Enrollment,
    Interaction,
    ItemResponse,
    LearnerProfile,
    LearningObjective,
    Mastery,
    Material,
    PracticeItem,
    validate_item_text,
)
from edu.selectors import answer_sequences, answers_on_objective, role_in_course

User = get_user_model()
logger = logging.getLogger(__name__)

KIND_BY_SUFFIX = {
    ".txt": Material.Kind.TEXT,
    ".md": Material.Kind.MARKDOWN,
    ".markdown": Material.Kind.MARKDOWN,
    ".html": Material.Kind.HTML,
    ".htm": Material.Kind.HTML,
    ".pdf": Material.Kind.PDF,
    ".png": Material.Kind.IMAGE,
    ".jpg": Material.Kind.IMAGE,
    ".jpeg": Material.Kind.IMAGE,
    ".webp": Material.Kind.IMAGE,
    ".svg": Material.Kind.SVG,
}


class UnsupportedFileType(ValueError):
    pass


def material_kind_for(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    try:
        return KIND_BY_SUFFIX[suffix]
    except KeyError:
        allowed = ", ".join(sorted(KIND_BY_SUFFIX))
        raise UnsupportedFileType(f"'{suffix or filename}' files are not supported; use one of {allowed}") from None


@transaction.atomic
def create_course(*, slug: str, title: str, description: str = "", subject: str = "", grade_band: str = "") -> Course:
    course, _ = Course.objects.update_or_create(
        slug=slug,
        defaults={"title": title, "description": description, "subject": subject, "grade_band": grade_band},
    )
    return course


@transaction.atomic
def rename_material(*, material: Material, title: str) -> Material:
    """A new title for a material (the caller redacts it first, as every title shown to students is)."""
    title = " ".join(title.split())
    if not title:
        raise ValueError("The title is empty.")
    if len(title) > Material._meta.get_field("title").max_length:
        raise ValueError("The title is longer than 255 characters.")
    material.title = title
    material.save(update_fields=["title", "updated_at"])
    return material


@transaction.atomic
def delete_material(*, material: Material) -> None:
    """The material, its index (chunks, diagrams, jobs: deleted with it) and its file, once the deletion is committed.

    Stored answers keep their citation text; a link to the deleted material then says it is gone."""
    storage, name = material.file.storage, material.file.name
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def create_objective(
    *,
    course: Course,
    code: str,
    title: str,
    description: str = "",
    order: int = 0,
    prerequisites: Iterable[str] = (),
) -> LearningObjective:
    objective, _ = LearningObjective.objects.update_or_create(
        course=course, code=code, defaults={"title": title, "description": description, "order": order}
    )
    objective.prerequisites.set(LearningObjective.objects.filter(course=course, code__in=list(prerequisites)))
    return objective


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
) -> AbstractBaseUser:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": email, "is_staff": is_staff},
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def update_profile(*, user: AbstractBaseUser, **fields) -> LearnerProfile:
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    allowed = {f.name for f in LearnerProfile._meta.get_fields()} - {"id", "user", "created_at", "updated_at"}
    return _updated(profile, fields, allowed=allowed, what="profile")


def _updated(instance: models.Model, fields: dict, *, allowed: Iterable[str], what: str) -> models.Model:
    """Set ``fields`` and save, validated as a whole, so a half-edited object is never saved."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {what} fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


class SignInLinkRefused(PermissionDenied):
    """A sign-in link is only for a student account that has never had a password."""


def sign_in_link_path(*, user: AbstractBaseUser) -> str:
    """Where ``user`` chooses a password: the way in for accounts made by a roster import, which
    have none (pupils often have no email for a reset). Django's reset token: it stops working
    once the password changes, at the next sign-in, or after PASSWORD_RESET_TIMEOUT seconds.

    Refused for an account that has a usable password or is staff: a link would let whoever holds
    it (a teacher) replace the owner's password and read their data. Resets are the school admin's."""
    if user.has_usable_password():
        raise SignInLinkRefused(
            "This student already has a password, so no sign-in link can be made; the school's administrator "
            "can reset it."
        )
    if user.is_staff or user.is_superuser:
        raise SignInLinkRefused("Sign-in links are for student accounts only.")
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("set_password", kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(user)})


@transaction.atomic
def enroll(*, user: AbstractBaseUser, course: Course, role: str = Enrollment.Role.STUDENT) -> Enrollment:
    enrollment, _ = Enrollment.objects.update_or_create(user=user, course=course, defaults={"role": role})
    if role == Enrollment.Role.STUDENT:
        LearnerProfile.objects.get_or_create(user=user)
    return enrollment


@transaction.atomic
def create_material(
    *,
    course: Course,
    filename: str,
    content: bytes | File,
    uploaded_by: AbstractBaseUser | None = None,
    title: str = "",
    original_filename: str = "",
    objectives: Iterable[LearningObjective] = (),
) -> tuple[Material, bool]:
    """Store an upload. Returns (material, created); identical bytes in the same course are
    recognised by their SHA-256 and return the existing material instead of a copy.

    ``content`` is hashed and written in chunks (an upload streamed to disk is never read whole).
    ``title`` and ``original_filename`` are stored as given: callers pass them redacted (rag's
    ``ingest_upload``); the file is stored under a random name with the validated extension.
    """
    kind = material_kind_for(filename)
    upload = ContentFile(content) if isinstance(content, bytes | bytearray) else content
    digest, size = hashlib.sha256(), 0
    for piece in upload.chunks():
        digest.update(piece)
        size += len(piece)
    existing = Material.objects.filter(course=course, sha256=digest.hexdigest()).first()
    if existing is not None:
        return existing, False
    material = Material(
        course=course,
        title=(title or "Untitled material")[:255],
        original_filename=original_filename[:255],
        kind=kind,
        sha256=digest.hexdigest(),
        size_bytes=size,
        uploaded_by=uploaded_by,
    )
    material.file.save(f"upload{PurePath(filename).suffix.lower()}", upload, save=False)
    material.save()
    material.objectives.set(objectives)
    return material, True


# --- Learner model: practice items, answers (BKT) and explanation feedback (reading level) ---

MAX_ANSWER_CHARS = 2000
ITEM_FIELDS = ("kind", "prompt", "choices", "answer", "explanation", "active", "order")


@transaction.atomic
def create_practice_item(
    *,
    objective: LearningObjective,
    kind: str,
    prompt: str,
    answer: int | list[str],
    choices: Iterable[str] = (),
    explanation: str = "",
    active: bool = True,
    order: int = 0,
    created_by: AbstractBaseUser | None = None,
) -> PracticeItem:
    """Add an item; ``answer`` is the correct choice's index, or the accepted short answers."""
    item = PracticeItem(
        objective=objective,
        kind=kind,
        prompt=prompt,
        choices=list(choices),
        answer=answer,
        explanation=explanation,
        active=active,
        order=order,
        created_by=created_by,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def update_practice_item(*, item: PracticeItem, **fields) -> PracticeItem:
    """Edit an item; validated as a whole, so a half-edited item is never saved."""
    return _updated(item, fields, allowed=ITEM_FIELDS, what="practice item")


@transaction.atomic
def record_answer(*, learner: AbstractBaseUser, item: PracticeItem, answer: str) -> ItemResponse:
    """Grade a learner's answer, update their mastery of the item's objective by BKT, keep the response.

    The update is bounded (``learner_model.bounded_update``: at most 20 points per answer) and uses the
    objective's fitted parameters once there are; every ``bkt_fit.REFIT_EVERY`` answers on the objective
    a refit is queued. The Mastery row is locked for the update, so two answers submitted at once both
    count. Raises ValueError (nothing stored) for an empty, overlong or unrecognised answer or a retired
    item, and PermissionDenied when the learner is not in the item's course.
    """
    objective = item.objective
    if role_in_course(user=learner, course=objective.course) is None:
        raise PermissionDenied("You are not enrolled in this course.")
    if not item.active:
        raise ValueError("This practice item is no longer in use.")
    if len(answer) > MAX_ANSWER_CHARS:
        raise ValueError(f"The answer is longer than {MAX_ANSWER_CHARS} characters.")
    correct = item.is_correct(answer)
    mastery, _ = Mastery.objects.get_or_create(
        learner=learner, objective=objective, defaults={"p_known": objective.bkt_params().p_init}
    )
    mastery = Mastery.objects.select_for_update().get(pk=mastery.pk)
    # Read after the lock: a fit applied meanwhile (it locks these rows too) has replaced the parameters.
    params = LearningObjective.objects.get(pk=objective.pk).bkt_params()
    p_known_before = mastery.p_known
    mastery.p_known = bounded_update(p_known_before, correct, params)
    mastery.attempts += 1
    mastery.correct += int(correct)
    mastery.save(update_fields=["p_known", "attempts", "correct", "updated_at"])
    response = ItemResponse.objects.create(
        learner=learner,
        item=item,
        answer=answer.strip(),
        correct=correct,
        p_known_before=p_known_before,
        p_known_after=mastery.p_known,
    )
    if answers_on_objective(objective=objective) % REFIT_EVERY == 0:
        transaction.on_commit(lambda: _queue_fit(objective.pk))
    return response


def _queue_fit(objective_id: int) -> None:
    from edu.tasks import fit_bkt_parameters

    try:
        fit_bkt_parameters.delay(objective_id=objective_id)
    except Exception:  # the broker is down: the nightly fit catches up; the answer is stored already
        logger.exception("objective %s: BKT refit could not be queued", objective_id)


@dataclass(frozen=True)
class FitReport:
    """What fitting one objective did: ``fit`` is None when there were too few answers (defaults kept)."""

    objective_id: int
    answers: int
    learners: int
    fit: BktFit | None
    masteries_replayed: int = 0


def fit_objective_parameters(*, objective: LearningObjective) -> FitReport:
    """Fit the objective's BKT parameters to its stored answers and re-estimate its learners' mastery.

    The fit (seconds, on a bounded grid: ``bkt_fit.fit_bkt``) runs outside any transaction; storing it
    and replaying every learner's answers with the new parameters is one short atomic step, so the
    mastery shown is always what the current parameters make of the answers. With too little data the
    objective keeps its parameters and nothing is written.
    """
    sequences = answer_sequences(objective=objective, students_only=True)
    answers = sum(len(sequence) for sequence in sequences.values())
    fit = fit_bkt(sequences.values())
    if fit is None:
        return FitReport(objective_id=objective.pk, answers=answers, learners=len(sequences), fit=None)
    replayed = _apply_fit(objective=objective, fit=fit)
    return FitReport(
        objective_id=objective.pk, answers=fit.answers, learners=fit.learners, fit=fit, masteries_replayed=replayed
    )


@transaction.atomic
def _apply_fit(*, objective: LearningObjective, fit: BktFit) -> int:
    objective = LearningObjective.objects.select_for_update().get(pk=objective.pk)
    params = fit.params
    objective.fitted_p_init, objective.fitted_p_learn = params.p_init, params.p_learn
    objective.fitted_p_slip, objective.fitted_p_guess = params.p_slip, params.p_guess
    objective.fitted_answers, objective.fitted_at = fit.answers, timezone.now()
    objective.save(
        update_fields=[
            "fitted_p_init", "fitted_p_learn", "fitted_p_slip", "fitted_p_guess", "fitted_answers", "fitted_at"
        ]
    )
    masteries = list(Mastery.objects.select_for_update().filter(objective=objective).order_by("pk"))
    sequences = answer_sequences(objective=objective)  # after the locks: answers stored meanwhile count
    for mastery in masteries:
        mastery.p_known = replay(sequences.get(mastery.learner_id, ()), params)
    Mastery.objects.bulk_update(masteries, ["p_known"])
    return len(masteries)


def refit_objectives(*, course: Course | None = None, objective_id: int | None = None) -> list[FitReport]:
    """Fit one objective, every objective of ``course``, or (neither given: the nightly job) all of them."""
    objectives = LearningObjective.objects.order_by("course_id", "order", "code")
    if course is not None:
        objectives = objectives.filter(course=course)
    if objective_id is not None:
        objectives = objectives.filter(pk=objective_id)
    return [fit_objective_parameters(objective=objective) for objective in objectives]


@transaction.atomic
def record_interaction(
    *, learner: AbstractBaseUser, course: Course, conversation_id: uuid.UUID, question_redacted: str,
    answer_redacted: str, citations: list[dict], grounding: dict, timings: dict, model_name: str,
) -> Interaction:
    """One question and its explanation, stored as the explainer produced them: redacted, never raw.

    The learner's working reading level is kept with it, so feedback on this explanation is measured
    from the level it was written for."""
    level = LearnerProfile.objects.filter(user=learner).values_list("reading_level", flat=True).first()
    return Interaction.objects.create(
        learner=learner, course=course, conversation_id=conversation_id, question_redacted=question_redacted,
        answer_redacted=answer_redacted, citations=citations, grounding=grounding, timings=timings,
        model_name=model_name[:200], reading_level=level,
    )


@dataclass(frozen=True)
class FeedbackResult:
    """What one piece of feedback did: the stored interaction and the reading level before and after."""

    interaction: Interaction
    reading_level_before: float
    reading_level_after: float
    message: str  # for the student: what changes in their next explanations


@transaction.atomic
def record_feedback(*, interaction: Interaction, feedback: str) -> FeedbackResult:
    """Store the learner's verdict on an explanation and move their working reading level by it.

    "too hard" moves the level into the next simpler band of the explainer, "too easy" into the next
    harder one (see ``adjust_reading_level``), so the next explanation of the same question reads
    differently. Giving the same feedback twice moves the level once; changing one's mind replaces the
    earlier move.
    """
    if feedback not in FEEDBACK_VALUES:
        raise ValueError(f"Feedback must be one of: {', '.join(FEEDBACK_VALUES)}.")
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    profile, _ = LearnerProfile.objects.select_for_update().get_or_create(user_id=interaction.learner_id)
    before = profile.reading_level
    previous = interaction.feedback
    if previous == feedback:
        return FeedbackResult(interaction, before, before, reading_change_message(before, before, feedback))
    if interaction.reading_level is None:  # stored before levels were recorded: it was read at this level
        interaction.reading_level = before
    profile.reading_level = adjust_reading_level(
        before, feedback, written_for=interaction.reading_level, replaces=previous
    )
    profile.save(update_fields=["reading_level", "updated_at"])
    interaction.feedback = feedback
    interaction.save(update_fields=["feedback", "reading_level"])
    after = profile.reading_level
    return FeedbackResult(interaction, before, after, reading_change_message(before, after, feedback))


# --- CSV import of practice items ---

ITEM_CSV_REQUIRED = ("objective_code", "kind", "prompt", "answer")
ITEM_KIND_ALIASES = {
    "multiple_choice": PracticeItem.Kind.MULTIPLE_CHOICE,
    "multiple choice": PracticeItem.Kind.MULTIPLE_CHOICE,
    "mc": PracticeItem.Kind.MULTIPLE_CHOICE,
    "short_answer": PracticeItem.Kind.SHORT_ANSWER,
    "short answer": PracticeItem.Kind.SHORT_ANSWER,
    "short": PracticeItem.Kind.SHORT_ANSWER,
}


# A file of practice items is a teacher's question bank, not a data dump: bigger files are refused
# whole, with a message, before any row is parsed or stored.
ITEM_CSV_MAX_BYTES = 2 * 1024 * 1024
ITEM_CSV_MAX_ROWS = 5000


class ItemImportError(ValueError):
    """The file as a whole cannot be read as an item CSV (encoding, missing columns)."""


@dataclass
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "errors": [str(error) for error in self.errors]}


def _split_pipes(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def _item_fields_from_row(row: dict[str, str], objectives: dict[str, LearningObjective]) -> dict:
    """Turn one CSV row into create_practice_item arguments; ValueError says what is wrong with it."""
    code = (row.get("objective_code") or "").strip()
    if code not in objectives:
        raise ValueError(f"unknown objective code '{code[:80]}'" if code else "objective_code is empty")
    kind = ITEM_KIND_ALIASES.get((row.get("kind") or "").strip().lower())
    if kind is None:
        raise ValueError("kind must be multiple_choice or short_answer")
    choices = _split_pipes(row.get("choices") or "")
    answer_text = (row.get("answer") or "").strip()
    if kind == PracticeItem.Kind.MULTIPLE_CHOICE:
        answer = choice_index(answer_text, choices)
        if answer is None:
            raise ValueError("answer must be the text of one of the choices")
    else:
        answer = _split_pipes(answer_text)
    prompt = (row.get("prompt") or "").strip()
    try:  # before the prompt is looked up in the database (a NUL would make PostgreSQL refuse the query)
        validate_item_text(prompt, max_chars=ITEM_PROMPT_MAX_CHARS)
    except ValidationError as error:
        raise ValidationError({"prompt": error.messages}) from None
    return {
        "objective": objectives[code],
        "kind": kind,
        "prompt": prompt,
        "choices": choices,
        "answer": answer,
        "explanation": (row.get("explanation") or "").strip(),
    }


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def import_items_csv(
    *, course: Course, file: IO[str] | IO[bytes], created_by: AbstractBaseUser | None = None
) -> ImportReport:
    """Import practice items from a teacher's CSV; each row stands or falls alone.

    Columns: objective_code, kind, prompt, choices (pipe-separated), answer, explanation. For multiple
    choice the answer is the correct choice's text; for short answers, the accepted answers separated
    by pipes. A row whose objective already has an item with the same prompt updates that item, so a
    corrected file can be imported again. Bad rows are reported by row number and the rest imported.
    """
    content = file.read(ITEM_CSV_MAX_BYTES + 1)
    if len(content) > ITEM_CSV_MAX_BYTES:
        raise ItemImportError(
            f"The file is larger than {ITEM_CSV_MAX_BYTES // (1024 * 1024)} MB; split it into smaller files."
        )
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ItemImportError("The file is not UTF-8 text; save the spreadsheet as 'CSV UTF-8'.") from None
    # A field may be as long as the file: an over-long one is a bad row to report, not an unreadable file.
    csv.field_size_limit(max(csv.field_size_limit(), ITEM_CSV_MAX_BYTES))
    # csv.reader, not DictReader: DictReader skips blank lines, and row numbers would drift from the sheet's.
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff")), strict=True)
    try:
        records = list(reader)
    except csv.Error as error:  # an unclosed quote, say: a file that cannot be read whole imports nothing
        raise ItemImportError(f"The file is not a readable CSV (line {reader.line_num}): {error}.") from None
    if len(records) - 1 > ITEM_CSV_MAX_ROWS:
        raise ItemImportError(
            f"The file has {len(records) - 1:,} rows; at most {ITEM_CSV_MAX_ROWS:,} items can be imported at once. "
            "Split it into smaller files."
        )
    header = [name.strip().lower() for name in (records[0] if records else [])]
    missing = [name for name in ITEM_CSV_REQUIRED if name not in header]
    if missing:
        raise ItemImportError(f"The file lacks the column(s): {', '.join(missing)}.")
    objectives = {objective.code: objective for objective in LearningObjective.objects.filter(course=course)}
    report = ImportReport()
    for row_number, values in enumerate(records[1:], start=2):
        if not any(value.strip() for value in values):
            continue  # blank lines between blocks of items
        row = dict(zip(header, values, strict=False))
        try:
            with transaction.atomic():
                fields = _item_fields_from_row(row, objectives)
                existing = PracticeItem.objects.filter(objective=fields["objective"], prompt=fields["prompt"]).first()
                if existing is None:
                    create_practice_item(**fields, order=row_number, created_by=created_by)
                    report.created += 1
                else:
                    update_practice_item(item=existing, **{k: v for k, v in fields.items() if k != "objective"})
                    report.updated += 1
        except ValidationError as error:
            report.errors.append(RowError(row_number, _validation_message(error)))
        except ValueError as error:
            report.errors.append(RowError(row_number, str(error)))
        except DatabaseError:  # the row's savepoint is rolled back; the other rows carry on
            report.errors.append(RowError(row_number, "could not be stored; check it for unusual characters"))
    return report
