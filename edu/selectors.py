"""Reads of the learning domain. Every query that returns course data is scoped to a user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Abs, Coalesce

from edu.learner_model import MASTERED, next_objective, shuffled_choices
from edu.models import (
    Course,
    Enrollment,
    Interaction,
    ItemResponse,
    LearnerProfile,
    LearningObjective,
    Mastery,
    Material,
    PracticeItem,
)

User = get_user_model()


def courses_for_user(*, user: AbstractBaseUser) -> QuerySet[Course]:
    """Courses the user may see: where enrolled or teaching; staff see every course."""
    if not user.is_authenticated:
        return Course.objects.none()
    if user.is_staff:
        return Course.objects.all()
    return Course.objects.filter(enrollments__user=user).distinct()


def course_ids_for_user(*, user: AbstractBaseUser) -> list[int]:
    return list(courses_for_user(user=user).values_list("id", flat=True))


def role_in_course(*, user: AbstractBaseUser, course: Course) -> str | None:
    """'teacher', 'student' or None. Staff count as teachers everywhere."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return Enrollment.Role.TEACHER
    return (
        Enrollment.objects.filter(user=user, course=course).values_list("role", flat=True).first()
    )


def is_teacher_of(*, user: AbstractBaseUser, course: Course) -> bool:
    return role_in_course(user=user, course=course) == Enrollment.Role.TEACHER


# --- Learner model: mastery, the next step, and the class view ---


def _p_known_expression(*, learner: AbstractBaseUser) -> Coalesce:
    """Per objective row: the learner's BKT estimate, or the objective's prior (fitted, else the default)
    when they never practised it."""
    record = Mastery.objects.filter(learner=learner, objective=OuterRef("pk")).values("p_known")[:1]
    return Coalesce(Subquery(record), F("fitted_p_init"), F("p_init"))


def mastery_by_objective(*, learner: AbstractBaseUser, course: Course) -> dict[int, float]:
    """Objective id -> P(known) for every objective of the course, in course order; one query.

    The retrieval reranker and the explainer weigh sources and pitch explanations with it.
    """
    rows = (
        LearningObjective.objects.filter(course=course)
        .annotate(p_known=_p_known_expression(learner=learner))
        .order_by("order", "code")
        .values_list("id", "p_known")
    )
    return dict(rows)


def practised_objectives(*, learner: AbstractBaseUser, course: Course) -> frozenset[int]:
    """Ids of the course's objectives the learner has answered at least once: the others have no data yet."""
    return frozenset(
        Mastery.objects.filter(learner=learner, objective__course=course, attempts__gt=0).values_list(
            "objective_id", flat=True
        )
    )


@dataclass(frozen=True)
class NextStep:
    """What a learner should do next: practise ``objective``, reading ``material``, answering ``item``."""

    objective: LearningObjective
    p_known: float
    material: Material | None
    item: PracticeItem | None
    choices: tuple[str, ...] = ()  # the item's choices in this attempt's order

    def to_dict(self) -> dict:
        material, item = self.material, self.item
        return {
            "objective": {"id": self.objective.pk, "code": self.objective.code, "title": self.objective.title},
            "p_known": round(self.p_known, 4),
            "material": None
            if material is None
            else {"id": material.pk, "title": material.title, "reading_level": material.reading_level},
            # Never the answer: the dict goes to the learner's browser.
            "item": None
            if item is None
            else {"id": item.pk, "kind": item.kind, "prompt": item.prompt, "choices": list(self.choices)},
        }


