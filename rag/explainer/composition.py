"""The answer from what the model wrote: sentences kept by the grounding check, the course's own
answering statement first, tailored to the reader and numbered by citation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import combinations

from django.conf import settings

from rag.embeddings import get_embedder
from rag.explainer.types import Clock, ImageReading, Source
from rag.grounding import (
    ANAPHOR,
    GroundingSource,
    SentenceVerdict,
    check_grounding,
    complete_sentences,
    content_terms,
    split_sentences,
)
from rag.prompting import LearnerContext, reading_band
from rag.questions import answer_bonus, names_term, ranking_bonus, read_question
from rag.relevance import PLACEHOLDER
from rag.tailoring import fk_grade, tailor_sentence

EXTRACTIVE_SENTENCES = 3
# A middle-band reader's quoted answer takes the easiest statements among this many after the answering ones.
MIDDLE_CANDIDATES = 4
# A definition question is answered by up to this many statements that define the term, among the best ranked.
MAX_DEFINING_STATEMENTS = 2
DEFINITION_CANDIDATES = 6
# An advanced reader's answer holds at least this many statements (see _further_detail); a source
# statement adds something new when fewer than NEW_STATEMENT_MAX_OVERLAP of its words were said.
ADVANCED_MIN_STATEMENTS = 4
NEW_STATEMENT_MAX_OVERLAP = 0.6
# A simple-band answer more than this many grades above the reader's level is replaced by the
# easiest relevant source statements when those read easier.
GRADE_MARGIN = 2.0
# Sentences that start with these tell the student what to do ("Name the three things...").
EXERCISE_VERBS = frozenset({"name", "list", "describe", "explain", "draw", "label", "write", "compare", "identify",
                            "give", "look", "try", "find", "use", "match", "complete", "discuss", "predict"})
# A sentence about the text itself ("In this section, you will examine ...") tells what is coming, not the answer.
ABOUT_THE_TEXT = re.compile(r"\b(?:in this|this|the next|the following) (?:section|chapter|unit|lesson|module)\b"
                            r"|\byou will (?:now )?(?:learn|examine|explore|look|see|study|read|discover)\b"
                            r"|^let(?: us|'s)\b|\bexamples? (?:will|may|can|should) help\b"
                            r"|\billustrates? (?:this|these) (?:concepts?|ideas?|points?)\b",
                            re.IGNORECASE)
# After "too hard", the next answer to the same question reads at least this many grades below the one found
# too hard when some grounded composition does (else as far below as one does); it keeps the statement that
# best answers the question, in at most SIMPLER_MAX_STATEMENTS statements.
SIMPLER_BY = 0.5
SIMPLER_MAX_STATEMENTS = 3
# A young reader's eased answer keeps at most this many statements besides those that answer (see _easiest).
EASED_MAX_OTHERS = 4
DESCRIPTIONS_MARK = "\n\nDiagram description:"
QUOTED_INTRO = "Here is what your course materials say."
UNSUPPORTED_MARK = " (not found in your course materials)"
IMAGE_MARK = " [your image]"
# What a converted document leaves of a removed figure reference: "its functions ()."
EMPTY_BRACKETS = re.compile(r"\s*\(\s*\)")


def grounded_answer(
    generated: str, *, question: str, sources: Sequence[Source], reading: ImageReading | None,
    context: LearnerContext, found_too_hard: str | None = None,
) -> tuple[str, list[dict], dict]:
    """Keep supported sentences with citation marks; quote the sources instead when none is supported,
    or when what is left reads far above a young reader's level.

    ``found_too_hard`` is the answer to this question the learner found too hard: the answer is then written
    below its reading grade (see ``_below_ceiling``), since a simpler band alone does not promise it.
    """
    answer = _answer(generated, question=question, sources=sources, reading=reading, context=context)
    if reading_band(context.reading_level).name == "simple" and answer[3][1]:
        answer = _easiest(answer, question=question, sources=sources, context=context)
    if found_too_hard and answer[3][1]:
        return _below_ceiling(found_too_hard, answer, question=question, sources=sources, context=context)
    return answer[:3]


def _answer(
    generated: str, *, question: str, sources: Sequence[Source], reading: ImageReading | None,
    context: LearnerContext,
) -> tuple[str, list[dict], dict, tuple[str, list[SentenceVerdict]]]:
    """The answer, its citations, the check's summary, and what it was composed of (intro and statements)."""
    checked_against = grounding_sources(sources, reading)
    embedder = get_embedder()
    verdicts = check_grounding(split_sentences(generated), checked_against, embedder=embedder, question=question)
    supported = sum(verdict.supported for verdict in verdicts)
    mode = settings.GLOSSA.get("UNSUPPORTED_SENTENCES", "remove")
    term = _term(question)
    summary = {
        "status": "grounded" if supported else "extractive",
        "mode": mode,
        "sentences": len(verdicts),
        "supported": supported,
        "rate": round(supported / len(verdicts), 3) if verdicts else None,
        "verdicts": [verdict.to_dict() for verdict in verdicts],
    }
    if not supported:
        quoted = _extractive(question, sources, embedder, reading_level=context.reading_level)
        text, citations = _written(quoted, sources, context, mode, intro=QUOTED_INTRO, keep=term)
        return text, citations, summary, (QUOTED_INTRO, quoted)
    verdicts = [*answering_statement(question, sources, embedder, verdicts), *verdicts]
    detail = _further_detail(question, sources, embedder, verdicts, context=context)
    summary["statements_added"] = len(detail)
    kept = [verdict for verdict in [*verdicts, *detail] if verdict.supported]
    text, citations = _written([*verdicts, *detail], sources, context, mode, keep=term)
    if reading_band(context.reading_level).name == "simple" and _grade(text) > context.reading_level + GRADE_MARGIN:
        # The model wrote above a young reader's level and splitting did not fix it: the easiest
        # relevant statements of the sources serve them better.
        quoted = _extractive(question, sources, embedder, reading_level=context.reading_level)
        easier, easier_citations = _written(quoted, sources, context, mode, intro=QUOTED_INTRO, keep=term)
        if quoted and _grade(easier) < _grade(text):
            summary.update(status="extractive", fallback="too hard for the reader")
            return easier, easier_citations, summary, (QUOTED_INTRO, quoted)
    return text, citations, summary, ("", kept)


