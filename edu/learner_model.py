"""The learner model's mathematics, free of Django so the simulation benchmark runs the very same code.

- Bayesian Knowledge Tracing (Corbett & Anderson 1995): one hidden "knows it" state per learner and
  objective; an answer updates the belief by Bayes' rule (slip and guess), then the learner may learn
  from the practice opportunity (transition probability ``learn``).
- The estimate that is stored and shown moves at most MAX_SWING per answer: the BKT posterior with
  fixed parameters jumps 40 points on a first answer (0.2 -> 0.6), and the parameters are never exactly
  the learner's. Parameters are fitted per objective from stored answers (edu/bkt_fit.py).
- The next-step rule (``next_objective``): among objectives whose prerequisites are all mastered, the
  one where an answer is most likely useful: it teaches (the learner probably does not know it yet) or
  it gathers the evidence that unlocks an objective waiting on it. The older rule, the weakest unlocked
  objective (``weakest_unlocked``), is kept as the benchmark's baseline.
- The working reading level: explanation feedback moves it into the next simpler or harder band of the
  explainer, clamped to the grade scale.
- Grading of practice answers: short answers compare normalised text (case, articles, plurals and
  one-letter typos aside), and numbers numerically; a near miss is told to check the spelling.
- Multiple-choice order: shuffled per attempt, the same within one attempt.
"""

from __future__ import annotations

import enum
import random
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

# Mastery threshold: the customary BKT value (Corbett & Anderson; OATutor uses it too). Not a setting,
# because the class view, the recommendation and the benchmark must all agree on what "mastered" means.
MASTERED = 0.95

# The most one answer may move the stored estimate (either way). With the default parameters a first
# right answer would take 0.2 to 0.6 and a slip at 0.9 would take it to 0.6; bounded, mastery needs at
# least four right answers in a row from the default prior, and no single answer flips a verdict far.
MAX_SWING = 0.2

# Reading level (a Flesch-Kincaid grade). The explainer writes in three bands (see rag.prompting and
# rag.tailoring): up to SIMPLE_TOP short sentences and everyday words, long course sentences split; up to
# MIDDLE_TOP sentences of about 15 words with science words explained; above that the full terms and
# added detail. Within a band the answer barely changes, so feedback moves the level across a band edge
# (see adjust_reading_level); READING_LEVEL_STEP is the move where no band is left to cross.
SIMPLE_TOP = 5.5
MIDDLE_TOP = 8.5
READING_BAND_TOPS = (("simple", SIMPLE_TOP), ("middle", MIDDLE_TOP), ("advanced", float("inf")))
READING_LEVEL_STEP = 0.75
READING_LEVEL_MIN = 1.0
READING_LEVEL_MAX = 16.0

