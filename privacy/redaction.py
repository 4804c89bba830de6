"""Detect and replace personal data in texts, by kind of text and course policy.

Learner text loses every person and every non-public place; course material keeps the public
and historical names it teaches about (allow-listed, or found by NER outside a personal context:
see ``privacy.context``). Contact data, IDs, personal places and the course's roster names go
from both. Batches run spaCy once over all texts (``nlp.pipe``) and then the recognizers on the
precomputed artifacts.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from presidio_analyzer import RecognizerResult

from edu.api import Course
from privacy.context import PersonalContext
from privacy.engine import analyze, annotate, learner_name_recognizer, recognizers_for
from privacy.rules import CourseRules
from privacy.vault import keyed_digest

SEGMENT_CHARS = 100_000  # spaCy's own limit is 1,000,000 characters; long texts are cut at line breaks
PIPE_BATCH_SIZE = 64
HISTORICAL_BIRTH_YEARS = 100  # birth dates older than this in course material are history, not a learner's
# Detectors in order of trust when spans overlap: the roster first, exact patterns next, NER last.
PRIORITY = {"RosterRecognizer": 3, "ErasedRosterRecognizer": 3, "SpacyRecognizer": 1}
ROSTER_RECOGNIZERS = frozenset({"RosterRecognizer", "ErasedRosterRecognizer"})
# Names found without knowing who they are: in course text judged by their context (``privacy.context``).
NAME_GUESSERS = frozenset({"SpacyRecognizer", "TeacherNoteNameRecognizer"})
# When spans overlap, the most specific entity names the merged span: an email or a URL holding a
# name is an email or a URL ("anna.q@school.local" is never "<PERSON>.q@...").
SPECIFICITY = {"EMAIL_ADDRESS": 4, "URL": 4, "IP_ADDRESS": 4, "CREDIT_CARD": 3, "US_SSN": 3, "PHONE_NUMBER": 3,
               "STUDENT_ID": 3, "DATE_OF_BIRTH": 2, "STREET_ADDRESS": 2, "PERSON": 1, "LOCATION": 0}
# Names and places that may be kept as words of the course (diagram labels such as "Producer").
VOCABULARY_TYPES = frozenset({"PERSON", "LOCATION"})
_YEAR = re.compile(r"\b(\d{4})\b")
_WORD_BEFORE = re.compile(r"([A-ZÀ-Ý][\w'’\-]*)[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+([A-ZÀ-Ý][\w'’\-]*)")
_JOINERS = "-'’"  # inside a word: double-barrelled names, O'Brien
_TERM_WORDS = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_PERSONAL_URL = re.compile(
    r"(?:facebook|instagram|tiktok|twitter|x|linkedin|snapchat|youtube|twitch|reddit|pinterest|tumblr|medium|"
    r"github|gitlab|soundcloud|discord|threads|mastodon|bsky|wattpad|deviantart)\.[a-z.]+/|/~|/(?:users?|profiles?|"
    r"people|members?|u)/|@|[?&](?:user|name|email|id)=",
    re.IGNORECASE,
)


class ContentKind(enum.StrEnum):
    LEARNER = "learner"
    COURSE = "course"


@dataclass(frozen=True)
class DetectedEntity:
    """Where an entity was found in the input text; the value itself is never kept."""

    type: str
    start: int
    end: int
    score: float

    def to_dict(self) -> dict:
        return {"type": self.type, "start": self.start, "end": self.end, "score": round(self.score, 4)}


@dataclass(frozen=True)
class RedactionResult:
    text: str
    entities: list[DetectedEntity] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(entity.type for entity in self.entities))


@dataclass(frozen=True)
class _Candidate:
    entity: DetectedEntity
    priority: int


def detect(
    texts: Sequence[str],
    *,
    kind: ContentKind,
    rules: CourseRules,
    keep_terms: Iterable[str] = (),
    one_document: bool = False,
) -> list[list[DetectedEntity]]:
    """Entities per text, with offsets into that text, after the kind's and the policy's rules.

    ``keep_terms``: words of the course itself (labels of its diagrams, terms of its materials) that a
    name or place detection must not remove; roster matches are never kept. ``one_document``: the texts
    are parts of one document (a material's sections, headings and labels), so a name removed from one
    part is removed from every part ("By Jo Park" in a heading goes when the body names Jo Park).
    """
    segments = [(index, offset, segment) for index, text in enumerate(texts) for offset, segment in _segments(text)]
    found: list[list[_Candidate]] = [[] for _ in texts]
    artifacts = annotate([segment for _, _, segment in segments], batch_size=PIPE_BATCH_SIZE)
    entities = sorted(rules.entities)
    recognizers = [*rules.recognizers]
    if kind == ContentKind.LEARNER:
        recognizers.append(learner_name_recognizer())
    vocabulary = _vocabulary(keep_terms)
    recognizers = recognizers_for(entities, recognizers)
    for (index, offset, segment), nlp_artifacts in zip(segments, artifacts, strict=True):
        results = analyze(segment, recognizers=recognizers, entities=entities, nlp_artifacts=nlp_artifacts)
        names = learner_name_recognizer()
        if kind == ContentKind.LEARNER:
            results = names.without_common_words(results, nlp_artifacts)
        results = names.whole_names(results, nlp_artifacts)  # "Tomasz <PERSON>" would leave half a name
        if vocabulary:
            results = [result for result in results if not _is_course_word(result, segment, vocabulary)]
        found[index].extend(_keep(results, segment, offset, kind=kind, rules=rules))
    if one_document:
        _spread_names(texts, found)
    return [_whole_words(text, _merge(candidates)) for text, candidates in zip(texts, found, strict=True)]


def _vocabulary(terms: Iterable[str]) -> frozenset[str]:
    return frozenset(word.casefold() for term in terms for word in _TERM_WORDS.findall(term))


def _is_course_word(result: RecognizerResult, text: str, vocabulary: frozenset[str]) -> bool:
    recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    if result.entity_type not in VOCABULARY_TYPES or recognizer in ROSTER_RECOGNIZERS:
        return False
    words = _TERM_WORDS.findall(text[result.start : result.end])
    return bool(words) and all(word.casefold() in vocabulary for word in words)


def _spread_names(texts: Sequence[str], found: list[list[_Candidate]]) -> None:
    """Every name removed somewhere in the document is removed wherever else it is written."""
    names: dict[str, int] = {}
    for text, candidates in zip(texts, found, strict=True):
        for candidate in candidates:
            if candidate.entity.type == "PERSON":
                value = " ".join(text[candidate.entity.start : candidate.entity.end].split())
                if len(value) >= 2:
                    names.setdefault(value.casefold(), candidate.priority)
    if not names:
        return
    alternation = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(names, key=len, reverse=True))
    regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
    for text, candidates in zip(texts, found, strict=True):
        for match in regex.finditer(text):
            entity = DetectedEntity("PERSON", match.start(), match.end(), 1.0)
            candidates.append(_Candidate(entity, names.get(" ".join(match.group().split()).casefold(), 2)))


def _whole_words(text: str, entities: list[DetectedEntity]) -> list[DetectedEntity]:
    """Spans grow to whole words, so no piece of a word is left beside a placeholder ("<STREET_ADDRESS>ston")."""
    grown: list[DetectedEntity] = []
    for entity in entities:
        start, end = entity.start, entity.end
        while start > 0 and text[start].isalnum():
            if text[start - 1].isalnum():
                start -= 1  # "<STREET_ADDRESS>ston" would leave a piece of the word
            elif text[start - 1] in _JOINERS and start > 1 and text[start - 2].isalpha():
                start -= 2  # "Gérard-<PERSON>"
            else:
                break
        while end < len(text) and text[end - 1].isalnum():
            if text[end].isalnum():
                end += 1
            elif text[end] in _JOINERS and end + 1 < len(text) and text[end + 1].isalpha():
                end += 2
            else:
                break
        if grown and start < grown[-1].end:  # growing met the previous span: one span
            previous = grown.pop()
            best = previous if SPECIFICITY.get(previous.type, 2) >= SPECIFICITY.get(entity.type, 2) else entity
            grown.append(DetectedEntity(best.type, previous.start, max(end, previous.end),
                                        max(previous.score, entity.score)))
        else:
            grown.append(DetectedEntity(entity.type, start, end, entity.score))
    return grown


def _segments(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + SEGMENT_CHARS)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def _keep(
    results: list[RecognizerResult], text: str, offset: int, *, kind: ContentKind, rules: CourseRules
) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    course_names: list[RecognizerResult] = []
    for result in results:
        if result.score < rules.threshold(result.entity_type) or result.entity_type not in rules.entities:
            continue
        recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
        if kind == ContentKind.COURSE and recognizer in NAME_GUESSERS:
            course_names.append(result)  # judged below, by what else the text gives away
        elif kind == ContentKind.COURSE and recognizer in ROSTER_RECOGNIZERS and _in_public_name(result, text, rules):
            continue
        elif not _is_public(result, recognizer, text[result.start : result.end], kind=kind, rules=rules):
            candidates.append(_candidate(result, offset, PRIORITY.get(recognizer, 2)))
    if course_names:
        context = PersonalContext(text, evidence=[(c.entity.start - offset, c.entity.end - offset) for c in candidates])
        candidates.extend(
            _candidate(result, offset, PRIORITY["SpacyRecognizer"])
            for result in sorted(course_names, key=lambda r: r.start)
            if not rules.public.is_public_name(text[result.start : result.end])
            and context.is_personal(result.entity_type, result.start, result.end)
        )
    return candidates


def _in_public_name(result: RecognizerResult, text: str, rules: CourseRules) -> bool:
    """A roster first or last name inside a public name the lesson is about: "Frederick" of a pupil in
    "Frederick Douglass", "Holmes" in "Sherlock Holmes", a double first name "Maria Theresa"."""
    if result.entity_type != "PERSON":
        return False
    span = text[result.start : result.end]
    before = _WORD_BEFORE.search(text, max(0, result.start - 40), result.start)
    after = _WORD_AFTER.match(text, result.end)
    forms = [span] if len(span.split()) > 1 else []
    if before:
        forms.append(f"{before.group(1)} {span}")
    if after:
        forms.append(f"{span} {after.group(1)}")
    if before and after:
        forms.append(f"{before.group(1)} {span} {after.group(1)}")
    return any(rules.public.is_public_name(form) and " " in form.strip() for form in forms)


def _candidate(result: RecognizerResult, offset: int, priority: int) -> _Candidate:
    entity = DetectedEntity(result.entity_type, result.start + offset, result.end + offset, result.score)
    return _Candidate(entity, priority)


def _is_public(
    result: RecognizerResult, recognizer: str, span: str, *, kind: ContentKind, rules: CourseRules
) -> bool:
    """True for what stays in the text besides course names: public places named in learner text,
    non-personal URLs, famous addresses and historical birth dates in course text. Roster and pattern matches of people
    are never public."""
    entity = result.entity_type
    if recognizer == "SpacyRecognizer" and entity == "LOCATION":
        return rules.public.is_public_place(span)
    if kind == ContentKind.LEARNER:
        return False
    if entity == "URL":
        return not _PERSONAL_URL.search(span)
    if entity == "STREET_ADDRESS":
        return rules.public.is_public_address(span)
    if entity == "DATE_OF_BIRTH":
        year = _YEAR.search(span)
        return bool(year) and int(year.group(1)) < datetime.date.today().year - HISTORICAL_BIRTH_YEARS
    return False


def _merge(candidates: list[_Candidate]) -> list[DetectedEntity]:
    """Overlapping detections become one span covering all of them, typed by the most specific entity
    and then the most trusted detector, so a partial overlap (roster "Anna" inside NER "Anna Smith")
    never leaves a piece visible and an email holding a name stays an email."""
    merged: list[list[_Candidate]] = []
    for candidate in sorted(candidates, key=lambda c: (c.entity.start, -c.entity.end)):
        if merged and candidate.entity.start < max(c.entity.end for c in merged[-1]):
            merged[-1].append(candidate)
        else:
            merged.append([candidate])
    entities = []
    for group in merged:
        best = max(
            group,
            key=lambda c: (SPECIFICITY.get(c.entity.type, 2), c.priority, c.entity.end - c.entity.start,
                           c.entity.score),
        )
        entities.append(
            DetectedEntity(
                best.entity.type,
                min(c.entity.start for c in group),
                max(c.entity.end for c in group),
                max(c.entity.score for c in group),
            )
        )
    return entities


def placeholder(entity_type: str) -> str:
    return f"<{entity_type}>"


def apply_operators(text: str, entities: list[DetectedEntity], *, rules: CourseRules) -> str:
    """Replace each span by the policy's operator for its type (default: a ``<TYPE>`` placeholder)."""
    operators: dict[str, Callable[[str, str], str]] = {
        "replace": lambda entity_type, value: placeholder(entity_type),
        "mask": lambda entity_type, value: "*" * len(value),
        "hash": lambda entity_type, value: f"<{entity_type}:{keyed_digest(value)}>",
        "remove": lambda entity_type, value: "",
    }
    return replace_spans(
        text, entities, lambda e, value: operators[rules.operator(e.type)](e.type, value)
    )


def replace_spans(text: str, entities: list[DetectedEntity], replacement: Callable[[DetectedEntity, str], str]) -> str:
    pieces = []
    cursor = 0
    for entity in sorted(entities, key=lambda e: e.start):
        pieces.append(text[cursor : entity.start])
        pieces.append(replacement(entity, text[entity.start : entity.end]))
        cursor = entity.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def coerce_kind(kind: ContentKind | str) -> ContentKind:
    try:
        return ContentKind(kind)
    except ValueError:
        raise ValueError(f"kind must be one of {', '.join(k.value for k in ContentKind)}") from None


def check_where(where: str) -> str:
    if not isinstance(where, str) or not where.strip() or len(where) > 32:
        raise ValueError("where must name the boundary (1-32 characters), e.g. 'ingestion' or 'query'")
    return where.strip()


def coerce_course(course: Course | None) -> Course | None:
    if course is not None and not isinstance(course, Course):
        raise TypeError("course must be a Course or None")
    return course