def _below_ceiling(
    found_too_hard: str, answer: tuple[str, list[dict], dict, tuple[str, list[SentenceVerdict]]], *, question: str,
    sources: Sequence[Source], context: LearnerContext,
) -> tuple[str, list[dict], dict]:
    """The answer written below the reading grade of the one the learner found too hard.

    A simpler band alone does not promise that: on short course sentences the young reader's cuts find nothing to
    cut, reading grade is an average per sentence and word (a shorter answer that drops an easy sentence reads
    harder), and the model writes different sentences each time. So the candidates are every grounded
    composition that keeps the statement that best answers the question (the answer's own statements, or the
    sources' best ranked ones, quoted), with up to ``SIMPLER_MAX_STATEMENTS`` statements, in the reader's
    band. Of those that read ``SIMPLER_BY`` grades lower, the one that says most of what the answer found too
    hard said wins (the same answer, simpler: the less essential statements go), the easiest of those; else
    the easiest that reads lower at all (a hard key word such as "photosynthesis" may need easy statements
    beside it). When none does, the answer stays as it was.
    """
    previous = found_too_hard.split(DESCRIPTIONS_MARK)[0]  # without what a screen reader user got after it
    ceiling, said_before = _grade(previous), content_terms(" ".join(split_sentences(previous)))
    text, citations, summary, (intro, kept) = answer
    mode, term = summary["mode"], _term(question)
    whole = [verdict for verdict in kept if _is_statement(verdict.sentence)]
    grade_of = _Grades(context, keep=term)
    graded = [(grade_of(intro, chosen), -len(said_before & content_terms(" ".join(v.sentence for v in chosen))),
               intro, chosen) for intro, chosen in _compositions(intro, kept, question=question, sources=sources)]
    now = _grade(text)
    clearly = [item for item in graded if item[0] <= ceiling - SIMPLER_BY]
    lower = clearly or [item for item in graded if item[0] < ceiling]
    summary["simpler_than"] = {"grade_found_too_hard": round(ceiling, 2), "grade_written": round(now, 2)}
    if not lower or now <= ceiling - SIMPLER_BY and len(whole) == len(kept):
        return text, citations, summary
    grade, _kept, intro, chosen = min(lower, key=lambda item: (item[1], item[0]) if clearly else (item[0], item[1]))
    if grade >= now and len(whole) == len(kept):
        return text, citations, summary
    text, citations = _written(chosen, sources, context, mode, intro=intro, keep=term)
    summary["simpler_than"]["grade_written"] = round(_grade(text), 2)
    if intro == QUOTED_INTRO and summary["status"] != "extractive":
        summary.update(status="extractive", fallback="simpler than the answer found too hard")
    return text, citations, summary


