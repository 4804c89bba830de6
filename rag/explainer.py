"""Grounded, tailored explanations: redact, retrieve, read the image, prompt, generate, check, cite, store.

Personal data stays out of everything but the owner's screen: the question is pseudonymised
before retrieval and prompting, the model's output is redacted before it is checked or stored,
and placeholders are put back (``reidentify``) only in what the learner who asked is shown.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from edu.api import (
    MASTERED,
    Course,
    Interaction,
    LearnerProfile,
    LearningObjective,
    mastery_by_objective,
    role_in_course,
)
from edu.safeguarding import api as safeguarding_api
from privacy.api import ContentKind, pseudonymize, redact_text, redact_texts, reidentify
from rag.diagrams import DiagramAnalysis, DiagramError, analyze_image, analyze_svg, describe
from rag.embeddings import get_embedder
from rag.generation.backends import GenerationSettings, GeneratorBusyError, ModelUnavailableError, get_generator
from rag.generation.vision import get_image_describer, get_image_embedder
from rag.grounding import (
    GroundingSource,
    SentenceVerdict,
    check_grounding,
    complete_sentences,
    content_terms,
    split_sentences,
)
from rag.models import Chunk, DiagramGraph
from rag.prompting import MAX_SOURCES, LearnerContext, PromptSource, build_messages, diagram_lines, reading_band
from rag.questions import answer_bonus, read_question
from rag.relevance import answered_by, course_holds, key_words, not_found_message, question_language
from rag.retrieval import SearchHit, search
from rag.selectors import course_words_in, words_in_course
from rag.tailoring import condensed, fk_grade, proper_nouns, tailor_sentence

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
RETRIEVE_K = 6
# A hit farther than this (cosine distance) that full text did not find either is not about the question.
MAX_VECTOR_DISTANCE = 0.75
# Share of its labels an uploaded diagram must have in common with a course diagram to be "the same".
MIN_LABEL_MATCH = 0.5
MIN_IMAGE_TEXT_SIMILARITY = 0.25
EXTRACTIVE_SENTENCES = 3
# An advanced reader's answer holds at least this many statements (see _further_detail); a source
# statement adds something new when fewer than NEW_STATEMENT_MAX_OVERLAP of its words were said.
ADVANCED_MIN_STATEMENTS = 3
NEW_STATEMENT_MAX_OVERLAP = 0.6
# A simple-band answer more than this many grades above the reader's level is replaced by the
# easiest relevant source statements when those read easier.
GRADE_MARGIN = 2.0
# Sentences that start with these tell the student what to do ("Name the three things...").
EXERCISE_VERBS = frozenset({"name", "list", "describe", "explain", "draw", "label", "write", "compare", "identify",
                            "give", "look", "try", "find", "use", "match", "complete", "discuss", "predict"})
NOT_FOUND = not_found_message("en")
QUOTED_INTRO = "Here is what your course materials say."
UNSUPPORTED_MARK = " (not found in your course materials)"
IMAGE_MARK = " [your image]"


class ExplainError(Exception):
    """The explanation cannot be given; the message is safe to show and contains no personal data."""


class ExplainBusyError(ExplainError):
    """Too many explanations are being generated right now; asking again shortly will work."""


@dataclass
class Explanation:
    text: str  # for the owner: placeholders restored
    text_redacted: str  # what is stored
    citations: list[dict]
    grounding: dict
    diagram: dict | None
    timings: dict[str, float]
    interaction_id: int | None
    conversation_id: str
    removed_from_question: dict[str, int] = field(default_factory=dict)  # entity type -> count, told to the student

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "text_redacted": self.text_redacted,
            "citations": self.citations,
            "grounding": self.grounding,
            "diagram": self.diagram,
            "timings": self.timings,
            "interaction_id": self.interaction_id,
            "conversation_id": self.conversation_id,
            "removed_from_question": self.removed_from_question,
        }


@dataclass
class _Source:
    """A course passage offered to the model, and what citing it shows the learner."""

    number: int
    text: str
    citation: dict
    diagram_id: int | None = None


@dataclass
class _ImageReading:
    analysis: DiagramAnalysis
    lines: list[str]  # "A -> B", redacted
    description: str  # redacted
    matched_diagram: DiagramGraph | None = None
    model_description: str = ""  # from a configured vision-language model, redacted

    def to_dict(self) -> dict:
        return {
            "source": "upload",
            "title": self.analysis.title,
            "nodes": len(self.analysis.nodes),
            "edges": len(self.analysis.edges),
            "lines": self.lines,
            "description": self.description,
            "model_description": self.model_description,
            "matched_diagram_id": self.matched_diagram.pk if self.matched_diagram else None,
        }


@dataclass
class _Clock:
    started: float = field(default_factory=time.perf_counter)
    last: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last = self.started

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.last, 4)
        self.last = now

    def since_start(self) -> float:
        return time.perf_counter() - self.started


def explain(
    *,
    learner: AbstractBaseUser,
    course: Course,
    question: str,
    image: bytes | None = None,
    conversation_id: uuid.UUID | str | None = None,
    on_token: Callable[[str], None] | None = None,
    profile: LearnerProfile | None = None,
) -> Explanation:
    """Explain ``question`` to ``learner``; ``on_token`` sees each generated sentence once it passes the check.

    ``profile`` replaces the learner's own (a teacher previewing "as" a grade-4 reader); such a
    preview is not stored, so no one's history changes.
    """
    run = _pipeline(learner=learner, course=course, question=question, image=image,
                    conversation_id=conversation_id, profile=profile)
    while True:
        try:
            piece = next(run)
        except StopIteration as finished:
            return finished.value
        if on_token is not None:
            on_token(piece)


def stream_explanation(
    *,
    learner: AbstractBaseUser,
    course: Course,
    question: str,
    image: bytes | None = None,
    conversation_id: uuid.UUID | str | None = None,
    profile: LearnerProfile | None = None,
) -> Iterator[dict]:
    """Events for server-sent events: ``token`` for each checked sentence, then ``done`` (or ``error``).

    No unchecked text is ever sent: a sentence is sent once it passes the grounding check, and ``done``
    carries the composed answer that replaces them.
    """
    run = _pipeline(learner=learner, course=course, question=question, image=image,
                    conversation_id=conversation_id, profile=profile)
    try:
        while True:
            try:
                piece = next(run)
            except StopIteration as finished:
                yield {"event": "done", "explanation": finished.value.to_dict()}
                return
            yield {"event": "token", "text": piece}
    except (ExplainError, PermissionDenied) as error:
        yield {"event": "error", "message": str(error)}


def _pipeline(
    *,
    learner: AbstractBaseUser,
    course: Course,
    question: str,
    image: bytes | None,
    conversation_id: uuid.UUID | str | None,
    profile: LearnerProfile | None,
) -> Generator[str, None, Explanation]:
    clock = _Clock()
    question = _validated_question(question)
    if role_in_course(user=learner, course=course) is None:  # before anything about the question is stored
        raise PermissionDenied("You can only ask about courses you are enrolled in or teach.")
    conversation_id = _conversation_id(conversation_id)
    store = profile is None
    profile = profile or LearnerProfile.objects.filter(user=learner).first() or LearnerProfile(user=learner)

    # Safeguarding first: a disclosure or a harmful request gets a reply for the student, never retrieval.
    screened = safeguarding_api.screen_student_message(student=learner, course=course, text=question,
                                                       grade=profile.grade_level)
    if not screened.answered:
        return _safeguarding_reply(screened, clock=clock, conversation_id=conversation_id)
    pseudonymised = pseudonymize(question, owner=learner, conversation_id=conversation_id, course=course,
                                 where="query", keep_terms=course_words_in(question, course=course))
    asked = pseudonymised.text
    clock.lap("redact")
    language = question_language(question)  # the student's own words: redaction may take foreign words for names
    with _model_failures():
        reading = _read_image(image, course=course) if image is not None else None
    if reading is not None:  # the words in a photo are the student's words too
        screened = safeguarding_api.screen_student_message(student=learner, course=course, source="image_text",
                                                           text=_image_words(reading), grade=profile.grade_level)
        if not screened.answered:
            return _safeguarding_reply(screened, clock=clock, conversation_id=conversation_id)
    clock.lap("image")
    hits = _retrieve(learner=learner, course=course, question=asked, reading=reading)
    sources = _sources(hits, reading)
    clock.lap("retrieve")

    def finish(text_redacted: str, citations: list[dict], grounding: dict, model_name: str = "") -> Explanation:
        return _store(
            learner=learner, course=course, conversation_id=conversation_id, question_redacted=asked,
            text_redacted=text_redacted, citations=citations, grounding=grounding,
            diagram=reading.to_dict() if reading else None, clock=clock, model_name=model_name, store=store,
            removed_from_question=pseudonymised.counts,
        )

    practice = safeguarding_api.practice_item_for(course=course, question=question)
    if practice is not None:  # the course is set to "hints first": questions and steps, never the answer
        hints = safeguarding_api.hints_reply(item=practice, sources=[source.text for source in sources],
                                             grade=profile.grade_level)
        return finish(hints, [], {"status": "hints", "sentences": 0, "supported": 0, "rate": None})
    if language != "en" and image is None:  # the models answer English only: never a passage matched by cognates
        return finish(not_found_message(language), [],
                      {"status": "other_language", "language": language, "sentences": 0, "supported": 0, "rate": None})
    if not sources and reading is None:
        return finish(NOT_FOUND, [], {"status": "no_sources", "sentences": 0, "supported": 0, "rate": None})
    if reading is None and not _about_the_course(asked, sources, course=course):
        return finish(NOT_FOUND, [], {"status": "not_in_sources", "sentences": 0, "supported": 0, "rate": None})

    context = _learner_context(profile, learner=learner, course=course, hits=hits)
    messages = build_messages(
        learner=context, question=asked,
        sources=[PromptSource(source.number, source.text) for source in sources],
        diagram=_diagram_lines(reading),
    )
    # The question is already pseudonymised and the sources were redacted at ingestion; this pass
    # catches what an OCR'd image label or a configured VLM may have added, and is audited.
    messages[1]["content"] = redact_text(messages[1]["content"], kind=ContentKind.COURSE, course=course,
                                         where="prompt").text
    clock.lap("prompt")

    guard = safeguarding_api.AnswerScreen(course=course)  # lets a sentence through once the answer so far passes
    # The source statement that answers a definition, why or how question is shown first: it is the course's
    # own sentence (grounded by construction, screened like any answer) and the composed answer keeps it.
    lead = _answering_statement(asked, sources, get_embedder(), [])
    if lead and (shown := guard.feed(f"{lead[0].sentence} ")):
        clock.timings["first_checked_sentence"] = round(clock.since_start(), 4)
        yield _reidentified(shown, learner=learner, conversation_id=conversation_id)
    generator = _generator()
    pieces: list[str] = []
    generation_started = time.perf_counter()
    checked = _CheckedSentences(_grounding_sources(sources, reading), question=asked, clock=clock)
    stream = generator.stream(messages, _options())
    with _model_failures():
        for piece in _restored(stream, learner=learner, conversation_id=conversation_id):
            if not pieces:
                clock.timings["first_token"] = round(time.perf_counter() - generation_started, 4)
                clock.timings["time_to_first_token"] = round(clock.since_start(), 4)
            pieces.append(piece)
            if shown := checked.feed(guard.feed(piece)):
                yield shown
        if shown := checked.finish(guard.finish()):
            yield shown
    clock.lap("generate")
    raw = "".join(pieces)
    tokens = stream.tokens
    clock.timings["tokens"] = tokens
    clock.timings["tokens_per_s"] = round(tokens / clock.timings["generate"], 2) if clock.timings["generate"] else 0.0

    generated = redact_text(raw, kind=ContentKind.COURSE, course=course, where="generation").text
    text_redacted, citations, grounding = _grounded_answer(
        generated, question=asked, sources=sources, reading=reading, context=context
    )
    if context.screen_reader:
        text_redacted += _diagram_descriptions(sources, reading)
    if not guard.allows(text_redacted):  # a flagged answer is not shown (safeguarding)
        text_redacted, citations = safeguarding_api.ANSWER_WITHHELD, []
        grounding = {**grounding, "status": "withheld"}
    clock.lap("grounding")
    return finish(text_redacted, citations, grounding, model_name=generator.model_name)


# --- Steps -------------------------------------------------------------------------------------
def _safeguarding_reply(decision, *, clock: _Clock, conversation_id: uuid.UUID) -> Explanation:
    """What the student reads instead of a course answer (supportive, or a refusal); nothing about the
    message is stored here: a disclosure lives in the safeguarding alert, encrypted, for the lead."""
    return Explanation(
        text=decision.reply, text_redacted=decision.reply, citations=[],
        grounding={"status": "safeguarding", "action": decision.action, "sentences": 0, "supported": 0,
                   "rate": None},
        diagram=None, timings=clock.timings, interaction_id=None, conversation_id=str(conversation_id),
    )


def _image_words(reading: _ImageReading) -> str:
    analysis = reading.analysis
    return "\n".join([analysis.title, *(node.label for node in analysis.nodes),
                      *(block.text for block in analysis.text_blocks)])


def _validated_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise ExplainError("Type a question first.")
    if len(question) > MAX_QUESTION_CHARS:
        raise ExplainError(f"The question is too long: at most {MAX_QUESTION_CHARS} characters.")
    return question.strip()


def _conversation_id(conversation_id: uuid.UUID | str | None) -> uuid.UUID:
    if conversation_id is None or conversation_id == "":
        return uuid.uuid4()
    try:
        return uuid.UUID(str(conversation_id))
    except ValueError:
        raise ExplainError("The conversation id is not valid; start a new conversation.") from None


def _read_image(image: bytes, *, course: Course) -> _ImageReading:
    """The diagram in an uploaded photo or screenshot, by the same OCR + structure path as ingestion."""
    if not isinstance(image, bytes | bytearray) or not image:
        raise ExplainError("The image is empty: upload a PNG, JPEG or WebP photo of the diagram.")
    try:
        analysis = analyze_svg(bytes(image)) if _looks_like_svg(image) else analyze_image(bytes(image))
    except DiagramError as error:
        raise ExplainError(f"The image could not be read: {error}") from None
    labels = {node.id: node.label for node in analysis.nodes}
    lines = diagram_lines(labels, [asdict(edge) for edge in analysis.edges])
    describer = get_image_describer()
    model_description = describer.describe(bytes(image)) if describer else ""
    # An uploaded photo may show a name or an email (a worksheet header): redact as learner text, but
    # keep the labels the course's own diagrams and materials use ("Algae", "Producer", "Primary").
    course_words = _course_words(
        course, [node.label for node in analysis.nodes] + [edge.label for edge in analysis.edges]
        + [block.text for block in analysis.text_blocks],
    )
    redacted = redact_texts([analysis.description or describe(analysis), model_description, *lines],
                            kind=ContentKind.LEARNER, course=course, where="image", keep_terms=course_words)
    return _ImageReading(
        analysis=analysis,
        description=redacted[0].text,
        model_description=redacted[1].text,
        lines=[result.text for result in redacted[2:]],
        matched_diagram=_matching_course_diagram(analysis, image=bytes(image), course=course),
    )


_LABEL_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_LABEL_WORDS = 60


def _course_words(course: Course, labels: Sequence[str]) -> set[str]:
    """The words of a photo's labels that the course's own diagrams or indexed materials contain."""
    words = {word.casefold() for label in labels if label for word in _LABEL_WORD.findall(label)}
    if not words:
        return set()
    known: set[str] = set()
    for title, nodes in DiagramGraph.objects.filter(material__course=course).values_list("title", "nodes"):
        texts = [title, *(node.get("label", "") for node in nodes or [] if isinstance(node, dict))]
        known.update(word.casefold() for text in texts if text for word in _LABEL_WORD.findall(text))
    found = words & known
    for word in sorted(words - known)[:MAX_LABEL_WORDS]:
        if Chunk.objects.filter(course_id=course.pk, text__iregex=rf"\m{re.escape(word)}\M").exists():
            found.add(word)
    return found


def _looks_like_svg(data: bytes | bytearray) -> bool:
    head = bytes(data[:512]).lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in bytes(data[:4096]).lower())


def _matching_course_diagram(analysis: DiagramAnalysis, *, image: bytes, course: Course) -> DiagramGraph | None:
    """The course diagram the upload shows: by CLIP similarity when configured, else by shared labels."""
    diagrams = list(DiagramGraph.objects.filter(material__course=course).order_by("pk"))
    if not diagrams:
        return None
    embedder = get_image_embedder()
    if embedder is not None:
        similarity = embedder.similarity(image, [d.description or d.title for d in diagrams])
        best = int(similarity.argmax())
        return diagrams[best] if similarity[best] >= MIN_IMAGE_TEXT_SIMILARITY else None
    uploaded = {_normal(node.label) for node in analysis.nodes}
    if not uploaded:
        return None
    scored = [(len(uploaded & {_normal(node["label"]) for node in d.nodes}) / len(uploaded), d) for d in diagrams]
    share, best = max(scored, key=lambda pair: pair[0])
    return best if share >= MIN_LABEL_MATCH else None


def _normal(label: str) -> str:
    return " ".join(label.lower().split())


def _retrieve(*, learner: AbstractBaseUser, course: Course, question: str, reading: _ImageReading | None) -> list:
    """Relevant hits only: an unrelated question must end in "not found", not in the nearest chunk."""
    query = question
    if reading is not None:  # the diagram's words help find the lesson that explains it
        query = f"{question} {reading.analysis.title} " + " ".join(node.label for node in reading.analysis.nodes)
    try:
        hits = search(user=learner, course=course, query=query[:2000], k=RETRIEVE_K).hits
    except ValueError as error:
        raise ExplainError(str(error)) from None
    return [hit for hit in hits if _relevant(hit)]


def _relevant(hit: SearchHit) -> bool:
    distance = hit.scores.get("vector_distance")
    return hit.scores.get("fts_rank") is not None or (distance is not None and distance <= MAX_VECTOR_DISTANCE)


def _about_the_course(question: str, sources: Sequence[_Source], *, course: Course) -> bool:
    """The passages hold most of what the question is about, and the course holds nearly every word of it."""
    if not answered_by(question, [source.text for source in sources]):
        return False
    words = key_words(question)
    return course_holds(words, words_in_course(course=course, words=words))


def _sources(hits: Sequence[SearchHit], reading: _ImageReading | None) -> list[_Source]:
    """Top passages, the matched course diagram first (the learner is asking about it)."""
    chosen: list[SearchHit | Chunk] = []
    if reading is not None and reading.matched_diagram is not None:
        chosen.extend(Chunk.objects.filter(diagram=reading.matched_diagram).select_related("material")[:1])
    seen = {item.pk for item in chosen}
    chosen.extend(hit for hit in hits if hit.chunk_id not in seen)
    return [_source(number, item) for number, item in enumerate(chosen[:MAX_SOURCES], start=1)]


def _source(number: int, item: SearchHit | Chunk) -> _Source:
    if isinstance(item, Chunk):
        citation = {"chunk_id": item.pk, "material_id": item.material_id, "material_title": item.material.title,
                    "modality": item.modality, "heading": item.heading, "page": item.page,
                    "region": item.region, "diagram_id": item.diagram_id}
        return _Source(number, item.text, citation, item.diagram_id)
    citation = {"chunk_id": item.chunk_id, "material_id": item.material_id, "material_title": item.material_title,
                "modality": item.modality, "heading": item.heading, "page": item.page,
                "region": item.region, "diagram_id": item.diagram_id}
    return _Source(number, item.text, citation, item.diagram_id)


def _learner_context(
    profile: LearnerProfile, *, learner: AbstractBaseUser, course: Course, hits: Sequence[SearchHit]
) -> LearnerContext:
    """The profile as the prompt needs it, with the not-yet-mastered objectives these sources teach first."""
    p_known = mastery_by_objective(learner=learner, course=course)
    open_ids = [objective_id for objective_id, p in p_known.items() if p < MASTERED]
    relevant = {objective_id for hit in hits for objective_id in hit.objective_ids}
    open_ids.sort(key=lambda objective_id: objective_id not in relevant)
    titles = dict(LearningObjective.objects.filter(pk__in=open_ids[:2]).values_list("pk", "title"))
    needs = set(profile.accessibility_needs or [])
    return LearnerContext(
        grade=profile.grade_level,
        reading_level=profile.reading_level,
        language=profile.language or "en",
        screen_reader=LearnerProfile.Accessibility.SCREEN_READER in needs,
        dyslexia=LearnerProfile.Accessibility.DYSLEXIA in needs,
        objectives_to_learn=tuple(titles[pk] for pk in open_ids[:2] if pk in titles),
    )


def _diagram_lines(reading: _ImageReading | None) -> list[str]:
    if reading is None:
        return []
    return reading.lines or [f"Diagram: {reading.description}"]


def _generator():
    try:
        return get_generator()
    except ModelUnavailableError as error:
        raise ExplainError(str(error)) from None


def _options() -> GenerationSettings:
    return GenerationSettings(max_new_tokens=settings.GLOSSA["MAX_NEW_TOKENS"])


@contextmanager
def _model_failures() -> Iterator[None]:
    """Turn a model failure during generation into a readable ExplainError (type logged, never text)."""
    try:
        yield
    except GeneratorBusyError as error:
        raise ExplainBusyError(str(error)) from None
    except ModelUnavailableError as error:
        logger.warning("explanation model failed: %s", type(error.__cause__ or error).__name__)
        raise ExplainError(str(error)) from None


def _restored(pieces: Iterator[str], *, learner: AbstractBaseUser, conversation_id: uuid.UUID) -> Iterator[str]:
    """Stream pieces with placeholders restored for the owner; holds back a "<PERSON_1>" until it is complete."""
    pending = ""
    for piece in pieces:
        pending += piece
        opened = pending.rfind("<")
        if opened != -1 and ">" not in pending[opened:] and len(pending) - opened < 24:
            continue
        yield _reidentified(pending, learner=learner, conversation_id=conversation_id)
        pending = ""
    if pending:
        yield _reidentified(pending, learner=learner, conversation_id=conversation_id)


def _reidentified(text: str, *, learner: AbstractBaseUser, conversation_id: uuid.UUID) -> str:
    if "<" not in text:
        return text
    return reidentify(text, owner=learner, conversation_id=conversation_id, requesting_user=learner)


# --- Grounding and composition -----------------------------------------------------------------
def _grounded_answer(
    generated: str, *, question: str, sources: Sequence[_Source], reading: _ImageReading | None,
    context: LearnerContext,
) -> tuple[str, list[dict], dict]:
    """Keep supported sentences with citation marks; quote the sources instead when none is supported,
    or when what is left reads far above a young reader's level."""
    grounding_sources = _grounding_sources(sources, reading)
    embedder = get_embedder()
    verdicts = check_grounding(split_sentences(generated), grounding_sources, embedder=embedder, question=question)
    supported = sum(verdict.supported for verdict in verdicts)
    mode = settings.GLOSSA.get("UNSUPPORTED_SENTENCES", "remove")
    summary = {
        "status": "grounded" if supported else "extractive",
        "mode": mode,
        "sentences": len(verdicts),
        "supported": supported,
        "rate": round(supported / len(verdicts), 3) if verdicts else None,
        "verdicts": [verdict.to_dict() for verdict in verdicts],
    }
    names = proper_nouns(source.text for source in grounding_sources)
    if not supported:
        quoted = _extractive(question, sources, embedder, reading_level=context.reading_level)
        return (*_written(quoted, sources, context, mode, names=names, intro=QUOTED_INTRO), summary)
    verdicts = [*_answering_statement(question, sources, embedder, verdicts), *verdicts]
    detail = _further_detail(question, sources, embedder, verdicts, context=context)
    summary["statements_added"] = len(detail)
    text, citations = _written([*verdicts, *detail], sources, context, mode, names=names)
    if reading_band(context.reading_level).name == "simple" and _grade(text) > context.reading_level + GRADE_MARGIN:
        # The model wrote above a young reader's level and splitting did not fix it: the easiest
        # relevant statements of the sources serve them better.
        quoted = _extractive(question, sources, embedder, reading_level=context.reading_level)
        easier, easier_citations = _written(quoted, sources, context, mode, names=names, intro=QUOTED_INTRO)
        if quoted and _grade(easier) < _grade(text):
            summary.update(status="extractive", fallback="too hard for the reader")
            return easier, easier_citations, summary
    return text, citations, summary