TOO_HARD = "too_hard"
TOO_EASY = "too_easy"
HELPFUL = "helpful"
FEEDBACK_VALUES = (HELPFUL, TOO_HARD, TOO_EASY)

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class BktParams:
    """The four BKT parameters of one objective (defaults match LearningObjective's)."""

    p_init: float = 0.2
    p_learn: float = 0.15
    p_slip: float = 0.1
    p_guess: float = 0.2

    def __post_init__(self) -> None:
        for name in ("p_init", "p_learn", "p_slip", "p_guess"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a probability between 0 and 1, not {value}")
        # Above 1, a correct answer would be evidence of *not* knowing (at exactly 1 it says nothing).
        if self.p_slip + self.p_guess > 1.0:
            raise ValueError("p_slip + p_guess must not exceed 1, or a correct answer counts against knowing")


def posterior_known(p_known: float, correct: bool, params: BktParams) -> float:
    """P(known | this answer), by Bayes' rule, before any learning from the attempt."""
    if correct:
        evidence_known = p_known * (1 - params.p_slip)
        evidence_unknown = (1 - p_known) * params.p_guess
    else:
        evidence_known = p_known * params.p_slip
        evidence_unknown = (1 - p_known) * (1 - params.p_guess)
    total = evidence_known + evidence_unknown
    # Only reachable with degenerate parameters (slip or guess at 0 or 1): the answer is then
    # impossible under the model and carries no usable evidence, so the belief stays put.
    return p_known if total == 0 else evidence_known / total


def bkt_update(p_known: float, correct: bool, params: BktParams) -> float:
    """The belief after answering one item: Bayes' rule for the answer, then the learning transition."""
    posterior = posterior_known(p_known, correct, params)
    return posterior + (1 - posterior) * params.p_learn


def bounded_update(p_known: float, correct: bool, params: BktParams) -> float:
    """The stored estimate after one answer: ``bkt_update``, moved at most MAX_SWING from ``p_known``.

    Why: the posterior trusts the parameters completely; one lucky guess or one slip should not flip
    a verdict. The bound acts like a tempered (partial) Bayes update whenever the full one would jump.
    """
    updated = bkt_update(p_known, correct, params)
    return min(p_known + MAX_SWING, max(p_known - MAX_SWING, updated))


def replay(answers: Iterable[bool], params: BktParams) -> float:
    """The stored estimate after a whole answer sequence from the prior (answers oldest first)."""
    p_known = params.p_init
    for correct in answers:
        p_known = bounded_update(p_known, correct, params)
    return p_known


def p_correct(p_known: float, params: BktParams) -> float:
    """Predicted probability of a correct answer on the next item."""
    return p_known * (1 - params.p_slip) + (1 - p_known) * params.p_guess


def is_mastered(p_known: float) -> bool:
    return p_known >= MASTERED


def unlocked_objectives(p_known: Mapping[K, float], prerequisites: Mapping[K, Iterable[K]]) -> list[K]:
    """Objectives whose every prerequisite is mastered (an objective without prerequisites is unlocked).

    A prerequisite missing from ``p_known`` (another course's, say) cannot be shown mastered and locks.
    """
    return [
        objective
        for objective in p_known
        if all(is_mastered(p_known.get(pre, 0.0)) for pre in prerequisites.get(objective, ()))
    ]


def weakest_unlocked(
    p_known: Mapping[K, float], prerequisites: Mapping[K, Iterable[K]], order: Sequence[K] | None = None
) -> K | None:
    """The objective to practise next: the lowest estimate among unlocked, not yet mastered objectives.

    Ties go to the earlier objective in ``order`` (course order; default: the mapping's order).
    None when nothing is left to practise: everything mastered, or the rest locked behind a cycle.
    """
    position = {objective: index for index, objective in enumerate(order if order is not None else p_known)}
    candidates = [o for o in unlocked_objectives(p_known, prerequisites) if not is_mastered(p_known[o])]
    if not candidates:
        return None
    return min(candidates, key=lambda o: (p_known[o], position.get(o, len(position))))


def next_objective(
    p_known: Mapping[K, float], prerequisites: Mapping[K, Iterable[K]], order: Sequence[K] | None = None
) -> K | None:
    """The objective to practise next: the unlocked, not yet mastered one where an answer is most useful.

    An answer is useful when it teaches (the learner does not know the objective yet: 1 - p) or when the
    learner knows it and the answer is evidence that unlocks an objective still to learn (p times the
    chance that some objective waiting on it is not known while its other prerequisites are; estimates
    taken as independent). The weakest-unlocked rule spends a third of its answers confirming objectives
    that unlock nothing while others could be learned; this one confirms foundations first and leaves
    the rest for when nothing else is left. Ties: the lower estimate, then the earlier objective in
    ``order``. None when nothing is left to practise (everything mastered, or locked behind a cycle).
    """
    position = {objective: index for index, objective in enumerate(order if order is not None else p_known)}
    candidates = [o for o in unlocked_objectives(p_known, prerequisites) if not is_mastered(p_known[o])]
    if not candidates:
        return None
    waiting_on: dict[K, list[K]] = {}
    for objective, needs in prerequisites.items():
        if objective in p_known and not is_mastered(p_known[objective]):
            for prerequisite in needs:
                waiting_on.setdefault(prerequisite, []).append(objective)

    def usefulness(objective: K) -> float:
        nothing_to_unlock = 1.0
        for dependant in waiting_on.get(objective, ()):
            learnable = 1.0 - p_known[dependant]
            for other in prerequisites.get(dependant, ()):
                if other != objective:
                    learnable *= p_known.get(other, 0.0)
            nothing_to_unlock *= 1.0 - learnable
        p = p_known[objective]
        return (1.0 - p) + p * (1.0 - nothing_to_unlock)

    return max(candidates, key=lambda o: (usefulness(o), -p_known[o], -position.get(o, len(position))))


def reading_band_name(level: float) -> str:
    """The explainer's band for a reading level: "simple", "middle" or "advanced"."""
    return next(name for name, top in READING_BAND_TOPS if level <= top)


def _clamped(level: float) -> float:
    return min(READING_LEVEL_MAX, max(READING_LEVEL_MIN, level))


def simpler_level(level: float) -> float:
    """The level one "too hard" leads to: inside the next simpler band (its top, or a step lower when
    that is lower still), so the next explanation is written in a simpler style. In the simplest band
    there is no simpler style: the level goes down one step."""
    index = [name for name, _ in READING_BAND_TOPS].index(reading_band_name(level))
    target = level - READING_LEVEL_STEP
    if index > 0:
        target = min(target, READING_BAND_TOPS[index - 1][1])
    return _clamped(target)


def harder_level(level: float) -> float:
    """The reverse of ``simpler_level``: one step into the next harder band (or one step up in the last)."""
    index = [name for name, _ in READING_BAND_TOPS].index(reading_band_name(level))
    target = level + READING_LEVEL_STEP
    if index < len(READING_BAND_TOPS) - 1:
        target = max(target, READING_BAND_TOPS[index][1] + READING_LEVEL_STEP)
    return _clamped(target)


def adjust_reading_level(current: float, feedback: str, *, written_for: float | None = None,
                         replaces: str = "") -> float:
    """The working reading level after one piece of feedback on an explanation written for ``written_for``.

    Why bands: within one band the explainer writes the same answer, so a small step left the next
    explanation of the same question word for word the same. "too hard" therefore brings the level to
    at most ``simpler_level(written_for)`` (the next simpler band), "too easy" to at least
    ``harder_level(written_for)``; a level already there stays (feedback on an older explanation does
    not push it further). "helpful" keeps the level, or, replacing an earlier verdict on the same
    explanation, restores the level it was written for. Because every move is measured from the
    explanation's own level, changing one's mind never moves the level twice.
    ``written_for`` defaults to ``current``.
    """
    if feedback not in FEEDBACK_VALUES or replaces not in (*FEEDBACK_VALUES, ""):
        raise ValueError(f"feedback must be one of {', '.join(FEEDBACK_VALUES)}")
    base = current if written_for is None else written_for
    if feedback == TOO_HARD:
        return _clamped(min(current, simpler_level(base)))
    if feedback == TOO_EASY:
        return _clamped(max(current, harder_level(base)))
    return _clamped(base if replaces in (TOO_HARD, TOO_EASY) else current)


# What the student reads after their feedback: what changes in the next explanation, by band move.
_BAND_CHANGES = {
    ("advanced", "middle"): "Your next explanations will be shorter, with fewer and plainer sentences "
                            "and less extra detail.",
    ("middle", "simple"): "Your next explanations will use short sentences and simpler words: "
                          "long sentences from your course are split into short ones.",
    ("advanced", "simple"): "Your next explanations will use short sentences and simpler words: "
                            "long sentences from your course are split into short ones.",
    ("simple", "middle"): "Your next explanations will use longer sentences and more science words, "
                          "each one explained.",
    ("middle", "advanced"): "Your next explanations will use the full scientific terms and add more "
                            "detail from your course.",
    ("simple", "advanced"): "Your next explanations will use the full scientific terms and add more "
                            "detail from your course.",
}


def reading_change_message(before: float, after: float, feedback: str) -> str:
    """One sentence that says truthfully what the feedback changed (or that nothing could change)."""
    band_before, band_after = reading_band_name(before), reading_band_name(after)
    if band_before != band_after:
        return _BAND_CHANGES[(band_before, band_after)]
    if feedback == TOO_HARD and band_after == "simple":
        return ("Your explanations already use the simplest style: short sentences and everyday words. "
                "If this one was still hard, ask your teacher to go through it with you.")
    if feedback == TOO_EASY and band_after == "advanced":
        return "Your explanations already use the most detailed style, with the full scientific terms."
    if feedback in (TOO_HARD, TOO_EASY):
        return "Your explanations are already at that level."
    return "Glad it helped: your explanations stay as they are."


_NUMBER = re.compile(r"^[+-]?(\d+/\d+|\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def normalise_answer(text: str) -> str:
    """Case, Unicode composition, whitespace and punctuation do not change what an answer says."""
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).casefold()).split())