def _compositions(
    intro: str, kept: Sequence[SentenceVerdict], *, question: str, sources: Sequence[Source],
) -> list[tuple[str, list[SentenceVerdict]]]:
    """Every grounded composition that keeps the statement that best answers the question, with up to
    ``SIMPLER_MAX_STATEMENTS - 1`` statements besides: of the answer's own whole statements (with its ``intro``),
    or of the sources' best ranked ones, quoted. Whole statements only: a question the model copied from an
    exercise, or a fragment, answers nothing."""
    embedder = get_embedder()
    whole = [verdict for verdict in kept if _is_statement(verdict.sentence)]
    quoted = _extractive_pool(question, sources, embedder)
    if not whole and not quoted:
        return []
    required = {_best_statement(question, [*whole, *quoted], embedder)}
    return [(intro, chosen) for intro, pool in ((intro, whole), (QUOTED_INTRO, quoted))
            for chosen in _keeping(required, _unique(pool), extra=SIMPLER_MAX_STATEMENTS - 1)]


def _easiest(
    answer: tuple[str, list[dict], dict, tuple[str, list[SentenceVerdict]]], *, question: str,
    sources: Sequence[Source], context: LearnerContext,
) -> tuple[str, list[dict], dict, tuple[str, list[SentenceVerdict]]]:
    """A young reader's answer without the statements that make it hardest to read.

    Splitting and plain words stop where a sentence's parse offers no safe cut, and a textbook's key terms hold
    the grade up. What else a young reader is spared is the answer's own less essential statements. These stay:
    the statement that best answers the question, the sentence where the course introduces the asked term, and
    the first statement that answers the question's kind (its definition, cause or steps; see ``_answering``).
    Of the others, the answer keeps the choice that reads easiest, the fuller of two equally easy; a statement that
    came with the sentence leaning on it may lose that sentence (see ``_leads_alone``). Nothing is added: an easy
    sentence about something else would read easier and answer worse.
    """
    text, citations, summary, (intro, kept) = answer
    pool = _unique(kept)
    whole = [verdict for verdict in pool if _is_statement(verdict.sentence)]
    if not whole:
        return answer
    embedder = get_embedder()
    asked = read_question(question)
    introduction = _introduction(sources, asked.term) if asked.kind == "definition" else []
    introduced = {verdict.sentence for verdict in introduction}
    answering = [verdict for verdict in _answering(question, sources, embedder) if verdict.sentence not in introduced]
    required = {_best_statement(question, whole, embedder), *introduced, *(v.sentence for v in answering[:1])}
    grade_of = _Grades(context, keep=asked.term)
    graded = [(grade_of(intro, chosen), -len(chosen), chosen)
              for variant, needed in _leads_alone(pool, required & {verdict.sentence for verdict in pool}, asked.term)
              for chosen in _keeping(needed, variant, extra=EASED_MAX_OTHERS)]
    if not graded:
        return answer
    grade, _fuller, chosen = min(graded, key=lambda item: item[:2])
    if grade >= _grade(text):
        return answer
    text, citations = _written(chosen, sources, context, summary["mode"], intro=intro, keep=asked.term)
    summary["statements_left_out"] = len(pool) - len(chosen)
    return text, citations, summary, (intro, chosen)