def _grounding_sources(sources: Sequence[_Source], reading: _ImageReading | None) -> list[GroundingSource]:
    grounding_sources = [GroundingSource(source.number, source.text) for source in sources]
    if reading is not None:
        grounding_sources.append(GroundingSource(0, "\n".join([reading.description, *reading.lines])))
    return grounding_sources


class _CheckedSentences:
    """What a student may see while the model writes: each sentence once it passes the grounding check.

    The check here is the word-overlap and facts test (the meaning test needs every source sentence
    encoded again); a sentence it keeps is kept by the full check too. The finished answer, composed
    from the full check, replaces these sentences when it is ready.
    """

    def __init__(self, sources: list[GroundingSource], *, question: str, clock: _Clock) -> None:
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
    verdicts: Sequence[SentenceVerdict], sources: Sequence[_Source], context: LearnerContext, mode: str, *,
    names: frozenset[str], intro: str = "",
) -> tuple[str, list[dict]]:
    """The answer's text and its citations, numbered in the order the text cites them."""
    numbering = _Citations(sources)
    body = _composed(verdicts, numbering, context, mode, names=names)
    return (f"{intro} {body}" if intro else body), numbering.citations


def _grade(text: str) -> float:
    """Flesch-Kincaid grade of an answer, without its citation marks."""
    return fk_grade(" ".join(split_sentences(text)))


