"""benchmarks/learner_bench.py: the simulation measures what it claims, on a small population."""

import importlib.util
import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "learner_bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("learner_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.parametrize("world", ["exact", "heterogeneous"])
def test_the_next_step_rule_beats_random_practice(bench, world):
    runs = {
        policy: bench.simulate(world=world, policy=policy, n_learners=60, max_answers=60, seed=3)
        for policy in ("next_step", "random")
    }
    assert runs["next_step"]["pick_truly_weakest_unlocked"] > runs["random"]["pick_truly_weakest_unlocked"] + 0.1
    assert runs["next_step"]["curve"][40]["mean_abs_error"] < runs["random"]["curve"][40]["mean_abs_error"]


@pytest.mark.parametrize("world", ["exact", "heterogeneous"])
def test_the_next_step_is_right_more_often_than_the_earlier_rule_and_never_swings_more_than_20_points(bench, world):
    runs = {
        policy: bench.simulate(world=world, policy=policy, n_learners=60, max_answers=60, seed=3)
        for policy in ("next_step", "before", "oracle")
    }
    assert runs["next_step"]["pick_right"] > runs["before"]["pick_right"]
    assert runs["oracle"]["pick_right"] == 1.0  # the evidence-bound oracle is right by construction
    assert runs["oracle"]["pick_truly_weakest_unlocked"] < 0.8  # ... and still far from 90% on the old definition
    assert runs["next_step"]["largest_move_on_one_answer"] <= 0.2 + 1e-9
    assert runs["before"]["largest_move_on_one_answer"] > 0.35  # the plain update swung 40 points


def test_estimates_converge_as_learners_answer(bench):
    run = bench.simulate(world="exact", policy="next_step", n_learners=60, max_answers=100, seed=5)
    errors = [run["curve"][n]["mean_abs_error"] for n in (5, 10, 20, 40)]
    assert errors == sorted(errors, reverse=True)
    # Bounded estimates need more answers to a verdict than plain BKT (about 0.8 right after 40, not 0.9).
    assert run["answers_until_90pct_estimates_right"] <= 80


def test_a_learner_who_knows_everything_and_never_slips_is_recognised_within_five_answers_each(bench):
    # 20 points per answer at most: from a prior of 0.1, 0.3, 0.5, 0.7, 0.9, then mastered.
    learner = bench.make_learner(random.Random(1), "exact")
    learner.known = dict.fromkeys(learner.known, True)
    learner.true_params = {code: bench.BktParams(p_init=p.p_init, p_learn=p.p_learn, p_slip=0.0, p_guess=p.p_guess)
                           for code, p in learner.true_params.items()}
    rng = random.Random(2)
    while (code := bench.pick("next_step", learner, rng)) is not None:
        bench.practise(learner, code, "exact", rng)
    assert all(learner.answers_until_classified_right(code) <= 5 for code in bench.ORDER)