def _leads_alone(
    pool: Sequence[SentenceVerdict], required: set[str], term: str | None,
) -> list[tuple[list[SentenceVerdict], set[str]]]:
    """The pool, and the pool with statements that came with the sentence leaning on them ("A. These two
    vessels ...", see ``statements``) cut back to their leading sentence, with what each must keep.

    The leaning sentence needs the one before it, not the other way round. A required statement is cut back only
    when its leading sentence names the asked term: "The processes of digestion include six activities. These are
    ingestion, ..." answers "ingestion" in its second sentence."""
    leads = {}
    for verdict in pool:
        *before, last = split_sentences(verdict.sentence) or [""]
        lead = " ".join(before)
        if (before and ANAPHOR.match(last) and _is_statement(lead)
                and (verdict.sentence not in required or term and names_term(lead, term))):
            leads[verdict.sentence] = replace(verdict, sentence=lead)
    variants = []
    for size in range(len(leads) + 1):
        for cut in combinations(leads, size):
            variant = _unique([leads[verdict.sentence] if verdict.sentence in cut else verdict for verdict in pool])
            variants.append((variant, {leads[sentence].sentence if sentence in cut else sentence
                                       for sentence in required}))
    return variants


def _unique(verdicts: Sequence[SentenceVerdict]) -> list[SentenceVerdict]:
    said: set[str] = set()
    return [verdict for verdict in verdicts if not (verdict.sentence in said or said.add(verdict.sentence))]


def _keeping(required: set[str], pool: Sequence[SentenceVerdict], *, extra: int) -> list[list[SentenceVerdict]]:
    """Every choice of statements of ``pool`` that keeps the ``required`` ones and adds up to ``extra`` others, in
    pool order."""
    if not required <= {verdict.sentence for verdict in pool}:
        return []
    others = [index for index, verdict in enumerate(pool) if verdict.sentence not in required]
    kept = [index for index, verdict in enumerate(pool) if verdict.sentence in required]
    choices = ([pool[index] for index in sorted((*kept, *chosen))]
               for size in range(extra + 1) for chosen in combinations(others, size))
    return [chosen for chosen in choices if not _repeats(chosen)]


def _repeats(verdicts: Sequence[SentenceVerdict]) -> bool:
    """Whether a statement says again what another one says (a sentence alone and with the one it leans on)."""
    return any(one is not other and one.sentence in other.sentence for one in verdicts for other in verdicts)


def _best_statement(question: str, verdicts: Sequence[SentenceVerdict], embedder) -> str:
    """The statement that best answers the question: closest in meaning, plus the bonus for what its kind asks
    for (as the sources' statements are ranked)."""
    sentences = list(dict.fromkeys(verdict.sentence for verdict in verdicts))
    asked = read_question(question)
    vectors = embedder.encode([question, *sentences])
    scores = [float(score) + ranking_bonus(sentence, asked) for score, sentence in zip(vectors[1:] @ vectors[0],
                                                                                        sentences, strict=True)]
    return sentences[max(range(len(sentences)), key=scores.__getitem__)]