class _Citations:
    """Numbers sources in the order the answer first cites them: [1], [2], ..."""

    def __init__(self, sources: Sequence[_Source]) -> None:
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
    verdicts: Sequence[SentenceVerdict], numbering: _Citations, context: LearnerContext, mode: str, *,
    names: frozenset[str],
) -> str:
    """The answer in the learner's style; a marked unsupported sentence is never joined to supported ones."""
    parts: list[str] = []
    run: list[str] = []
    for verdict in verdicts:
        part = _compose(verdict, numbering, context, mode)
        if verdict.supported:
            run.append(part)
        elif part:  # a marked sentence stays apart; a removed one leaves nothing to keep apart
            parts += condensed(run, reading_level=context.reading_level, names=names)
            parts.append(part)
            run = []
    parts += condensed(run, reading_level=context.reading_level, names=names)
    return " ".join(parts)


def _compose(verdict: SentenceVerdict, numbering: _Citations, context: LearnerContext, mode: str) -> str:
    if not verdict.supported:
        return verdict.sentence + UNSUPPORTED_MARK if mode == "mark" and content_terms(verdict.sentence) else ""
    pieces = tailor_sentence(verdict.sentence, reading_level=context.reading_level)
    last = pieces[-1]
    end = last[-1] if last[-1:] in ".!?" else "."
    pieces[-1] = last.rstrip(".!?") + numbering.mark(verdict.source) + end
    return " ".join(pieces)


