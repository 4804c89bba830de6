"""mastery_by_objective and next_step (edu/selectors.py): what a learner should practise next."""

import pytest

from edu.models import Material
from edu.selectors import mastery_by_objective, next_item, next_step
from edu.services import create_objective, record_answer
from tests.factories import (
    CourseFactory,
    MasteryFactory,
    MaterialFactory,
    ObjectiveFactory,
    PracticeItemFactory,
    student_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CourseFactory()


@pytest.fixture
def chain(course):
    """cells -> photosynthesis -> food-webs, and an independent 'measurement' objective."""
    cells = create_objective(course=course, code="cells", title="Cells", order=1)
    photosynthesis = create_objective(
        course=course, code="photosynthesis", title="Photosynthesis", order=2, prerequisites=["cells"]
    )
    food_webs = create_objective(
        course=course, code="food-webs", title="Food webs", order=3, prerequisites=["photosynthesis"]
    )
    measurement = create_objective(course=course, code="measurement", title="Measurement", order=4)
    return cells, photosynthesis, food_webs, measurement


def test_mastery_by_objective_uses_records_and_falls_back_to_each_prior(course, chain, django_assert_num_queries):
    cells, photosynthesis, food_webs, measurement = chain
    measurement.p_init = 0.35
    measurement.save()
    learner = student_in(course)
    MasteryFactory(learner=learner, objective=photosynthesis, p_known=0.7)
    MasteryFactory(objective=cells, p_known=0.99)  # another learner's record does not count
    with django_assert_num_queries(1):
        result = mastery_by_objective(learner=learner, course=course)
    assert result == {cells.pk: 0.2, photosynthesis.pk: 0.7, food_webs.pk: 0.2, measurement.pk: 0.35}
    assert list(result) == [cells.pk, photosynthesis.pk, food_webs.pk, measurement.pk]


def test_the_weakest_objective_with_mastered_prerequisites_comes_next(course, chain):
    cells, photosynthesis, food_webs, measurement = chain
    learner = student_in(course)
    MasteryFactory(learner=learner, objective=cells, p_known=0.97)
    MasteryFactory(learner=learner, objective=photosynthesis, p_known=0.5)
    MasteryFactory(learner=learner, objective=measurement, p_known=0.6)
    # food-webs (0.2) is the weakest overall but locked behind photosynthesis (0.5 < 0.95)
    assert next_step(learner=learner, course=course).objective == photosynthesis


def test_an_unmastered_prerequisite_keeps_its_dependants_locked(course, chain):
    cells, photosynthesis, food_webs, measurement = chain
    learner = student_in(course)
    MasteryFactory(learner=learner, objective=cells, p_known=0.94)
    MasteryFactory(learner=learner, objective=measurement, p_known=0.9)
    step = next_step(learner=learner, course=course)
    # photosynthesis (0.2) is the weakest but waits on cells; an answer on cells (likely known, and what
    # photosynthesis waits for) is worth more than one on measurement (likely known, unlocks nothing).
    assert step.objective == cells
    assert step.p_known == pytest.approx(0.94)


def test_ties_go_to_the_earlier_objective(course, chain):
    cells = chain[0]
    assert next_step(learner=student_in(course), course=course).objective == cells


def test_nothing_is_next_when_everything_is_mastered(course, chain):
    learner = student_in(course)
    for objective in chain:
        MasteryFactory(learner=learner, objective=objective, p_known=0.96)
    assert next_step(learner=learner, course=course) is None


def test_the_material_is_a_ready_one_closest_to_the_learners_reading_level(course):
    objective = ObjectiveFactory(course=course)
    learner = student_in(course)  # reading level 6.0
    far = MaterialFactory(course=course, status=Material.Status.READY, reading_level=11.0, content=b"far")
    near = MaterialFactory(course=course, status=Material.Status.READY, reading_level=5.5, content=b"near")
    unindexed = MaterialFactory(course=course, status=Material.Status.PENDING, reading_level=6.0, content=b"pending")
    failed = MaterialFactory(course=course, status=Material.Status.FAILED, reading_level=6.0, content=b"failed")
    MaterialFactory(course=course, status=Material.Status.READY, reading_level=6.0, content=b"other objective")
    for material in (far, near, unindexed, failed):
        material.objectives.add(objective)
    assert next_step(learner=learner, course=course).material == near
    near.delete()
    far.delete()
    assert next_step(learner=learner, course=course).material == unindexed


def test_without_material_or_items_the_objective_is_still_recommended(course):
    objective = ObjectiveFactory(course=course)
    step = next_step(learner=student_in(course), course=course)
    assert (step.objective, step.material, step.item) == (objective, None, None)


def test_items_come_unanswered_first_then_wrongly_answered_then_oldest(course):
    objective = ObjectiveFactory(course=course)
    learner = student_in(course)
    first, second, third = (PracticeItemFactory(objective=objective, order=n) for n in (1, 2, 3))
    PracticeItemFactory(objective=objective, order=0, active=False)
    assert next_step(learner=learner, course=course).item == first
    record_answer(learner=learner, item=first, answer="Roots")  # wrong
    assert next_step(learner=learner, course=course).item == second
    record_answer(learner=learner, item=second, answer="Leaves")
    record_answer(learner=learner, item=third, answer="Leaves")
    assert next_item(learner=learner, objective=objective) == first  # the wrongly answered one
    record_answer(learner=learner, item=first, answer="Leaves")
    assert next_item(learner=learner, objective=objective) == second  # now the one answered longest ago


def test_an_item_never_comes_back_right_after_itself_when_there_are_others(course):
    objective = ObjectiveFactory(course=course)
    learner = student_in(course)
    first, second = (PracticeItemFactory(objective=objective, order=n) for n in (1, 2))
    shown = []
    for _ in range(6):
        item = next_item(learner=learner, objective=objective)
        shown.append(item)
        record_answer(learner=learner, item=item, answer="Roots")  # always wrong
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False)), shown
    only = ObjectiveFactory(course=course)
    alone = PracticeItemFactory(objective=only)
    record_answer(learner=learner, item=alone, answer="Roots")
    assert next_item(learner=learner, objective=only) == alone  # nothing else to ask