def parse_number(text: str) -> Fraction | None:
    """The value of a numeric answer ('3.50', '.5', '-4', '1/2', '1,000'); None when it is not a number.

    A comma is read only as a thousands separator: '3,5' is ambiguous across locales, so it is no number.
    """
    candidate = unicodedata.normalize("NFKC", text).strip().rstrip(".!?").replace(" ", "")
    if _THOUSANDS.match(candidate):
        candidate = candidate.replace(",", "")
    if not _NUMBER.match(candidate):
        return None
    try:
        return Fraction(candidate)
    except ZeroDivisionError:  # "1/0"
        return None


class Verdict(enum.Enum):
    CORRECT = "correct"
    ALMOST = "almost"  # a spelling away from an accepted answer: the learner is asked to check it
    WRONG = "wrong"


class AlmostRight(ValueError):
    """A near miss: nothing is graded or stored, the learner checks the spelling and answers again."""

    def __init__(self) -> None:
        super().__init__("Almost: check the spelling and try again.")


_ARTICLES = frozenset({"a", "an", "the"})
TYPO_MIN_LETTERS = 5  # one wrong, missing, extra or swapped letter is forgiven from this length on
ALMOST_MIN_LETTERS = 6  # two letters off from this length on is a near miss, not a right answer


def answer_verdict(answer: str, accepted: Iterable[str]) -> Verdict:
    """How the learner's answer compares with the accepted answers.

    Numbers compare by value ("0.5" = "1/2" = ".50"). Words compare without case, articles and plural
    endings ("The decomposers" = "decomposer"); one letter off counts as right on longer answers
    ("photosynthsis"), two letters off is ALMOST: a near miss is not graded right, the learner is told to
    check the spelling.
    """
    given_number = parse_number(answer)
    given_text = _comparable(answer)
    verdict = Verdict.WRONG
    for expected in accepted:
        expected_number = parse_number(expected)
        if expected_number is not None:
            # Numeric answers compare by value only: as text "3,5" and "3.5" would both read "3 5".
            if given_number == expected_number:  # exact rationals: no 0.1 + 0.2 rounding surprises
                return Verdict.CORRECT
            continue
        wanted = _comparable(expected)
        if not given_text or not wanted:
            continue
        if given_text == wanted:
            return Verdict.CORRECT
        letters = min(len(given_text.replace(" ", "")), len(wanted.replace(" ", "")))
        distance = _edit_distance(given_text, wanted, limit=2)
        if distance <= 1 and letters >= TYPO_MIN_LETTERS:
            return Verdict.CORRECT
        if distance <= 2 and letters >= ALMOST_MIN_LETTERS:
            verdict = Verdict.ALMOST
    return verdict