def _ranked_statements(question: str, sources: Sequence[_Source], embedder) -> list[tuple[int, SentenceVerdict]]:
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


def _rank(question: str, sources: Sequence[_Source], embedder) -> list[tuple[int, SentenceVerdict]]:
    asked = read_question(question)
    candidates = [(source.number, statement) for source in sources
                  if asked.kind == "diagram" or source.diagram_id is None
                  for statement in _statements(source.text)]
    if not candidates:
        return []
    vectors = embedder.encode([question] + [sentence for _, sentence in candidates])
    scores = [float(score) + answer_bonus(sentence, asked)
              for score, (_, sentence) in zip(vectors[1:] @ vectors[0], candidates, strict=True)]
    return [(i, SentenceVerdict(candidates[i][1], True, candidates[i][0], 1.0, round(scores[i], 3)))
            for i in sorted(range(len(candidates)), key=lambda i: -scores[i])]


_ANAPHOR = re.compile(r"^(?:This|These|That|Those|It|They|Such|Here)\b")


def _statements(text: str) -> list[str]:
    """The whole statements of a source; one that leans on the sentence before ("This is called
    condensation.") comes with it, since alone it says nothing."""
    sentences = split_sentences(text)
    statements = []
    for index, sentence in enumerate(sentences):
        if index and _ANAPHOR.match(sentence) and _is_statement(sentences[index - 1]):
            sentence = f"{sentences[index - 1]} {sentence}"
        if _is_statement(sentence):
            statements.append(sentence)
    return statements