def _extractive_pool(question: str, sources: Sequence[Source], embedder) -> list[SentenceVerdict]:
    """The statements a quoted answer chooses from, in reading position: those that answer the question's kind,
    then the best ranked ones (as many as a middle-band reader's answer chooses from)."""
    answering = _answering(question, sources, embedder)
    said = {verdict.sentence for verdict in answering}
    ranked = [item for item in _ranked_statements(question, sources, embedder) if item[1].sentence not in said]
    return [*answering, *(verdict for _, verdict in sorted(ranked[:MIDDLE_CANDIDATES + 1], key=lambda item: item[0]))]


class _Grades:
    """Reading grades of candidate answers, each statement tailored to the reader once (a parse each)."""

    def __init__(self, context: LearnerContext, *, keep: str) -> None:
        self.context, self.keep, self.tailored = context, keep, {}

    def __call__(self, intro: str, verdicts: Sequence[SentenceVerdict]) -> float:
        for verdict in verdicts:
            if verdict.sentence not in self.tailored:
                self.tailored[verdict.sentence] = " ".join(
                    tailor_sentence(verdict.sentence, reading_level=self.context.reading_level, keep=self.keep))
        return _grade(" ".join([intro, *(self.tailored[verdict.sentence] for verdict in verdicts)]).strip())


def grounding_sources(sources: Sequence[Source], reading: ImageReading | None) -> list[GroundingSource]:
    grounding_sources = [GroundingSource(source.number, source.text) for source in sources]
    if reading is not None:
        grounding_sources.append(GroundingSource(0, "\n".join([reading.description, *reading.lines])))
    return grounding_sources


class CheckedSentences:
    """What a student may see while the model writes: each sentence once it passes the grounding check.

    The check here is the word-overlap and facts test (the meaning test needs every source sentence
    encoded again); a sentence it keeps is kept by the full check too. The finished answer, composed
    from the full check, replaces these sentences when it is ready.
    """

    def __init__(self, sources: list[GroundingSource], *, question: str, clock: Clock) -> None:
        self.sources, self.question, self.clock = sources, question, clock
        self.pending = ""

    def feed(self, text: str) -> str:
        self.pending += text
        sentences, self.pending = complete_sentences(self.pending)
        return self._shown(sentences)

    def finish(self, text: str) -> str:
        sentences, self.pending = split_sentences(self.pending + text), ""
        return self._shown(sentences)

    def _shown(self, sentences: list[str]) -> str:
        if not sentences or not self.sources:
            return ""
        verdicts = check_grounding(sentences, self.sources, question=self.question)
        shown = "".join(f"{verdict.sentence} " for verdict in verdicts if verdict.supported)
        if shown and "first_checked_sentence" not in self.clock.timings:
            self.clock.timings["first_checked_sentence"] = round(self.clock.since_start(), 4)
        return shown


def _written(
    verdicts: Sequence[SentenceVerdict], sources: Sequence[Source], context: LearnerContext, mode: str, *,
    intro: str = "", keep: str = "",
) -> tuple[str, list[dict]]:
    """The answer's text and its citations, numbered in the order the text cites them; tailoring never leaves out
    ``keep``, the asked term."""
    numbering = _Citations(sources)
    body = _composed(verdicts, numbering, context, mode, keep=keep)
    return (f"{intro} {body}" if intro else body), numbering.citations


def _grade(text: str) -> float:
    """Flesch-Kincaid grade of an answer, without its citation marks."""
    return fk_grade(" ".join(split_sentences(text)))


