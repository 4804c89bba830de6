"""class_mastery and stuck_learners (edu/selectors.py): the teacher's view of a class."""

import pytest

from edu.learner_model import MASTERED
from edu.selectors import class_mastery, stuck_learners
from tests.factories import CourseFactory, MasteryFactory, ObjectiveFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CourseFactory()


def test_the_matrix_has_a_row_per_student_and_a_column_per_objective(course, django_assert_max_num_queries):
    second = ObjectiveFactory(course=course, order=2, p_init=0.3)
    first = ObjectiveFactory(course=course, order=1)
    ada = student_in(course, first_name="Ada", last_name="Byron")
    ben = student_in(course, first_name="Ben", last_name="Carter")
    teacher_of(course)
    other_course_student = student_in(CourseFactory())
    MasteryFactory(learner=ada, objective=first, p_known=0.9, attempts=4)
    MasteryFactory(learner=ben, objective=second, p_known=0.1, attempts=7)
    MasteryFactory(learner=other_course_student, objective=first, p_known=0.5)
    with django_assert_max_num_queries(3):
        view = class_mastery(course=course)
    assert view.objectives == [first, second]
    assert view.students == [ada, ben]  # teachers and other courses' students are not rows
    assert view.p_known == [[0.9, 0.3], [0.2, 0.1]]  # priors where a student has no record yet
    assert view.attempts == [[4, 0], [0, 7]]
    data = view.to_dict()
    assert [s["name"] for s in data["students"]] == ["Ada Byron", "Ben Carter"]
    assert data["mastered_threshold"] == MASTERED


def test_an_empty_course_gives_an_empty_matrix(course):
    view = class_mastery(course=course)
    assert (view.objectives, view.students, view.p_known) == ([], [], [])


def test_stuck_learners_tried_many_times_and_still_show_low_mastery(course):
    objective = ObjectiveFactory(course=course)
    stuck = student_in(course)
    stuck_worse = student_in(course)
    new_to_it = student_in(course)
    doing_fine = student_in(course)
    MasteryFactory(learner=stuck, objective=objective, attempts=6, p_known=0.4)
    MasteryFactory(learner=stuck_worse, objective=objective, attempts=9, p_known=0.1)
    MasteryFactory(learner=new_to_it, objective=objective, attempts=2, p_known=0.1)
    MasteryFactory(learner=doing_fine, objective=objective, attempts=8, p_known=0.8)
    result = stuck_learners(course=course)
    assert [(r.learner, r.attempts, r.p_known) for r in result] == [(stuck_worse, 9, 0.1), (stuck, 6, 0.4)]
    assert {r.objective for r in result} == {objective}


def test_the_thresholds_can_be_changed(course):
    objective = ObjectiveFactory(course=course)
    learner = student_in(course)
    MasteryFactory(learner=learner, objective=objective, attempts=3, p_known=0.6)
    assert stuck_learners(course=course) == []
    assert [r.learner for r in stuck_learners(course=course, min_attempts=3, max_p_known=0.7)] == [learner]


def test_only_this_courses_students_are_listed(course):
    objective = ObjectiveFactory(course=course)
    teacher = teacher_of(course)
    MasteryFactory(learner=teacher, objective=objective, attempts=10, p_known=0.1)
    assert stuck_learners(course=course) == []