def _answering_statement(question: str, sources: Sequence[_Source], embedder,
                         verdicts: Sequence[SentenceVerdict]) -> list[SentenceVerdict]:
    """The source statement that answers a definition, why or how question, when the answer does not say it yet."""
    asked = read_question(question)
    if asked.kind not in ("definition", "why", "how"):
        return []
    ranked = _ranked_statements(question, sources, embedder)
    if not ranked or not answer_bonus(ranked[0][1].sentence, asked):
        return []
    statement = ranked[0][1]
    said = content_terms(" ".join(verdict.sentence for verdict in verdicts if verdict.supported))
    terms = content_terms(statement.sentence)
    return [] if terms and len(terms & said) / len(terms) >= NEW_STATEMENT_MAX_OVERLAP else [statement]


def _extractive(
    question: str, sources: Sequence[_Source], embedder, *, reading_level: float
) -> list[SentenceVerdict]:
    """Source sentences that answer the question, chosen for the learner's reading band.

    Only whole statements count (not questions from "check your understanding" sections, headings
    or sentences cut by chunking). A simple-band reader gets the one that answers best and the easier
    of the next two (easier but off-topic sentences further down would not answer the question),
    others all three, in reading order.
    """
    relevant = _ranked_statements(question, sources, embedder)[:EXTRACTIVE_SENTENCES]
    if reading_band(reading_level).name == "simple":  # the answering statement, then the easier of the others
        relevant = relevant[:1] + sorted(relevant[1:], key=lambda ranked: fk_grade(ranked[1].sentence))[:1]
    return [verdict for _, verdict in sorted(relevant, key=lambda ranked: ranked[0])]


