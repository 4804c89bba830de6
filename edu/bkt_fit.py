"""Fitting one objective's BKT parameters to its learners' answers: maximum likelihood on a bounded grid.

Free of Django, like edu/learner_model.py, so the benchmark and the tests fit with the very same code.

Each learner's answers on the objective, oldest first, are one sequence of the standard BKT hidden
Markov model (no forgetting). The likelihood of every sequence under every point of a grid is computed
at once (numpy, vectorised over grid points and learners), the best point kept, and the grid refined
twice around it. Why a grid and not EM: the likelihood of BKT has several optima (a high guess and a
low prior explain the same answers as a low guess and a high prior), and the bounds must hold; a
grid over the bounded box finds the best point inside it, and refinement gives the precision.

The bounds are the usual ones for identifiability (Baker, Corbett & Aleven 2008; Beck & Chang 2007):
a guess above 0.3 or a slip above 0.2 makes "knows it" and "does not" hard to tell apart, and the
fit would happily explain learners who learned as learners who guess. Fitted values replace the
defaults only from MIN_FIT_ANSWERS answers of MIN_FIT_LEARNERS learners on (see the tests for the
tolerance reached with that much data).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from edu.learner_model import BktParams

# (lowest, highest) of each parameter.
FIT_BOUNDS = {
    "p_init": (0.01, 0.95),
    "p_learn": (0.01, 0.5),
    "p_guess": (0.01, 0.3),
    "p_slip": (0.01, 0.2),
}
MIN_FIT_ANSWERS = 500
MIN_FIT_LEARNERS = 30
# Refit after this many new answers on an objective (and nightly): each fit takes a second or two.
REFIT_EVERY = 100
_COARSE_POINTS = {"p_init": 12, "p_learn": 11, "p_guess": 7, "p_slip": 6}
_REFINE_ROUNDS = 3
_REFINE_POINTS = 5
_CELLS_PER_CHUNK = 2_000_000  # grid points x learners evaluated at once (memory: a few arrays of this size)
_NAMES = ("p_init", "p_learn", "p_guess", "p_slip")


@dataclass(frozen=True)
class BktFit:
    """The fitted parameters and the data behind them (counts only: no learner is identified)."""

    params: BktParams
    answers: int
    learners: int
    log_likelihood: float  # of all sequences under ``params``


def log_likelihood(sequences: Iterable[Sequence[bool]], params: BktParams) -> float:
    """Log-probability of the answer sequences under ``params`` (the forward algorithm, one sequence at a time)."""
    total = 0.0
    for sequence in sequences:
        p_known = params.p_init
        for correct in sequence:
            p_right = p_known * (1 - params.p_slip) + (1 - p_known) * params.p_guess
            likelihood = p_right if correct else 1 - p_right
            total += math.log(max(likelihood, 1e-300))
            known_and_seen = p_known * ((1 - params.p_slip) if correct else params.p_slip)
            posterior = known_and_seen / likelihood if likelihood > 0 else p_known
            p_known = posterior + (1 - posterior) * params.p_learn
    return total


def fit_bkt(
    sequences: Iterable[Sequence[bool]],
    *,
    min_answers: int = MIN_FIT_ANSWERS,
    min_learners: int = MIN_FIT_LEARNERS,
) -> BktFit | None:
    """The bounded maximum-likelihood BKT parameters for these answer sequences (one per learner).

    None when there is too little data (fewer than ``min_answers`` answers or ``min_learners``
    learners with an answer): then the objective keeps its defaults.
    """
    kept = [list(map(bool, sequence)) for sequence in sequences if len(sequence)]
    answers = sum(len(sequence) for sequence in kept)
    if answers < min_answers or len(kept) < min_learners or answers == 0:
        return None
    correct, mask = _as_matrix(kept)
    axes = {name: np.linspace(*FIT_BOUNDS[name], _COARSE_POINTS[name]) for name in _NAMES}
    steps = {name: axis[1] - axis[0] for name, axis in axes.items()}
    best, best_ll = _best_on_grid(correct, mask, axes)
    for _ in range(_REFINE_ROUNDS):
        axes = {}
        for name in _NAMES:
            low, high = FIT_BOUNDS[name]
            axes[name] = np.unique(
                np.clip(np.linspace(best[name] - steps[name], best[name] + steps[name], _REFINE_POINTS), low, high)
            )
            steps[name] /= (_REFINE_POINTS - 1) / 2
        best, best_ll = _best_on_grid(correct, mask, axes)
    params = BktParams(**{name: round(float(value), 4) for name, value in best.items()})
    return BktFit(params=params, answers=answers, learners=len(kept), log_likelihood=best_ll)


def _as_matrix(sequences: list[list[bool]]) -> tuple[np.ndarray, np.ndarray]:
    length = max(len(sequence) for sequence in sequences)
    correct = np.zeros((len(sequences), length), dtype=bool)
    mask = np.zeros((len(sequences), length), dtype=bool)
    for row, sequence in enumerate(sequences):
        correct[row, : len(sequence)] = sequence
        mask[row, : len(sequence)] = True
    return correct, mask


def _best_on_grid(correct: np.ndarray, mask: np.ndarray, axes: dict[str, np.ndarray]) -> tuple[dict, float]:
    grid = np.array(list(itertools.product(*(axes[name] for name in _NAMES))))
    chunk = max(1, _CELLS_PER_CHUNK // correct.shape[0])
    scores = np.concatenate(
        [_grid_log_likelihoods(correct, mask, grid[start : start + chunk]) for start in range(0, len(grid), chunk)]
    )
    index = int(np.argmax(scores))
    return dict(zip(_NAMES, grid[index], strict=True)), float(scores[index])


def _grid_log_likelihoods(correct: np.ndarray, mask: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Log-likelihood of all sequences at each grid row (p_init, p_learn, p_guess, p_slip); the forward
    algorithm run for every grid point and learner at once, one answer position at a time."""
    p_init, p_learn, p_guess, p_slip = (grid[:, [column]] for column in range(4))
    p_known = np.repeat(p_init, correct.shape[0], axis=1)
    total = np.zeros(len(grid))
    for position in range(correct.shape[1]):
        right, seen = correct[:, position], mask[:, position]
        p_right = p_known * (1 - p_slip) + (1 - p_known) * p_guess
        likelihood = np.where(right, p_right, 1 - p_right)
        total += np.where(seen, np.log(np.maximum(likelihood, 1e-300)), 0.0).sum(axis=1)
        known_and_seen = p_known * np.where(right, 1 - p_slip, p_slip)
        posterior = known_and_seen / np.maximum(likelihood, 1e-300)
        p_known = np.where(seen, posterior + (1 - posterior) * p_learn, p_known)
    return total
