"""The reading level starts at the grade and follows it until someone sets it or feedback moves it."""

import pytest

from edu.models import LearnerProfile
from edu.services import record_feedback, update_profile
from tests.factories import InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db


def profile_of(user):
    return LearnerProfile.objects.get(user=user)


@pytest.mark.parametrize(("grade", "level"), [(4, 4.0), (11, 11.0), (1, 1.0)])
def test_a_grade_alone_sets_the_reading_level(grade, level):
    user = UserFactory()
    update_profile(user=user, grade_level=grade)
    assert profile_of(user).reading_level == level


def test_the_level_follows_a_changed_grade_until_it_is_set():
    user = UserFactory()
    update_profile(user=user, grade_level=4)
    update_profile(user=user, grade_level=9)
    assert profile_of(user).reading_level == 9.0
    update_profile(user=user, reading_level=7.5)
    update_profile(user=user, grade_level=11)
    assert (profile_of(user).grade_level, profile_of(user).reading_level) == (11, 7.5)


def test_feedback_fixes_the_level_so_a_new_grade_does_not_undo_it():
    user = UserFactory()
    update_profile(user=user, grade_level=8)
    record_feedback(interaction=InteractionFactory(learner=user), feedback="too_hard")
    moved = profile_of(user).reading_level
    assert moved < 8.0 and profile_of(user).reading_level_set
    update_profile(user=user, grade_level=10)
    assert profile_of(user).reading_level == moved


def test_an_admin_edit_of_the_level_is_kept():
    user = UserFactory()
    update_profile(user=user, grade_level=5)
    profile = profile_of(user)
    profile.reading_level = 3.0
    profile.save()
    profile = profile_of(user)
    profile.grade_level = 6
    profile.save()
    assert profile_of(user).reading_level == 3.0