def next_step(*, learner: AbstractBaseUser, course: Course) -> NextStep | None:
    """The objective to practise (``learner_model.next_objective``: prerequisites mastered, an answer
    most likely to teach or to unlock), with a material and an item for it.

    None when every objective the learner can reach is mastered. Prerequisites in other courses are
    not tracked here and do not lock an objective.
    """
    objectives = {
        objective.pk: objective
        for objective in LearningObjective.objects.filter(course=course)
        .annotate(p_known=_p_known_expression(learner=learner))
        .order_by("order", "code")
    }
    prerequisites: dict[int, list[int]] = defaultdict(list)
    links = LearningObjective.prerequisites.through.objects.filter(
        from_learningobjective__course=course, to_learningobjective__course=course
    ).values_list("from_learningobjective_id", "to_learningobjective_id")
    for objective_id, prerequisite_id in links:
        prerequisites[objective_id].append(prerequisite_id)
    p_known = {objective_id: objective.p_known for objective_id, objective in objectives.items()}
    chosen = next_objective(p_known, prerequisites)
    if chosen is None:
        return None
    objective = objectives[chosen]
    item = next_item(learner=learner, objective=objective)
    return NextStep(
        objective=objective,
        p_known=objective.p_known,
        material=material_for_objective(objective=objective, reading_level=_reading_level(learner=learner)),
        item=item,
        # Shuffled per attempt: the seed changes when the learner answers the item, not on a page reload.
        choices=tuple(shuffled_choices(item.choices or [], seed=f"{item.pk}:{learner.pk}:{item.last_answered_at}"))
        if item is not None
        else (),
    )


def _reading_level(*, learner: AbstractBaseUser) -> float | None:
    return LearnerProfile.objects.filter(user=learner).values_list("reading_level", flat=True).first()


def material_for_objective(*, objective: LearningObjective, reading_level: float | None) -> Material | None:
    """A material covering the objective: indexed ones first, then the reading level nearest the learner's."""
    materials = objective.materials.exclude(status=Material.Status.FAILED).annotate(
        not_ready=Case(When(status=Material.Status.READY, then=Value(0)), default=Value(1))
    )
    if reading_level is not None:
        materials = materials.annotate(distance=Abs(F("reading_level") - Value(reading_level)))
        return materials.order_by("not_ready", F("distance").asc(nulls_last=True), "title", "pk").first()
    return materials.order_by("not_ready", "title", "pk").first()


