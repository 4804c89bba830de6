"""Grounded, tailored explanations: redact, retrieve, read the image, prompt, generate, check, cite, store.

Personal data stays out of everything but the owner's screen: the question is pseudonymised
before retrieval and prompting, the model's output is redacted before it is checked or stored,
and placeholders are put back (``reidentify``) only in what the learner who asked is shown.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from edu.api import (
    MASTERED,
    Course,
    LearnerProfile,
    LearningObjective,
    answer_found_too_hard,
    mastery_by_objective,
    record_interaction,
    role_in_course,
)
from edu.safeguarding import api as safeguarding_api
from privacy.api import ContentKind, pseudonymize, redact_text, reidentify
from rag.embeddings import get_embedder
from rag.explainer.composition import (
    CheckedSentences,
    answering_statement,
    closest_statement_similarity,
    grounded_answer,
    grounding_sources,
    statements,
)
from rag.explainer.images import (
    cited_regions,
    diagram_descriptions,
    image_words,
    prompt_diagram_lines,
    read_image,
)
from rag.explainer.types import Clock, ExplainBusyError, ExplainError, Explanation, ImageReading, Source
from rag.generation.backends import GenerationSettings, GeneratorBusyError, ModelUnavailableError, get_generator
from rag.models import Chunk
from rag.prompting import MAX_SOURCES, LearnerContext, PromptSource, build_messages
from rag.questions import Question, defines, names_term, read_question
from rag.relevance import answered_by, course_holds, key_words, not_found_message, question_language
from rag.retrieval import SearchHit, search
from rag.selectors import citation_places, course_words_in, first_passage_naming, words_in_course

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
RETRIEVE_K = 6
# A hit farther than this (cosine distance) that full text did not find either is not about the question.
MAX_VECTOR_DISTANCE = 0.75
NOT_FOUND = not_found_message("en")
# Below this cosine between the question and the passages' closest statement, they are not about the question.
# On a real textbook (#15) 562 of its 565 term questions measured 0.30 or more, about half of the off-course
# questions that reach this check less (Instagram's followers 0.12-0.23, by the passages retrieved).
MIN_STATEMENT_SIMILARITY = 0.25


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
    clock = Clock()
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
        reading = read_image(image, course=course) if image is not None else None
    if reading is not None:  # the words in a photo are the student's words too
        screened = safeguarding_api.screen_student_message(student=learner, course=course, source="image_text",
                                                           text=image_words(reading), grade=profile.grade_level)
        if not screened.answered:
            return _safeguarding_reply(screened, clock=clock, conversation_id=conversation_id)
    clock.lap("image")
    hits = _retrieve(learner=learner, course=course, question=asked, reading=reading)
    parsed = read_question(asked)
    definition = reading is None and parsed.kind == "definition"
    if definition:
        hits = _defining_first(hits, term=parsed.term)
    sources = _sources(hits, reading)
    if definition:
        sources = _with_introduction(sources, term=parsed.term)
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
    if reading is None and not _about_the_course(asked, parsed, sources, course=course):
        return finish(NOT_FOUND, [], {"status": "not_in_sources", "sentences": 0, "supported": 0, "rate": None})

    context = _learner_context(profile, learner=learner, course=course, hits=hits)
    messages = build_messages(
        learner=context, question=asked,
        sources=[PromptSource(source.number, source.text) for source in sources],
        diagram=prompt_diagram_lines(reading),
    )
    # The question is already pseudonymised and the sources were redacted at ingestion; this pass
    # catches what an OCR'd image label or a configured VLM may have added, and is audited.
    messages[1]["content"] = redact_text(messages[1]["content"], kind=ContentKind.COURSE, course=course,
                                         where="prompt").text
    clock.lap("prompt")

    guard = safeguarding_api.AnswerScreen(course=course)  # lets a sentence through once the answer so far passes
    # The source statement that answers a definition, why or how question is shown first: it is the course's
    # own sentence (grounded by construction, screened like any answer) and the composed answer keeps it.
    lead = answering_statement(asked, sources, get_embedder(), [])
    if lead and (shown := guard.feed(f"{lead[0].sentence} ")):
        clock.timings["first_checked_sentence"] = round(clock.since_start(), 4)
        yield _reidentified(shown, learner=learner, conversation_id=conversation_id)
    generator = _generator()
    pieces: list[str] = []
    generation_started = time.perf_counter()
    checked = CheckedSentences(grounding_sources(sources, reading), question=asked, clock=clock)
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
    # After "too hard" on this question, the new answer is written below the one found too hard (not a preview's).
    found_too_hard = answer_found_too_hard(learner=learner, course=course, question_redacted=asked) if store else None
    text_redacted, citations, grounding = grounded_answer(
        generated, question=asked, sources=sources, reading=reading, context=context,
        found_too_hard=found_too_hard,
    )
    citations = cited_regions(citations, question=asked)
    if context.screen_reader:
        text_redacted += diagram_descriptions(sources, reading)
    if not guard.allows(text_redacted):  # a flagged answer is not shown (safeguarding)
        text_redacted, citations = safeguarding_api.ANSWER_WITHHELD, []
        grounding = {**grounding, "status": "withheld"}
    clock.lap("grounding")
    return finish(text_redacted, citations, grounding, model_name=generator.model_name)

def _safeguarding_reply(decision, *, clock: Clock, conversation_id: uuid.UUID) -> Explanation:
    """What the student reads instead of a course answer (supportive, or a refusal); nothing about the
    message is stored here: a disclosure lives in the safeguarding alert, encrypted, for the lead."""
    return Explanation(
        text=decision.reply, text_redacted=decision.reply, citations=[],
        grounding={"status": "safeguarding", "action": decision.action, "sentences": 0, "supported": 0,
                   "rate": None},
        diagram=None, timings=clock.timings, interaction_id=None, conversation_id=str(conversation_id),
    )


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


def _retrieve(*, learner: AbstractBaseUser, course: Course, question: str, reading: ImageReading | None) -> list:
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


def _about_the_course(question: str, asked: Question, sources: Sequence[Source], *, course: Course) -> bool:
    """The passages hold most of what the question is about (the term itself, for a definition), the course holds
    nearly every word of it, and some statement of the passages is about it ("How do I get more followers on
    <PERSON_1>?" shares only "follow")."""
    if not answered_by(question, [source.text for source in sources]):
        return False
    if asked.kind == "definition" and not any(names_term(source.text, asked.term) for source in sources):
        return False  # passages about something else, however close: quoting them would answer another question
    words = key_words(question)
    return course_holds(words, words_in_course(course=course, words=words)) and (
        closest_statement_similarity(question, sources, get_embedder()) >= MIN_STATEMENT_SIMILARITY)


def _sources(hits: Sequence[SearchHit], reading: ImageReading | None) -> list[Source]:
    """Top passages, the matched course diagram first (the learner is asking about it)."""
    chosen: list[SearchHit | Chunk] = []
    if reading is not None and reading.matched_diagram is not None:
        chosen.extend(Chunk.objects.filter(diagram=reading.matched_diagram).select_related("material")[:1])
    seen = {item.pk for item in chosen}
    chosen.extend(hit for hit in hits if hit.chunk_id not in seen)
    return [_source(number, item) for number, item in enumerate(chosen[:MAX_SOURCES], start=1)]


def _defining_first(hits: Sequence[SearchHit], *, term: str) -> list[SearchHit]:
    """For a definition question, the passages with a statement that defines the term, then those with one that
    names it, then the rest, each in retrieval order.

    Only ``MAX_SOURCES`` passages reach the answer, and retrieval ranks by the question's words and meaning, which
    a flattened table listing the term or a passage about a neighbouring term shares as much as the passage that
    says what the term is.
    """
    def order(hit: SearchHit) -> int:
        said = statements(hit.text) if hit.diagram_id is None else []
        if any(defines(statement, term) for statement in said):
            return 0
        return 1 if any(names_term(statement, term) for statement in said) else 2

    return sorted(hits, key=order)


def _with_introduction(sources: list[Source], *, term: str) -> list[Source]:
    """Textbooks define a key term where they first use it: the passage where the best source's material first
    names the asked term joins the sources (second, unless it is one already), marked as introducing it."""
    naming = next((source for source in sources if source.diagram_id is None and names_term(source.text, term)), None)
    if naming is None:
        return sources
    chunk = first_passage_naming(material_id=naming.citation["material_id"],
                                 names=lambda text: any(names_term(statement, term) for statement in statements(text)))
    if chunk is None:
        return sources
    position = next((index for index, source in enumerate(sources) if source.citation["chunk_id"] == chunk.pk), 1)
    chosen = [source for source in sources if source.citation["chunk_id"] != chunk.pk]
    chosen.insert(position, replace(_source(0, chunk), introduces=term))
    return [replace(source, number=number) for number, source in enumerate(chosen[:MAX_SOURCES], start=1)]


def _source(number: int, item: SearchHit | Chunk) -> Source:
    if isinstance(item, Chunk):
        citation = {"chunk_id": item.pk, "material_id": item.material_id, "material_title": item.material.title,
                    "modality": item.modality, "heading": item.heading, "page": item.page,
                    "region": item.region, "diagram_id": item.diagram_id}
        return Source(number, item.text, citation, item.diagram_id)
    citation = {"chunk_id": item.chunk_id, "material_id": item.material_id, "material_title": item.material_title,
                "modality": item.modality, "heading": item.heading, "page": item.page,
                "region": item.region, "diagram_id": item.diagram_id}
    return Source(number, item.text, citation, item.diagram_id)


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

def _store(
    *, learner: AbstractBaseUser, course: Course, conversation_id: uuid.UUID, question_redacted: str,
    text_redacted: str, citations: list[dict], grounding: dict, diagram: dict | None, clock: Clock,
    model_name: str, store: bool, removed_from_question: dict[str, int] | None = None,
) -> Explanation:
    clock.timings["total"] = round(clock.since_start(), 4)
    citations = citation_places(citations)  # each link names its passage and the version it quotes
    interaction_id = None
    if store:
        interaction_id = record_interaction(
            learner=learner, course=course, conversation_id=conversation_id, question_redacted=question_redacted,
            answer_redacted=text_redacted, citations=citations, grounding=grounding, timings=clock.timings,
            model_name=model_name,
        ).pk
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
