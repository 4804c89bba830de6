"""Fitting an objective's BKT parameters to stored answers (edu.services.refit_objectives, the
edu.fit_bkt_parameters task, manage.py fit_bkt): what is stored, what is re-estimated, what is left alone."""

import io
import random

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from edu.bkt_fit import FIT_BOUNDS, MIN_FIT_ANSWERS, MIN_FIT_LEARNERS
from edu.learner_model import BktParams, replay
from edu.models import LearningObjective, Mastery
from edu.selectors import class_mastery, mastery_by_objective
from edu.services import record_answer, refit_objectives
from edu.tasks import fit_bkt_parameters
from tests.factories import CourseFactory, ObjectiveFactory, PracticeItemFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db

TRUTH = BktParams(p_init=0.3, p_learn=0.2, p_slip=0.08, p_guess=0.15)


@pytest.fixture
def course():
    return CourseFactory()


def answer_like_bkt_learners(*, objective, learners, answers_each, seed=7) -> dict[int, list[bool]]:
    """Students answer through record_answer, right or wrong as BKT learners with TRUTH would."""
    rng = random.Random(seed)
    items = [PracticeItemFactory(objective=objective, order=n) for n in range(3)]
    sequences = {}
    for _ in range(learners):
        learner = student_in(objective.course)
        known, sequence = rng.random() < TRUTH.p_init, []
        for n in range(answers_each):
            correct = rng.random() < ((1 - TRUTH.p_slip) if known else TRUTH.p_guess)
            record_answer(learner=learner, item=items[n % 3], answer="Leaves" if correct else "Roots")
            sequence.append(correct)
            known = known or rng.random() < TRUTH.p_learn
        sequences[learner.pk] = sequence
    return sequences


def test_a_fit_is_stored_within_bounds_and_every_learners_mastery_is_replayed_with_it(course):
    objective = ObjectiveFactory(course=course)
    sequences = answer_like_bkt_learners(objective=objective, learners=MIN_FIT_LEARNERS, answers_each=17)
    teacher = teacher_of(course)
    for _ in range(10):  # a teacher trying the items knows the answers: not data about learning
        record_answer(learner=teacher, item=objective.practice_items.first(), answer="Leaves")

    [report] = refit_objectives(course=course)

    objective.refresh_from_db()
    assert report.fit is not None and report.learners == MIN_FIT_LEARNERS
    assert objective.fitted_answers == report.answers == MIN_FIT_LEARNERS * 17 >= MIN_FIT_ANSWERS
    assert objective.fitted_at is not None
    fitted = objective.bkt_params()
    assert fitted == report.fit.params != BktParams()
    for name, (low, high) in FIT_BOUNDS.items():
        assert low <= getattr(fitted, name) <= high
    for learner_id, sequence in sequences.items():
        assert Mastery.objects.get(learner_id=learner_id, objective=objective).p_known == pytest.approx(
            replay(sequence, fitted)
        )
    teachers = Mastery.objects.get(learner=teacher, objective=objective)
    assert teachers.p_known == pytest.approx(replay([True] * 10, fitted))  # replayed, though not fitted to
    assert report.masteries_replayed == MIN_FIT_LEARNERS + 1


def test_with_too_few_answers_the_defaults_stay_and_no_mastery_changes(course):
    objective = ObjectiveFactory(course=course)
    answer_like_bkt_learners(objective=objective, learners=5, answers_each=4)
    before = dict(Mastery.objects.values_list("pk", "p_known"))

    [report] = refit_objectives(course=course)

    objective.refresh_from_db()
    assert report.fit is None and (report.answers, report.learners) == (20, 5)
    assert objective.fitted_at is None and objective.bkt_params() == BktParams()
    assert dict(Mastery.objects.values_list("pk", "p_known")) == before


def test_an_unpractised_objective_starts_from_the_fitted_prior(course):
    objective = ObjectiveFactory(course=course)  # default prior 0.2
    LearningObjective.objects.filter(pk=objective.pk).update(
        fitted_p_init=0.45, fitted_p_learn=0.1, fitted_p_slip=0.1, fitted_p_guess=0.2, fitted_answers=600,
        fitted_at="2026-12-01T00:00Z",
    )
    learner = student_in(course)
    assert mastery_by_objective(learner=learner, course=course) == {objective.pk: pytest.approx(0.45)}
    assert class_mastery(course=course).p_known == [[pytest.approx(0.45)]]


def test_the_task_fits_one_objective_or_all_and_runs_nightly(course):
    objective = ObjectiveFactory(course=course)
    other = ObjectiveFactory(course=CourseFactory())
    answer_like_bkt_learners(objective=objective, learners=2, answers_each=3)
    assert fit_bkt_parameters.apply(kwargs={"objective_id": objective.pk}).get() == [
        {"objective_id": objective.pk, "answers": 6, "learners": 2, "fitted": False}
    ]
    assert {row["objective_id"] for row in fit_bkt_parameters.apply().get()} == {objective.pk, other.pk}
    assert fit_bkt_parameters.apply(kwargs={"objective_id": 0}).get() == []
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["edu.fit_bkt_parameters"] == 24 * 3600


def test_the_command_reports_each_objective_by_code_and_never_a_student(course):
    objective = ObjectiveFactory(course=course, code="food-webs")
    answer_like_bkt_learners(objective=objective, learners=3, answers_each=2)
    out = io.StringIO()
    call_command("fit_bkt", "--course", course.slug, stdout=out)
    assert out.getvalue() == "food-webs: 6 answers of 3 students, too few; kept\n"
    with pytest.raises(CommandError, match="No course"):
        call_command("fit_bkt", "--course", "no-such-course")


def test_the_admin_course_page_shows_whether_an_objectives_parameters_are_fitted(client, course, admin_user):
    fitted = ObjectiveFactory(course=course, code="fitted")
    ObjectiveFactory(course=course, code="unfitted")
    LearningObjective.objects.filter(pk=fitted.pk).update(
        fitted_p_init=0.31, fitted_p_learn=0.12, fitted_p_slip=0.07, fitted_p_guess=0.18, fitted_answers=612,
        fitted_at="2026-12-01T00:00Z",
    )
    client.force_login(admin_user)
    page = client.get(reverse("admin:edu_course_change", args=[course.pk])).content.decode()
    assert "init 0.31, learn 0.12, slip 0.07, guess 0.18 (612 answers, 2026-12-01)" in page
    assert "not yet: the values on the left are used" in page
