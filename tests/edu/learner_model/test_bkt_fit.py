"""Fitting BKT parameters to answers (edu/bkt_fit.py): it recovers the parameters that generated them,
stays inside the identifiability bounds, and waits for enough data."""

import random

import pytest

from edu.bkt_fit import FIT_BOUNDS, MIN_FIT_ANSWERS, MIN_FIT_LEARNERS, fit_bkt, log_likelihood
from edu.learner_model import BktParams, simulated_answers

PARAMETERS = ("p_init", "p_learn", "p_guess", "p_slip")


def simulated(params: BktParams, *, learners: int, answers: int, seed: int) -> list[list[bool]]:
    return simulated_answers(params, learners=learners, answers=answers, rng=random.Random(seed))


@pytest.mark.parametrize(
    "truth",
    [
        BktParams(p_init=0.2, p_learn=0.15, p_slip=0.1, p_guess=0.2),
        BktParams(p_init=0.35, p_learn=0.08, p_slip=0.05, p_guess=0.25),
    ],
)
def test_the_fit_recovers_the_parameters_that_generated_the_answers(truth):
    # 200 learners x 15 answers: over seeds 0-19 the largest error of any parameter was 0.008-0.088 (prior
    # and learn rate trade off); with 400 learners 0.008-0.051.
    sequences = simulated(truth, learners=200, answers=15, seed=11)
    fit = fit_bkt(sequences)
    for name in PARAMETERS:
        assert getattr(fit.params, name) == pytest.approx(getattr(truth, name), abs=0.1), name
    assert (fit.answers, fit.learners) == (3000, 200)


def test_the_fit_explains_the_answers_at_least_as_well_as_the_truth():
    truth = BktParams(p_init=0.3, p_learn=0.2, p_slip=0.08, p_guess=0.15)
    sequences = simulated(truth, learners=80, answers=12, seed=4)
    fit = fit_bkt(sequences)
    # the grid search finds the maximum (to its precision), which the true parameters cannot beat
    assert log_likelihood(sequences, fit.params) >= log_likelihood(sequences, truth) - 0.5
    assert fit.log_likelihood == pytest.approx(log_likelihood(sequences, fit.params), abs=0.5)


def test_answers_at_random_cannot_push_guess_or_slip_past_the_bounds():
    # Learners who get half right whatever they know: unbounded, guess 0.5 or slip 0.5 would fit best.
    rng = random.Random(2)
    sequences = [[rng.random() < 0.5 for _ in range(10)] for _ in range(60)]
    params = fit_bkt(sequences).params
    for name in PARAMETERS:
        low, high = FIT_BOUNDS[name]
        assert low <= getattr(params, name) <= high, name
    assert params.p_guess <= 0.3 and params.p_slip <= 0.2


def test_with_too_few_answers_or_learners_there_is_no_fit():
    truth = BktParams()
    few_answers = simulated(truth, learners=MIN_FIT_LEARNERS, answers=2, seed=1)
    assert sum(map(len, few_answers)) < MIN_FIT_ANSWERS
    assert fit_bkt(few_answers) is None
    few_learners = simulated(truth, learners=MIN_FIT_LEARNERS - 1, answers=40, seed=1)
    assert sum(map(len, few_learners)) >= MIN_FIT_ANSWERS
    assert fit_bkt(few_learners) is None
    assert fit_bkt([]) is None


def test_learners_without_answers_do_not_count():
    sequences = simulated(BktParams(), learners=MIN_FIT_LEARNERS, answers=20, seed=3)
    assert fit_bkt(sequences) is not None
    assert fit_bkt(sequences[1:] + [[]] * 5) is None  # one learner short, however many empty sequences