def short_answer_matches(answer: str, accepted: Iterable[str]) -> bool:
    """True when the learner's answer says the same as one accepted answer (see ``answer_verdict``)."""
    return answer_verdict(answer, accepted) is Verdict.CORRECT


def _comparable(text: str) -> str:
    words = [word for word in normalise_answer(text).split() if word not in _ARTICLES]
    return " ".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    """English plural endings off, so "decomposers" and "decomposer" compare equal; short words stay."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _edit_distance(first: str, second: str, *, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit), capped at ``limit + 1``."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, first_char in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, second_char in enumerate(second, 1):
            cost = first_char != second_char
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first_char == second[j - 2] and first[i - 2] == second_char:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return min(previous[-1], limit + 1)


def shuffled_choices(choices: Sequence[str], *, seed: str) -> list[str]:
    """The choices in an order fixed by ``seed`` (one per learner, item and attempt): the right answer is
    not always first, and a page reload within one attempt does not reorder them."""
    order = list(choices)
    random.Random(seed).shuffle(order)  # noqa: S311 - an order of display, not a secret
    return order


def choice_index(answer: str, choices: Sequence[str]) -> int | None:
    """Which choice the learner picked, recognised by its (normalised) text; None if none matches."""
    given = normalise_answer(answer)
    for index, choice in enumerate(choices):
        if given == normalise_answer(choice):
            return index
    return None


def simulated_answers(params: BktParams, *, learners: int, answers: int, rng: random.Random) -> list[list[bool]]:
    """Answer sequences generated by the BKT model itself (for the benchmark and the fitting tests): known or
    not at first (p_init), right with 1 - slip when known and guess when not, learning after each answer
    with p_learn."""
    sequences = []
    for _ in range(learners):
        known, sequence = rng.random() < params.p_init, []
        for _ in range(answers):
            sequence.append(rng.random() < ((1 - params.p_slip) if known else params.p_guess))
            known = known or rng.random() < params.p_learn
        sequences.append(sequence)
    return sequences