def next_item(*, learner: AbstractBaseUser, objective: LearningObjective) -> PracticeItem | None:
    """The active item to answer next: unanswered ones first, then those last answered wrongly, then the
    one answered longest ago; course order breaks ties. The item just answered comes back only when the
    objective has no other, so a question never repeats back to back."""
    last_response = ItemResponse.objects.filter(learner=learner, item=OuterRef("pk")).order_by("-created_at", "-id")
    just_answered = (
        ItemResponse.objects.filter(learner=learner, item__objective=objective).order_by("-created_at", "-id")
    )
    return (
        objective.practice_items.filter(active=True)
        .annotate(
            just_answered=Case(When(pk=Subquery(just_answered.values("item_id")[:1]), then=Value(1)), default=Value(0)),
        )
        .annotate(
            last_answered_at=Subquery(last_response.values("created_at")[:1]),
            last_correct=Subquery(last_response.values("correct")[:1]),
        )
        .annotate(
            priority=Case(
                When(last_answered_at__isnull=True, then=Value(0)),
                When(last_correct=False, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("just_answered", "priority", "last_answered_at", "order", "pk")
        .first()
    )


def answer_sequences(*, objective: LearningObjective, students_only: bool = False) -> dict[int, list[bool]]:
    """Every learner's answers on the objective's items (retired ones too), right or wrong, oldest first,
    keyed by learner id: what mastery is replayed from, and (``students_only``: a teacher trying the
    items knows the answers) what the BKT parameters are fitted to. One query."""
    sequences: dict[int, list[bool]] = defaultdict(list)
    responses = ItemResponse.objects.filter(item__objective=objective)
    if students_only:
        responses = responses.filter(learner__in=_students_of(objective.course))
    rows = responses.order_by("learner_id", "created_at", "id").values_list("learner_id", "correct")
    for learner_id, correct in rows:
        sequences[learner_id].append(correct)
    return dict(sequences)


def answers_on_objective(*, objective: LearningObjective) -> int:
    """How many answers the objective's items have had: fitting reruns every ``bkt_fit.REFIT_EVERY``."""
    return ItemResponse.objects.filter(item__objective=objective).count()


def practice_items(*, objective: LearningObjective, include_inactive: bool = False) -> QuerySet[PracticeItem]:
    items = objective.practice_items.all()
    return items if include_inactive else items.filter(active=True)


@dataclass(frozen=True)
class ClassMastery:
    """Mastery per student (rows) and objective (columns) of one course, for the teacher's heatmap."""

    objectives: list[LearningObjective]
    students: list[AbstractBaseUser]
    p_known: list[list[float]]
    attempts: list[list[int]]

    def to_dict(self) -> dict:
        return {
            "objectives": [{"id": o.pk, "code": o.code, "title": o.title} for o in self.objectives],
            "students": [{"id": s.pk, "name": s.get_full_name() or s.get_username()} for s in self.students],
            "p_known": [[round(p, 4) for p in row] for row in self.p_known],
            "attempts": self.attempts,
            "mastered_threshold": MASTERED,
        }


def _students_of(course: Course) -> QuerySet:
    return User.objects.filter(enrollments__course=course, enrollments__role=Enrollment.Role.STUDENT)


def class_mastery(*, course: Course) -> ClassMastery:
    """The course's students by objectives, with the prior where a student has not practised; three queries."""
    objectives = list(LearningObjective.objects.filter(course=course).order_by("order", "code"))
    students = list(_students_of(course).order_by("last_name", "first_name", "username"))
    records = {
        (learner_id, objective_id): (p_known, attempts)
        for learner_id, objective_id, p_known, attempts in Mastery.objects.filter(
            objective__course=course, learner__in=[student.pk for student in students]
        ).values_list("learner_id", "objective_id", "p_known", "attempts")
    }
    cells = [
        [records.get((student.pk, objective.pk), (objective.bkt_params().p_init, 0)) for objective in objectives]
        for student in students
    ]
    return ClassMastery(
        objectives=objectives,
        students=students,
        p_known=[[p for p, _ in row] for row in cells],
        attempts=[[attempts for _, attempts in row] for row in cells],
    )


@dataclass(frozen=True)
class StuckLearner:
    learner: AbstractBaseUser
    objective: LearningObjective
    attempts: int
    p_known: float


@dataclass(frozen=True)
class ItemAnswers:
    """One practice item with its students' answers, newest first: what a teacher checks the key against."""

    item: PracticeItem
    responses: list[ItemResponse]

    @property
    def share_correct(self) -> float | None:
        return sum(r.correct for r in self.responses) / len(self.responses) if self.responses else None


def objective_answers(*, objective: LearningObjective, student: AbstractBaseUser | None = None) -> list[ItemAnswers]:
    """The objective's items (inactive ones too) with the answers of its course's students; two queries."""
    responses = ItemResponse.objects.filter(
        item__objective=objective, learner__in=_students_of(objective.course)
    ).select_related("learner").order_by("-created_at", "-id")
    if student is not None:
        responses = responses.filter(learner=student)
    by_item: dict[int, list[ItemResponse]] = defaultdict(list)
    for response in responses:
        by_item[response.item_id].append(response)
    items = objective.practice_items.order_by("order", "pk")
    return [ItemAnswers(item=item, responses=by_item[item.pk]) for item in items]


def stuck_learners(*, course: Course, min_attempts: int = 5, max_p_known: float = 0.5) -> list[StuckLearner]:
    """Students who practised an objective many times and still show low mastery: whom to help first.

    Lowest mastery first, then most attempts; one query.
    """
    records = (
        Mastery.objects.filter(
            objective__course=course,
            learner__in=_students_of(course),
            attempts__gte=min_attempts,
            p_known__lt=max_p_known,
        )
        .select_related("learner", "objective")
        .order_by("p_known", "-attempts", "learner__username", "objective__order")
    )
    return [
        StuckLearner(learner=r.learner, objective=r.objective, attempts=r.attempts, p_known=r.p_known) for r in records
    ]


def answer_found_too_hard(*, learner: AbstractBaseUser, course: Course, question_redacted: str) -> str | None:
    """The answer to this question the learner last judged, when their verdict was "too hard" (else None).

    The explainer writes the next answer to the same question below it: moving the learner one reading band
    down is not enough on its own, since an answer in a simpler band can still read harder than the one the
    learner found too hard (short course sentences leave the simple band's cuts nothing to cut).
    """
    judged = (Interaction.objects.filter(learner=learner, course=course, question_redacted=question_redacted)
              .exclude(feedback="").order_by("-created_at", "-pk").values_list("feedback", "answer_redacted").first())
    if judged is None or judged[0] != Interaction.Feedback.TOO_HARD:
        return None
    return judged[1]