class _Citations:
    """Numbers sources in the order the answer first cites them: [1], [2], ..."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._by_source = {source.number: source for source in sources}
        self._numbers: dict[int, int] = {}
        self.citations: list[dict] = []

    def mark(self, source_number: int | None) -> str:
        if source_number == 0:
            return IMAGE_MARK
        if source_number not in self._by_source:
            return ""
        if source_number not in self._numbers:
            self._numbers[source_number] = len(self._numbers) + 1
            self.citations.append({"number": self._numbers[source_number], **self._by_source[source_number].citation})
        return f" [{self._numbers[source_number]}]"


def _composed(
    verdicts: Sequence[SentenceVerdict], numbering: _Citations, context: LearnerContext, mode: str, *, keep: str,
) -> str:
    """The answer in the learner's style: whole sentences, each with its citation (never chained by semicolons),
    each said once (overlapping chunks of one passage hold the same sentence)."""
    said: set[str] = set()
    parts = []
    for verdict in verdicts:
        # A statement that leans on the one before it ("They are ...") is quoted with it; that one may
        # have been said already on its own.
        unsaid = [sentence for sentence in split_sentences(verdict.sentence) if sentence not in said]
        if not unsaid:
            continue
        if len(unsaid) < len(split_sentences(verdict.sentence)):
            verdict = replace(verdict, sentence=" ".join(unsaid))
        if part := _compose(verdict, numbering, context, mode, keep=keep):
            said.update(unsaid)
            parts.append(part)
    return " ".join(parts)


def _compose(verdict: SentenceVerdict, numbering: _Citations, context: LearnerContext, mode: str, *, keep: str) -> str:
    if not verdict.supported:
        return verdict.sentence + UNSUPPORTED_MARK if mode == "mark" and content_terms(verdict.sentence) else ""
    pieces = tailor_sentence(EMPTY_BRACKETS.sub("", verdict.sentence), reading_level=context.reading_level, keep=keep)
    last = pieces[-1]
    end = last[-1] if last[-1:] in ".!?" else "."
    pieces[-1] = last.rstrip(".!?") + numbering.mark(verdict.source) + end
    return " ".join(pieces)


def _ranked_statements(question: str, sources: Sequence[Source], embedder) -> list[tuple[int, SentenceVerdict]]:
    """Every whole statement of the sources with its reading position, the one that best answers first.

    Similarity to the question, plus a bonus for the statement the question's kind asks for (the sentence
    that defines the asked term, a cause for "why", steps for "how"; see rag.questions). Diagram
    descriptions serve questions about diagrams only. Remembered per question and sources: one answer
    asks several times (the first sentence shown, further detail, the quoted fallback).
    """
    key = (question, tuple((source.number, source.text, source.diagram_id is None) for source in sources))
    if key not in _RANKED:
        if len(_RANKED) > 64:
            _RANKED.clear()
        _RANKED[key] = _rank(question, sources, embedder)
    return _RANKED[key]


_RANKED: dict[tuple, list[tuple[int, SentenceVerdict]]] = {}


def _rank(question: str, sources: Sequence[Source], embedder) -> list[tuple[int, SentenceVerdict]]:
    asked = read_question(question)
    candidates = [(source.number, statement) for source in sources
                  if asked.kind == "diagram" or source.diagram_id is None
                  for statement in statements(source.text)]
    if not candidates:
        return []
    vectors = embedder.encode([question] + [sentence for _, sentence in candidates])
    scores = [float(score) + ranking_bonus(sentence, asked)
              for score, (_, sentence) in zip(vectors[1:] @ vectors[0], candidates, strict=True)]
    return [(i, SentenceVerdict(candidates[i][1], True, candidates[i][0], 1.0, round(scores[i], 3)))
            for i in sorted(range(len(candidates)), key=lambda i: -scores[i])]


def closest_statement_similarity(question: str, sources: Sequence[Source], embedder) -> float:
    """How close in meaning the sources' best statement is to the question (cosine, without kind bonuses).

    A placeholder ("<PERSON_1>") says nothing of what is asked and is left out: passages with placeholders of
    their own would seem close to any question that has one.
    """
    question = " ".join(PLACEHOLDER.sub(" ", question).split())
    asked = read_question(question)
    return max((verdict.similarity - ranking_bonus(verdict.sentence, asked)
                for _, verdict in _ranked_statements(question, sources, embedder)), default=0.0)


def statements(text: str) -> list[str]:
    """The whole statements of a source; one that leans on the sentence before ("This is called
    condensation.") comes with it, since alone it says nothing."""
    sentences = split_sentences(text)
    whole = []
    for index, sentence in enumerate(sentences):
        if index and ANAPHOR.match(sentence) and _is_statement(sentences[index - 1]):
            sentence = f"{sentences[index - 1]} {sentence}"
        if _is_statement(sentence):
            whole.append(sentence)
    return whole


def answering_statement(question: str, sources: Sequence[Source], embedder,
                        verdicts: Sequence[SentenceVerdict]) -> list[SentenceVerdict]:
    """The source statements that answer a definition, why or how question, when the answer does not say them yet.

    For a definition, every statement among the best ranked that defines the term (a book often introduces a
    term in one sentence and defines it in another: "..., called a nucleolus." and "The nucleolus is ...").
    """
    said = content_terms(" ".join(verdict.sentence for verdict in verdicts if verdict.supported))
    answering = []
    for statement in _answering(question, sources, embedder):
        terms = content_terms(statement.sentence)
        if not terms or len(terms & said) / len(terms) < NEW_STATEMENT_MAX_OVERLAP:
            answering.append(statement)
            said |= terms
    return answering


def _answering(question: str, sources: Sequence[Source], embedder) -> list[SentenceVerdict]:
    """The best ranked statements that answer the question's kind, in reading order (see answering_statement)."""
    asked = read_question(question)
    if asked.kind not in ("definition", "why", "how"):
        return []
    ranked = _ranked_statements(question, sources, embedder)
    introduction = _introduction(sources, asked.term) if asked.kind == "definition" else []
    # A definition among the best ranked (a sentence that only names the term may rank above it); a cause or
    # steps in the best ranked statement itself.
    considered = ranked[:DEFINITION_CANDIDATES] if asked.kind == "definition" else ranked[:1]
    if not any(answer_bonus(item[1].sentence, asked) for item in considered):
        return introduction
    if asked.kind != "definition":
        return [ranked[0][1]]
    introduced = {verdict.sentence for verdict in introduction}
    defining = list({item[1].sentence: item for item in ranked[:DEFINITION_CANDIDATES]  # a sentence once,
                     if answer_bonus(item[1].sentence, asked) and item[1].sentence not in introduced
                     }.values())[:MAX_DEFINING_STATEMENTS]  # even in 2 chunks
    return introduction + [verdict for _, verdict in sorted(defining, key=lambda ranked_statement: ranked_statement[0])]


def _introduction(sources: Sequence[Source], term: str) -> list[SentenceVerdict]:
    """The statement where the course first uses the asked term (see ``Source.introduces``): a textbook sets a
    key term where it introduces it, and that sentence often defines it by its context ("..., called X")."""
    for source in sources:
        if source.introduces:
            statement = next((text for text in statements(source.text) if names_term(text, term)), None)
            return [SentenceVerdict(statement, True, source.number, 1.0, 1.0)] if statement else []
    return []


def _extractive(
    question: str, sources: Sequence[Source], embedder, *, reading_level: float
) -> list[SentenceVerdict]:
    """Source sentences that answer the question, chosen for the learner's reading band.

    Only whole statements count (not questions from "check your understanding" sections, headings
    or sentences cut by chunking). The statements that answer the question's kind come first (see
    ``answering_statement``); then a simple-band reader gets the easier of the next two (easier but
    off-topic sentences further down would not answer the question), two statements in all, split into
    short sentences later; a middle-band reader the easiest two of the next four, three statements in all; an
    advanced reader the two that say most of the next four (of those about what is asked, if any), and the one
    that says most of the others that name what is asked (as the band's style asks of the model: four statements,
    more depth, never a statement about something else). So the
    quoted answer differs from band to band (in length, or in the sentences chosen): "too hard" moves a learner
    one band down (edu.learner_model) and must show in the next answer to the same question.
    """
    ranked = _ranked_statements(question, sources, embedder)
    answering = _answering(question, sources, embedder)
    said = {verdict.sentence for verdict in answering}
    rest = []
    for item in ranked[:MIDDLE_CANDIDATES + 1 + len(answering)]:  # other bands read a prefix of these
        if item[1].sentence not in said:  # the same sentence may stand in two overlapping chunks
            said.add(item[1].sentence)
            rest.append(item)
    if not answering:
        answering, rest = [rest[0][1]] if rest else [], rest[1:]
    band = reading_band(reading_level).name
    if band == "simple":
        rest = sorted(rest[:2], key=lambda item: fk_grade(item[1].sentence))[: max(0, 2 - len(answering))]
    elif band == "middle":
        easiest = sorted(rest[:MIDDLE_CANDIDATES], key=lambda item: fk_grade(item[1].sentence))
        rest = easiest[: max(0, EXTRACTIVE_SENTENCES - len(answering))]
    else:
        usual = max(0, EXTRACTIVE_SENTENCES - len(answering))
        about = _asked_terms(question)

        def fuller(item: tuple[int, SentenceVerdict]) -> tuple[bool, int]:
            terms = content_terms(item[1].sentence)
            return not terms & about, -len(terms)

        fullest = sorted(rest[:MIDDLE_CANDIDATES], key=fuller)[:usual]
        more = sorted((item for item in rest if item not in fullest and not fuller(item)[0]), key=fuller)
        rest = [*fullest, *more][: max(0, ADVANCED_MIN_STATEMENTS - len(answering))]
    return [*answering, *(verdict for _, verdict in sorted(rest, key=lambda item: item[0]))]


def _further_detail(
    question: str, sources: Sequence[Source], embedder, verdicts: Sequence[SentenceVerdict], *,
    context: LearnerContext,
) -> list[SentenceVerdict]:
    """For an advanced reader given a short answer: the most relevant source statements it does not say yet.

    Such a reader can take more depth than a 135M model writes; the added statements are quoted
    from the sources, so they are supported by construction. Beyond the usual three statements, only one that
    names what is asked is added (the fourth best ranked statement of a short lesson may be about anything).
    """
    said = [verdict.sentence for verdict in verdicts if verdict.supported]
    missing = ADVANCED_MIN_STATEMENTS - len(said)
    if reading_band(context.reading_level).name != "advanced" or missing <= 0:
        return []
    said_terms, about = content_terms(" ".join(said)), _asked_terms(question)
    detail = []
    for _, statement in _ranked_statements(question, sources, embedder)[:EXTRACTIVE_SENTENCES + len(said)]:
        terms = content_terms(statement.sentence)
        if len(said) + len(detail) >= EXTRACTIVE_SENTENCES and not terms & about:
            continue  # beyond the usual length, only more about the thing asked
        if terms and len(terms & said_terms) / len(terms) < NEW_STATEMENT_MAX_OVERLAP:
            detail.append(statement)
            said_terms |= terms
        if len(detail) == missing:
            break
    return detail


def _term(question: str) -> str:
    """What a definition question asks about ("" for other questions)."""
    return read_question(question).term


def _asked_terms(question: str) -> set[str]:
    """The words of what is asked about: the term of a definition question, else the question's content words."""
    return content_terms(read_question(question).term or question)


def _is_statement(sentence: str) -> bool:
    """A whole statement: not a heading or title, a question, an exercise, a note about the text or a piece cut off
    by chunking."""
    words = sentence.split()
    return (len(words) >= 5 and sentence[0].isupper() and sentence.endswith((".", "!"))
            and sum(word[0].islower() for word in words) >= 3 and words[0].lower() not in EXERCISE_VERBS
            and not ABOUT_THE_TEXT.search(sentence))