def _further_detail(
    question: str, sources: Sequence[_Source], embedder, verdicts: Sequence[SentenceVerdict], *,
    context: LearnerContext,
) -> list[SentenceVerdict]:
    """For an advanced reader given a short answer: the most relevant source statements it does not say yet.

    Such a reader can take more depth than a 135M model writes; the added statements are quoted
    from the sources, so they are supported by construction.
    """
    said = [verdict.sentence for verdict in verdicts if verdict.supported]
    missing = ADVANCED_MIN_STATEMENTS - len(said)
    if reading_band(context.reading_level).name != "advanced" or missing <= 0:
        return []
    said_terms = content_terms(" ".join(said))
    detail = []
    for _, statement in _ranked_statements(question, sources, embedder)[:EXTRACTIVE_SENTENCES + len(said)]:
        terms = content_terms(statement.sentence)
        if terms and len(terms & said_terms) / len(terms) < NEW_STATEMENT_MAX_OVERLAP:
            detail.append(statement)
            said_terms |= terms
        if len(detail) == missing:
            break
    return detail


def _is_statement(sentence: str) -> bool:
    """A whole statement: not a heading or title, a question, an exercise or a piece cut off by chunking."""
    words = sentence.split()
    return (len(words) >= 5 and sentence[0].isupper() and sentence.endswith((".", "!"))
            and sum(word[0].islower() for word in words) >= 3 and words[0].lower() not in EXERCISE_VERBS)