def test_choices_are_shuffled_per_attempt_and_stable_within_one(course):
    objective = ObjectiveFactory(course=course)
    item = PracticeItemFactory(objective=objective, choices=["Leaves", "Roots", "Stem", "Flower"], answer=0)
    first_positions = []
    for _ in range(40):
        learner = student_in(course)
        step = next_step(learner=learner, course=course)
        assert sorted(step.choices) == sorted(item.choices)
        assert next_step(learner=learner, course=course).choices == step.choices  # a reload keeps the order
        first_positions.append(step.choices.index("Leaves"))
    assert len(set(first_positions)) == 4  # the right answer is not always first
    assert first_positions.count(0) < 25


def test_the_dict_for_the_browser_never_contains_the_answer(course):
    item = PracticeItemFactory(objective=ObjectiveFactory(course=course))
    step = next_step(learner=student_in(course), course=course)
    data = step.to_dict()
    choices = list(step.choices)
    assert data["item"] == {"id": item.pk, "kind": "multiple_choice", "prompt": item.prompt, "choices": choices}
    assert data["objective"]["code"] == item.objective.code
    assert data["material"] is None


def test_next_step_uses_a_fixed_number_of_queries(course, chain, django_assert_max_num_queries):
    learner = student_in(course)
    for objective in chain:
        PracticeItemFactory.create_batch(3, objective=objective)
        MaterialFactory(course=course, content=objective.code.encode()).objectives.add(objective)
    with django_assert_max_num_queries(5):
        next_step(learner=learner, course=course)
