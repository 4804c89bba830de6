"""Simulation benchmark of the learner model (issues #8, #18): does BKT track what simulated learners
know, does the next-step rule send them to the right objective, and does fitting recover parameters?

Simulated learners with a known true skill state per objective answer practice items chosen by a
policy; the estimates come from the very functions Glossa runs (edu/learner_model.py). Two worlds:

- ``exact``: learners behave exactly as the model assumes (same learn/slip/guess as the objectives).
- ``heterogeneous``: each learner learns at their own rate (0.3x to 1.7x the objective's), slips and
  guesses differ from the model's values, and practising an objective whose prerequisites are not
  truly known rarely teaches it (a quarter of the learn rate). The model still uses the nominal values.

Four policies, each with its estimator:

- ``next_step``: Glossa's rule (``next_objective``: among objectives whose prerequisites are estimated
  mastered, the one where an answer most likely teaches or unlocks), estimates moved at most 20 points
  per answer (``bounded_update``), as the app stores them.
- ``before``: the earlier rule (the weakest unlocked objective) with the unbounded BKT update: what
  Glossa did before issue #18 (63% on the old definition below).
- ``random``: any objective not yet estimated mastered, ignoring prerequisites (bounded estimates).
- ``oracle``: knows what the learner truly knows but, like the app, unlocks an objective only once the
  model estimates its prerequisites mastered: it practises a truly weakest unlocked objective whose
  prerequisites are estimated mastered, else confirms a truly known prerequisite the model has not yet
  seen mastered that such an objective waits on (bounded estimates). The ceiling of an evidence-bound tutor.

What a "right" pick is. Old definition (``picks weakest``): an objective the learner truly does not know
whose prerequisites they all truly know. No tutor that needs evidence before unlocking can reach 90% on
it: after a learner learns an objective, the answers that show it (needed before anything that depends
on it is offered) are picks of a known objective, so even the oracle scores about two thirds. New
definition (``picks right``): such an objective, OR a truly known prerequisite of one, not yet estimated
mastered, that keeps it locked: one answer there is the cheapest way to unlock the learning. Confirming
an objective that unlocks nothing while there is something to learn, practising behind an unknown
prerequisite, and practising what the learner knows when nothing waits on it are wrong under both. Picks
are scored only while the learner truly has something left to learn.

Reported: mean |estimate - truth| and the share of (learner, objective) estimates whose mastered/not
classification matches the truth after 5/10/20/40 answers; answers needed until 90% of those verdicts
are right, and, per objective, how many answers on it until its verdict is right for good (median and
90th percentile over learners); how often a pick is a truly weakest unlocked objective (not yet known,
all prerequisites known: with binary skills, all such objectives tie as weakest) and how often it is
right under the new definition; answers until a learner truly knows everything; the largest move of
one estimate on one answer. Fitting: parameters recovered from answers simulated with each objective's
parameters (``edu/bkt_fit.py``), from 500 answers (the least the app fits from) of 50 learners and
from 3,000 of 200. The JSON also has the share of learners right on every objective at once. Pure Python and
numpy, no database.

    .venv/bin/python benchmarks/learner_bench.py [--learners 200] [--max-answers 120] [--seed 8]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edu.bkt_fit import fit_bkt  # noqa: E402
from edu.learner_model import (  # noqa: E402
    MASTERED,
    BktParams,
    bkt_update,
    bounded_update,
    is_mastered,
    next_objective,
    simulated_answers,
    weakest_unlocked,
)

RESULTS = Path(__file__).resolve().parent / "results" / "learner_bench.json"
CHECKPOINTS = (5, 10, 20, 40)

# A small arithmetic course: counting -> addition/subtraction -> multiplication -> division -> fractions,
# and measurement on its own. Parameters differ per objective, as a teacher would tune them.
OBJECTIVES = {
    "counting": BktParams(p_init=0.4, p_learn=0.25, p_slip=0.08, p_guess=0.25),
    "addition": BktParams(p_init=0.3, p_learn=0.2, p_slip=0.1, p_guess=0.2),
    "subtraction": BktParams(p_init=0.25, p_learn=0.2, p_slip=0.1, p_guess=0.2),
    "multiplication": BktParams(p_init=0.15, p_learn=0.15, p_slip=0.1, p_guess=0.15),
    "division": BktParams(p_init=0.1, p_learn=0.12, p_slip=0.12, p_guess=0.15),
    "fractions": BktParams(p_init=0.1, p_learn=0.1, p_slip=0.15, p_guess=0.2),
    "measurement": BktParams(p_init=0.2, p_learn=0.15, p_slip=0.1, p_guess=0.25),
}
PREREQUISITES = {
    "addition": ["counting"],
    "subtraction": ["counting"],
    "multiplication": ["addition"],
    "division": ["multiplication", "subtraction"],
    "fractions": ["division"],
}
ORDER = list(OBJECTIVES)
BLOCKED_LEARNING = 0.25  # heterogeneous world: share of the learn rate left when prerequisites are unknown
POLICIES = ("next_step", "before", "random", "oracle")


@dataclass
class Learner:
    known: dict[str, bool]  # the truth
    true_params: dict[str, BktParams]
    estimate: dict[str, float]
    answers_on: dict[str, int]  # answers given per objective
    last_disagreement: dict[str, int | None]  # answers on the objective when its classification was last wrong
    bounded: bool = True  # estimates moved at most MAX_SWING per answer (False: plain BKT, the earlier app)
    answers: int = 0
    answers_to_know_all: int | None = None
    largest_move: float = 0.0

    def classified_right(self, code: str) -> bool:
        return is_mastered(self.estimate[code]) == self.known[code]

    def answers_until_classified_right(self, code: str) -> float:
        """Answers on ``code`` after which the mastered/not verdict matched the truth for good (inf: never)."""
        if not self.classified_right(code):
            return float("inf")
        last = self.last_disagreement[code]
        return 0 if last is None else last + 1


def make_learner(rng: random.Random, world: str, *, bounded: bool = True) -> Learner:
    if world == "exact":
        true_params = dict(OBJECTIVES)
    else:
        speed = rng.uniform(0.3, 1.7)
        true_params = {
            code: BktParams(
                p_init=p.p_init,
                p_learn=min(1.0, p.p_learn * speed),
                p_slip=min(0.3, max(0.0, p.p_slip + rng.uniform(-0.05, 0.1))),
                p_guess=min(0.45, max(0.0, p.p_guess + rng.uniform(-0.1, 0.1))),
            )
            for code, p in OBJECTIVES.items()
        }
    known = {code: rng.random() < p.p_init for code, p in OBJECTIVES.items()}
    learner = Learner(
        known=known,
        true_params=true_params,
        estimate={code: p.p_init for code, p in OBJECTIVES.items()},
        answers_on=dict.fromkeys(OBJECTIVES, 0),
        last_disagreement=dict.fromkeys(OBJECTIVES),
        bounded=bounded,
    )
    for code in ORDER:
        if not learner.classified_right(code):
            learner.last_disagreement[code] = 0
    if all(known.values()):
        learner.answers_to_know_all = 0
    return learner


def truly_unlocked(learner: Learner, code: str) -> bool:
    return all(learner.known[pre] for pre in PREREQUISITES.get(code, ()))


def truly_weakest_unlocked(learner: Learner) -> set[str]:
    return {code for code in ORDER if not learner.known[code] and truly_unlocked(learner, code)}


def blocking_prerequisites(learner: Learner) -> set[str]:
    """Truly known prerequisites, not yet estimated mastered, of objectives the learner could learn now."""
    return {
        pre
        for code in truly_weakest_unlocked(learner)
        for pre in PREREQUISITES.get(code, ())
        if not is_mastered(learner.estimate[pre])
    }


def pick(policy: str, learner: Learner, rng: random.Random) -> str | None:
    if policy == "next_step":
        return next_objective(learner.estimate, PREREQUISITES, ORDER)
    if policy == "before":
        return weakest_unlocked(learner.estimate, PREREQUISITES, ORDER)
    if policy == "oracle":
        learnable = truly_weakest_unlocked(learner)
        ready = [
            c for c in ORDER
            if c in learnable and all(is_mastered(learner.estimate[p]) for p in PREREQUISITES.get(c, ()))
        ]
        blocking = [c for c in ORDER if c in blocking_prerequisites(learner)]
        if ready or blocking:
            return (ready or blocking)[0]
        return weakest_unlocked(learner.estimate, PREREQUISITES, ORDER)  # nothing to learn: confirm the rest
    open_objectives = [code for code in ORDER if not is_mastered(learner.estimate[code])]
    return rng.choice(open_objectives) if open_objectives else None


def practise(learner: Learner, code: str, world: str, rng: random.Random) -> None:
    """One answer: generated from the true state, estimated by BKT; then the learner may learn."""
    truth = learner.true_params[code]
    correct = rng.random() < ((1 - truth.p_slip) if learner.known[code] else truth.p_guess)
    update = bounded_update if learner.bounded else bkt_update
    before = learner.estimate[code]
    learner.estimate[code] = update(before, correct, OBJECTIVES[code])
    learner.largest_move = max(learner.largest_move, abs(learner.estimate[code] - before))
    learn_rate = truth.p_learn
    if world == "heterogeneous" and not truly_unlocked(learner, code):
        learn_rate *= BLOCKED_LEARNING
    if not learner.known[code] and rng.random() < learn_rate:
        learner.known[code] = True
    learner.answers += 1
    learner.answers_on[code] += 1
    if not learner.classified_right(code):
        learner.last_disagreement[code] = learner.answers_on[code]
    if learner.answers_to_know_all is None and all(learner.known.values()):
        learner.answers_to_know_all = learner.answers


def snapshot(learners: list[Learner]) -> dict:
    pairs = [(learner.estimate[c], learner.known[c]) for learner in learners for c in ORDER]
    return {
        "mean_abs_error": statistics.fmean(abs(estimate - truth) for estimate, truth in pairs),
        "classification_agreement": statistics.fmean(is_mastered(e) == truth for e, truth in pairs),
        "learners_fully_agreeing": statistics.fmean(
            all(is_mastered(learner.estimate[c]) == learner.known[c] for c in ORDER) for learner in learners
        ),
    }


def simulate(*, world: str, policy: str, n_learners: int, max_answers: int, seed: int) -> dict:
    rng = random.Random(f"{seed}:{world}:{policy}")  # noqa: S311 - a simulation, not security
    learners = [make_learner(rng, world, bounded=policy != "before") for _ in range(n_learners)]
    curve = {}
    answers_until_90pct_right = None
    picks = weakest_picks = right_picks = picks_on_known = 0
    for step in range(1, max_answers + 1):
        for learner in learners:
            code = pick(policy, learner, rng)
            if code is None:
                continue  # the model thinks everything is mastered: the learner is done practising
            weakest = truly_weakest_unlocked(learner)
            if weakest:  # nothing left to learn in truth: no "right" pick to score
                picks += 1
                weakest_picks += code in weakest
                right_picks += code in weakest or code in blocking_prerequisites(learner)
                picks_on_known += learner.known[code]
            practise(learner, code, world, rng)
        state = snapshot(learners)
        if step in CHECKPOINTS:
            curve[step] = state
        if answers_until_90pct_right is None and state["classification_agreement"] >= 0.9:
            answers_until_90pct_right = step
    to_know_all = [learner.answers_to_know_all for learner in learners if learner.answers_to_know_all is not None]
    needed = sorted(
        learner.answers_until_classified_right(code)
        for learner in learners
        for code in ORDER
        if learner.answers_on[code]
    )
    return {
        "curve": curve,
        "answers_until_90pct_estimates_right": answers_until_90pct_right,
        "per_objective_answers_until_right": {
            "practised_pairs": len(needed),
            "converged_share": sum(n != float("inf") for n in needed) / len(needed),
            "p50": _finite(needed[len(needed) // 2]),
            "p90": _finite(needed[min(len(needed) - 1, int(len(needed) * 0.9))]),
        },
        "pick_truly_weakest_unlocked": weakest_picks / picks if picks else None,
        "pick_right": right_picks / picks if picks else None,
        "pick_already_known": picks_on_known / picks if picks else None,
        "scored_picks": picks,
        "learners_knowing_everything": len(to_know_all) / n_learners,
        "median_answers_to_know_everything": statistics.median(to_know_all) if to_know_all else None,
        "mean_answers_given": statistics.fmean(learner.answers for learner in learners),
        "largest_move_on_one_answer": max(learner.largest_move for learner in learners),
    }



def fit_recovery(seed: int) -> dict:
    """Largest |fitted - true| over the four parameters, per objective, at two amounts of data."""
    rng = random.Random(f"{seed}:fit")  # noqa: S311
    results = {}
    for learners, answers in ((50, 10), (200, 15)):
        errors = {}
        for code, truth in OBJECTIVES.items():
            fit = fit_bkt(simulated_answers(truth, learners=learners, answers=answers, rng=rng))
            errors[code] = max(
                abs(getattr(fit.params, name) - getattr(truth, name))
                for name in ("p_init", "p_learn", "p_slip", "p_guess")
            )
        results[f"{learners}x{answers}"] = {"max_abs_error_by_objective": errors,
                                            "median": statistics.median(errors.values()), "max": max(errors.values())}
    return results


def _finite(value: float) -> float | None:
    return None if value == float("inf") else value


def update_throughput(seed: int, n: int = 200_000) -> float:
    rng = random.Random(seed)  # noqa: S311
    params, p = OBJECTIVES["addition"], 0.2
    answers = [rng.random() < 0.6 for _ in range(n)]
    start = time.perf_counter()
    for correct in answers:
        p = bkt_update(p, correct, params)
    return n / (time.perf_counter() - start)


def fmt(value, pattern: str = "{:.3f}") -> str:
    return "never" if value is None else pattern.format(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--max-answers", type=int, default=120)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    if args.learners < 1 or args.max_answers < max(CHECKPOINTS):
        parser.error(f"need at least 1 learner and --max-answers >= {max(CHECKPOINTS)}")

    started = time.perf_counter()
    results = {
        world: {
            policy: simulate(
                world=world, policy=policy, n_learners=args.learners, max_answers=args.max_answers, seed=args.seed
            )
            for policy in POLICIES
        }
        for world in ("exact", "heterogeneous")
    }
    elapsed = time.perf_counter() - started
    throughput = update_throughput(args.seed)
    fit_started = time.perf_counter()
    recovery = fit_recovery(args.seed)
    fit_elapsed = time.perf_counter() - fit_started

    print(f"Learner-model simulation: {args.learners} learners, {len(ORDER)} objectives, "
          f"up to {args.max_answers} answers each, mastery threshold {MASTERED}, seed {args.seed}\n")
    print("Convergence (mean |estimate - truth| / share of estimates classified right):")
    header = f"{'world':<14}{'policy':<11}" + "".join(f"{f'after {n}':>16}" for n in CHECKPOINTS)
    print(header)
    print("-" * len(header))
    for world, by_policy in results.items():
        for policy, r in by_policy.items():
            cells = "".join(
                f"{r['curve'][n]['mean_abs_error']:>8.3f} / {r['curve'][n]['classification_agreement']:.2f}"
                for n in CHECKPOINTS
            )
            print(f"{world:<14}{policy:<11}{cells}")
    print("\nHow many answers until the mastered/not verdict matches the truth:")
    header = (f"{'world':<14}{'policy':<11}{'90% of estimates':>18}{'per objective p50':>19}"
              f"{'p90':>6}{'converged':>11}")
    print(header)
    print("-" * len(header))
    for world, by_policy in results.items():
        for policy, r in by_policy.items():
            per = r["per_objective_answers_until_right"]
            print(
                f"{world:<14}{policy:<11}{fmt(r['answers_until_90pct_estimates_right'], '{} answers'):>18}"
                f"{fmt(per['p50'], '{:.0f}'):>19}{fmt(per['p90'], '{:.0f}'):>6}{per['converged_share']:>11.1%}"
            )
    print("90% of estimates: total answers per learner until 90% of (learner, objective) verdicts are right;"
          "\nper objective: answers on one objective until its verdict is right for good (practised pairs;"
          "\n'never' when more than 10% had not converged by the end).")

    print("\nRecommendation and outcome:")
    header = (f"{'world':<14}{'policy':<11}{'picks weakest':>14}{'picks right':>13}{'picks known':>13}"
              f"{'know all':>10}{'median answers':>16}{'largest move':>14}")
    print(header)
    print("-" * len(header))
    for world, by_policy in results.items():
        for policy, r in by_policy.items():
            print(
                f"{world:<14}{policy:<11}{fmt(r['pick_truly_weakest_unlocked'], '{:.1%}'):>14}"
                f"{fmt(r['pick_right'], '{:.1%}'):>13}"
                f"{fmt(r['pick_already_known'], '{:.1%}'):>13}"
                f"{r['learners_knowing_everything']:>10.0%}"
                f"{fmt(r['median_answers_to_know_everything'], '{:.0f}'):>16}"
                f"{r['largest_move_on_one_answer']:>14.3f}"
            )
    print("picks weakest: share of picks that were a truly weakest unlocked objective (not known, prerequisites"
          "\n  known: the old definition); picks right: that, or a truly known prerequisite of one that the model"
          "\n  has not yet seen mastered (the new definition, see the docstring); picks known: share spent on"
          "\n  objectives already known; know all / median answers: learners who truly know everything by the end,"
          "\n  and the median number of answers it took them; largest move: of one estimate on one answer.")
    print("\nFitting (bounded grid search) on answers simulated with each objective's parameters:")
    for size, r in recovery.items():
        print(f"  {size} answers: largest parameter error per objective median {r['median']:.3f}, max {r['max']:.3f}")
    print(f"\nBKT updates: {throughput:,.0f} per second (one core); simulation took {elapsed:.1f} s, "
          f"fitting {fit_elapsed:.1f} s for {2 * len(OBJECTIVES)} fits.")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "learner_bench",
                "learners": args.learners,
                "objectives": ORDER,
                "prerequisites": PREREQUISITES,
                "max_answers": args.max_answers,
                "seed": args.seed,
                "mastered_threshold": MASTERED,
                "results": results,
                "fit_recovery": recovery,
                "bkt_updates_per_second": throughput,
                "elapsed_seconds": elapsed,
            },
            indent=2,
        )
    )
    print(f"Wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