def _diagram_descriptions(sources: Sequence[_Source], reading: _ImageReading | None) -> str:
    """Full descriptions of every diagram the answer drew on, for learners using a screen reader."""
    descriptions = []
    if reading is not None:
        descriptions.append(reading.description)
    diagram_ids = [source.diagram_id for source in sources if source.diagram_id]
    graphs = DiagramGraph.objects.filter(pk__in=diagram_ids).values_list("title", "description")
    descriptions.extend(description or title for title, description in graphs)
    return "".join(f"\n\nDiagram description: {text}" for text in dict.fromkeys(descriptions) if text)


# --- Storage -----------------------------------------------------------------------------------
def _store(
    *, learner: AbstractBaseUser, course: Course, conversation_id: uuid.UUID, question_redacted: str,
    text_redacted: str, citations: list[dict], grounding: dict, diagram: dict | None, clock: _Clock,
    model_name: str, store: bool, removed_from_question: dict[str, int] | None = None,
) -> Explanation:
    clock.timings["total"] = round(clock.since_start(), 4)
    interaction_id = None
    if store:
        interaction_id = _record_interaction(
            learner=learner, course=course, conversation_id=conversation_id, question_redacted=question_redacted,
            answer_redacted=text_redacted, citations=citations, grounding=grounding, timings=clock.timings,
            model_name=model_name,
        )
    return Explanation(
        text=reidentify(text_redacted, owner=learner, conversation_id=conversation_id, requesting_user=learner),
        text_redacted=text_redacted,
        citations=citations,
        grounding=grounding,
        diagram=diagram,
        timings=clock.timings,
        interaction_id=interaction_id,
        conversation_id=str(conversation_id),
        removed_from_question=dict(removed_from_question or {}),
    )


@transaction.atomic
def _record_interaction(
    *, learner: AbstractBaseUser, course: Course, conversation_id: uuid.UUID, question_redacted: str,
    answer_redacted: str, citations: list[dict], grounding: dict, timings: dict, model_name: str,
) -> int:
    interaction = Interaction.objects.create(
        learner=learner, course=course, conversation_id=conversation_id, question_redacted=question_redacted,
        answer_redacted=answer_redacted, citations=citations, grounding=grounding, timings=timings,
        model_name=model_name[:200],
    )
    return interaction.pk
