"""The pure learner-model mathematics (edu/learner_model.py): numbers worked out by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.learner_model import (
    MASTERED,
    MAX_SWING,
    SIMPLE_TOP,
    BktParams,
    Verdict,
    adjust_reading_level,
    answer_verdict,
    bkt_update,
    bounded_update,
    choice_index,
    next_objective,
    normalise_answer,
    parse_number,
    posterior_known,
    reading_band_name,
    reading_change_message,
    replay,
    short_answer_matches,
    shuffled_choices,
    unlocked_objectives,
    weakest_unlocked,
)

DEFAULTS = BktParams(p_init=0.2, p_learn=0.15, p_slip=0.1, p_guess=0.2)


class TestBktUpdate:
    def test_a_correct_answer_from_the_prior(self):
        # Bayes: known and right = 0.2 * (1 - 0.1) = 0.18; unknown and lucky = 0.8 * 0.2 = 0.16
        #        posterior = 0.18 / (0.18 + 0.16) = 9/17 = 0.5294...
        # learning: 9/17 + (8/17) * 0.15 = (9 + 1.2) / 17 = 0.6
        assert posterior_known(0.2, True, DEFAULTS) == pytest.approx(9 / 17)
        assert bkt_update(0.2, True, DEFAULTS) == pytest.approx(0.6)

    def test_a_wrong_answer_from_the_prior(self):
        # Bayes: known but slipped = 0.2 * 0.1 = 0.02; unknown and wrong = 0.8 * (1 - 0.2) = 0.64
        #        posterior = 0.02 / 0.66 = 1/33
        # learning: 1/33 + (32/33) * 0.15 = (1 + 4.8) / 33 = 0.17575...
        assert posterior_known(0.2, False, DEFAULTS) == pytest.approx(1 / 33)
        assert bkt_update(0.2, False, DEFAULTS) == pytest.approx(5.8 / 33)

    def test_two_correct_answers_in_a_row(self):
        # From 0.6: 0.6 * 0.9 = 0.54; 0.4 * 0.2 = 0.08; posterior = 0.54 / 0.62 = 27/31
        # learning: 27/31 + (4/31) * 0.15 = 27.6 / 31 = 0.89032...
        assert bkt_update(bkt_update(0.2, True, DEFAULTS), True, DEFAULTS) == pytest.approx(27.6 / 31)

    def test_other_parameters_are_used(self):
        params = BktParams(p_init=0.5, p_learn=0.0, p_slip=0.2, p_guess=0.25)
        # 0.5 * 0.8 = 0.4; 0.5 * 0.25 = 0.125; 0.4 / 0.525 = 16/21; no learning
        assert bkt_update(0.5, True, params) == pytest.approx(16 / 21)

    def test_correct_answers_raise_and_wrong_answers_lower_the_belief_before_learning(self):
        for p in (0.05, 0.3, 0.7, 0.99):
            assert posterior_known(p, True, DEFAULTS) > p > posterior_known(p, False, DEFAULTS)

    def test_enough_correct_answers_reach_mastery(self):
        p, answers = DEFAULTS.p_init, 0
        while p < MASTERED:
            p, answers = bkt_update(p, True, DEFAULTS), answers + 1
        # 0.2 -> 0.6 -> 0.890 -> 0.977: three correct answers in a row count as mastery.
        assert answers == 3

    def test_the_largest_slip_and_guess_the_model_accepts_make_answers_uninformative(self):
        # slip 0.5, guess 0.5: right with probability 0.5 whether known or not; 0.3 * 0.5 / 0.5 = 0.3
        params = BktParams(p_init=0.3, p_learn=0.0, p_slip=0.5, p_guess=0.5)
        assert posterior_known(0.3, True, params) == pytest.approx(0.3)
        assert posterior_known(0.3, False, params) == pytest.approx(0.3)

    @pytest.mark.parametrize(
        "fields",
        [{"p_slip": 0.6, "p_guess": 0.5}, {"p_init": 1.5}, {"p_learn": -0.1}],
    )
    def test_nonsensical_parameters_are_refused(self, fields):
        with pytest.raises(ValueError):
            BktParams(**fields)


class TestTheSwingBound:
    def test_a_first_right_answer_moves_the_estimate_20_points_where_bkt_alone_moves_it_40(self):
        assert bkt_update(0.2, True, DEFAULTS) == pytest.approx(0.6)
        assert bounded_update(0.2, True, DEFAULTS) == pytest.approx(0.4)

    def test_a_slip_on_a_nearly_mastered_objective_costs_20_points_not_30(self):
        # BKT: 0.9 * 0.1 / (0.09 + 0.1 * 0.8) = 9/17; + 8/17 * 0.15 = 0.6
        assert bkt_update(0.9, False, DEFAULTS) == pytest.approx(0.6)
        assert bounded_update(0.9, False, DEFAULTS) == pytest.approx(0.7)

    def test_moves_within_the_bound_are_bkts_own(self):
        # From 0.4, wrong: 0.04 / (0.04 + 0.48) = 1/13; + 12/13 * 0.15 = 2.8/13 (18.5 points down)
        assert bounded_update(0.4, False, DEFAULTS) == pytest.approx(2.8 / 13)

    @given(
        p_known=st.floats(0.0, 1.0),
        correct=st.booleans(),
        p_init=st.floats(0.0, 1.0),
        p_learn=st.floats(0.0, 1.0),
        p_slip=st.floats(0.0, 0.5),
        p_guess=st.floats(0.0, 0.5),
    )
    def test_no_answer_moves_the_estimate_more_than_the_bound_nor_the_other_way_than_bkt(
        self, p_known, correct, p_init, p_learn, p_slip, p_guess
    ):
        params = BktParams(p_init=p_init, p_learn=p_learn, p_slip=p_slip, p_guess=p_guess)
        bounded, full = bounded_update(p_known, correct, params), bkt_update(p_known, correct, params)
        assert abs(bounded - p_known) <= MAX_SWING + 1e-12
        assert 0.0 <= bounded <= 1.0
        assert (bounded - p_known) * (full - p_known) >= 0  # same direction, never further

    def test_mastery_takes_four_right_answers_in_a_row_from_the_default_prior(self):
        # 0.2 -> 0.4 -> 0.6 -> 0.8 -> 0.955 (BKT from 0.8: 0.72 / 0.76 = 0.947; + 0.053 * 0.15)
        assert replay([True] * 3, DEFAULTS) < MASTERED <= replay([True] * 4, DEFAULTS)

    def test_replay_starts_from_the_prior_and_applies_each_answer_in_order(self):
        assert replay([], DEFAULTS) == 0.2
        assert replay([True, False], DEFAULTS) == pytest.approx(2.8 / 13)


class TestNextObjective:
    """The next step: among unlocked objectives, where one answer most likely teaches or unlocks."""

    # a -> b -> c, and d with no prerequisites and nothing waiting on it
    PREREQUISITES = {"b": ["a"], "c": ["b"]}

    def test_a_foundation_comes_before_an_equally_weak_objective_nothing_waits_on(self):
        # a: 0.7 to learn + 0.3 x 0.8 to unlock b = 0.94; d: 0.7
        assert next_objective({"a": 0.3, "b": 0.2, "c": 0.2, "d": 0.3}, self.PREREQUISITES) == "a"

    def test_the_weakest_comes_first_when_nothing_waits_on_either(self):
        assert next_objective({"a": 0.4, "d": 0.2}, {}) == "d"

    def test_a_likely_known_foundation_is_confirmed_a_likely_known_leaf_is_left_for_later(self):
        # a: 0.1 + 0.9 x 0.9 = 0.91; d: 0.15
        assert next_objective({"a": 0.9, "b": 0.1, "c": 0.1, "d": 0.85}, self.PREREQUISITES) == "a"

    def test_an_objective_to_learn_beats_a_confirmation(self):
        # a: 0.4 + 0.6 x 0.8 = 0.88; d: 0.95
        assert next_objective({"a": 0.6, "b": 0.2, "c": 0.2, "d": 0.05}, self.PREREQUISITES) == "d"

    def test_confirming_unlocks_nothing_once_what_waits_is_mastered(self):
        # b is mastered already (say from a guessing streak): confirming a unlocks nothing new
        assert next_objective({"a": 0.9, "b": 0.97, "c": 0.97, "d": 0.5}, self.PREREQUISITES) == "d"

    def test_an_objective_waiting_on_two_is_likelier_unlocked_by_the_better_known_other(self):
        # e needs a and d. Confirming a unlocks e only if d is known too (0.9 vs 0.3)
        prerequisites = {"e": ["a", "d"]}
        assert next_objective({"a": 0.6, "d": 0.9, "e": 0.1}, prerequisites) == "a"  # a: 0.4 + 0.6*0.81
        assert next_objective({"a": 0.6, "d": 0.3, "e": 0.1}, prerequisites) == "d"  # d: 0.7 + 0.3*0.54

    def test_a_locked_objective_is_never_chosen_however_weak(self):
        assert next_objective({"a": 0.94, "b": 0.01, "c": 0.01}, self.PREREQUISITES) == "a"

    def test_ties_go_to_the_earlier_objective(self):
        assert next_objective({"d": 0.2, "x": 0.2}, {}) == "d"
        assert next_objective({"d": 0.2, "x": 0.2}, {}, order=["x", "d"]) == "x"

    def test_nothing_is_next_when_everything_is_mastered_or_locked_in_a_cycle(self):
        assert next_objective({"a": 0.99, "b": 0.95}, {"b": ["a"]}) is None
        assert next_objective({"a": 0.1, "b": 0.1}, {"a": ["b"], "b": ["a"]}) is None


class TestPrerequisiteRule:
    # a -> b -> c, and d with no prerequisites
    PREREQUISITES = {"b": ["a"], "c": ["b"]}

    def test_an_objective_unlocks_only_when_every_prerequisite_is_mastered(self):
        p_known = {"a": 0.94, "b": 0.1, "c": 0.1, "d": 0.5}
        assert unlocked_objectives(p_known, self.PREREQUISITES) == ["a", "d"]
        p_known["a"] = MASTERED
        assert unlocked_objectives(p_known, self.PREREQUISITES) == ["a", "b", "d"]

    def test_the_weakest_unlocked_objective_is_chosen_not_the_weakest_overall(self):
        p_known = {"a": 0.97, "b": 0.4, "c": 0.01, "d": 0.6}
        assert weakest_unlocked(p_known, self.PREREQUISITES) == "b"

    def test_mastered_objectives_are_not_practised_again(self):
        p_known = {"a": 0.96, "b": 0.99, "c": 0.97, "d": 0.3}
        assert weakest_unlocked(p_known, self.PREREQUISITES) == "d"

    def test_ties_go_to_the_earlier_objective_in_course_order(self):
        p_known = {"a": 0.2, "d": 0.2}
        assert weakest_unlocked(p_known, {}, order=["d", "a"]) == "d"
        assert weakest_unlocked(p_known, {}) == "a"

    def test_nothing_is_recommended_when_everything_is_mastered(self):
        assert weakest_unlocked({"a": 0.99, "b": 0.95}, {"b": ["a"]}) is None

    def test_a_prerequisite_cycle_locks_its_members(self):
        assert weakest_unlocked({"a": 0.1, "b": 0.1}, {"a": ["b"], "b": ["a"]}) is None


class TestReadingLevel:
    """Feedback moves the level across a band edge of the explainer, so the next explanation changes."""

    @pytest.mark.parametrize(("level", "band"), [(1.0, "simple"), (5.5, "simple"), (5.51, "middle"),
                                                 (8.5, "middle"), (8.51, "advanced"), (16.0, "advanced")])
    def test_the_bands_are_the_explainers(self, level, band):
        from rag.prompting import reading_band

        assert reading_band_name(level) == band == reading_band(level).name

    @pytest.mark.parametrize(("level", "simpler"), [(10.0, 8.5), (8.6, 7.85), (8.5, 5.5), (6.0, 5.25), (5.5, 4.75)])
    def test_too_hard_reaches_the_next_simpler_band(self, level, simpler):
        assert adjust_reading_level(level, "too_hard") == pytest.approx(simpler)
        if level > SIMPLE_TOP:
            assert reading_band_name(simpler) != reading_band_name(level)

    @pytest.mark.parametrize(("level", "harder"), [(4.5, 6.25), (5.5, 6.25), (6.0, 9.25), (8.5, 9.25), (10.0, 10.75)])
    def test_too_easy_reaches_the_next_harder_band(self, level, harder):
        assert adjust_reading_level(level, "too_easy") == pytest.approx(harder)

    def test_helpful_keeps_the_level(self):
        assert adjust_reading_level(6.0, "helpful") == 6.0

    def test_the_level_stays_on_the_grade_scale(self):
        assert adjust_reading_level(1.3, "too_hard") == 1.0
        assert adjust_reading_level(15.5, "too_easy") == 16.0

    def test_changing_ones_mind_is_measured_from_the_explanations_own_level(self):
        # Written for 6.0; "too hard" brought it to 5.25; "too easy" instead gives what it would have given.
        assert adjust_reading_level(5.25, "too_easy", written_for=6.0, replaces="too_hard") == 9.25
        assert adjust_reading_level(9.25, "too_hard", written_for=6.0, replaces="too_easy") == 5.25
        assert adjust_reading_level(5.25, "helpful", written_for=6.0, replaces="too_hard") == 6.0

    def test_feedback_on_an_older_explanation_does_not_push_further(self):
        # Written for 10; the learner is already at 5.5 from later feedback: "too hard" on it keeps 5.5.
        assert adjust_reading_level(5.5, "too_hard", written_for=10.0) == 5.5

    def test_the_message_says_what_changes(self):
        assert "short sentences and simpler words" in reading_change_message(7.0, 5.5, "too_hard")
        assert "fewer and plainer sentences" in reading_change_message(10.0, 8.5, "too_hard")
        assert "already use the simplest style" in reading_change_message(4.5, 3.75, "too_hard")
        assert "full scientific terms" in reading_change_message(7.0, 9.25, "too_easy")

    def test_unknown_feedback_is_refused(self):
        with pytest.raises(ValueError, match="feedback must be one of"):
            adjust_reading_level(6.0, "meh")


class TestGrading:
    @pytest.mark.parametrize(
        ("given", "accepted"),
        [
            ("Photosynthesis", ["photosynthesis"]),
            ("  the   NILE river. ", ["The Nile River"]),
            ("carbon-dioxide!", ["carbon dioxide"]),
            ("3.50", ["3.5"]),
            (".5", ["1/2"]),
            ("-4", ["-4.0"]),
            ("1,000", ["1000"]),
            ("42.", ["42"]),
            ("evaporation", ["boiling", "evaporation"]),
            ("decomposers", ["decomposer"]),  # a plural
            ("the producer", ["Producer"]),  # an article
            ("photosynthsis", ["photosynthesis"]),  # one letter missing
            ("photo synthesis", ["photosynthesis"]),  # one space too many is a slip too
            ("evaproation", ["evaporation"]),  # two letters swapped
        ],
    )
    def test_accepted_short_answers(self, given, accepted):
        assert short_answer_matches(given, accepted)

    @pytest.mark.parametrize(
        ("given", "accepted"),
        [
            ("3.51", ["3.5"]),
            ("4", ["-4"]),
            ("3,5", ["3.5"]),  # a decimal comma is ambiguous across locales: not read as 3.5
            ("bat", ["cat"]),  # short words must be exact: one letter is another word
            ("fotosynthesis", ["photosynthesis"]),  # two letters off: a near miss, not right
            ("respiration", ["photosynthesis"]),
            ("", ["anything"]),
            ("!!!", ["?"]),
        ],
    )
    def test_rejected_short_answers(self, given, accepted):
        assert not short_answer_matches(given, accepted)

    @pytest.mark.parametrize(
        ("given", "verdict"),
        [("fotosynthesis", Verdict.ALMOST), ("photosynthesis", Verdict.CORRECT), ("respiration", Verdict.WRONG),
         ("phot", Verdict.WRONG)],
    )
    def test_near_misses_are_told_apart(self, given, verdict):
        assert answer_verdict(given, ["photosynthesis"]) is verdict

    def test_shuffled_choices_are_a_stable_permutation_with_the_first_anywhere(self):
        choices = ["right", "b", "c", "d"]
        assert shuffled_choices(choices, seed="7:3:None") == shuffled_choices(choices, seed="7:3:None")
        positions = [shuffled_choices(choices, seed=f"7:{learner}:None").index("right") for learner in range(400)]
        assert sorted(shuffled_choices(choices, seed="x")) == sorted(choices)
        assert all(60 <= positions.count(position) <= 140 for position in range(4)), positions

    def test_numbers_parse_exactly(self):
        assert parse_number("0.1") + parse_number("0.2") == parse_number("0.3")
        assert parse_number("1/0") is None
        assert parse_number("ten") is None

    def test_a_choice_is_recognised_by_its_text(self):
        choices = ["Roots", "Leaves", "The stem"]
        assert choice_index("leaves", choices) == 1
        assert choice_index(" the STEM. ", choices) == 2
        assert choice_index("1", choices) is None

    def test_normalisation(self):
        assert normalise_answer("  Ｈｅｌｌｏ,  World!! ") == "hello world"
