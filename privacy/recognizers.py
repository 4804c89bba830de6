"""Presidio recognizers configured for schools.

Presidio's defaults miss what schools hold (student IDs, dates of birth, addresses, a learner's
"I live in ...") and flag what they should not (NHS numbers on US phones); these recognizers
close the gap. Every regex is compiled once, when the recognizer is built.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
import tldextract
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

# The public-suffix snapshot bundled with tldextract: never fetched, never cached on disk.
OFFLINE_TLD_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def make_result(recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float) -> RecognizerResult:
    """A result shaped like Presidio's own (with an explanation, which its context enhancer writes to)."""
    return RecognizerResult(
        entity_type=entity,
        start=start,
        end=end,
        score=score,
        analysis_explanation=AnalysisExplanation(
            recognizer=recognizer.name, original_score=score, textual_explanation=f"found by {recognizer.name}"
        ),
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        },
    )


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, validating domains without fetching the suffix list."""

    def validate_result(self, pattern_text: str) -> bool:
        return OFFLINE_TLD_EXTRACT(pattern_text).fqdn != ""


class SchoolPhoneRecognizer(PhoneRecognizer):
    """Phones in US and international formats; texts with too few digits are skipped cheaply."""

    # Canada shares the US (NANP) numbering plan, so "US" covers it.
    REGIONS = ("US", "GB", "AU", "IN", "DE", "FR", "BR")
    MIN_DIGITS = 7
    # Without a country code, fewer than 9 digits is more often a year range ("1642-1727") than a phone.
    MIN_NATIONAL_DIGITS = 9
    # North-American-shaped numbers even when libphonenumber says the area code is not in service, and
    # 7-digit local numbers (555-0134): a learner's phone must go even if it is mistyped.
    LOCAL_NUMBER = re.compile(
        r"(?<![\d\-.+])(?:\+?1[-.\s])?(?:(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]|\d{3}[-.])\d{4}(?![\d-]|\.\d)"
    )
    LOCAL_SCORE = 0.4
    CANDIDATE_RUN = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")
    # Runs that are wholly something else never reach libphonenumber (which would try every region):
    # a dotted quad (IP), a date, a 16-digit card number (no phone has more than 15 digits).
    NOT_A_PHONE = re.compile(
        r"\d{1,3}(?:\.\d{1,3}){3}"
        r"|\d{1,2}([/.\-])\d{1,2}\1(?:\d{4}|\d{2})|\d{4}([/.\-])\d{1,2}\2\d{1,2}"
        r"|\d{4}([ \-]?)\d{4}\3\d{4}\3\d{4}"
    )

    def __init__(self) -> None:
        super().__init__(supported_regions=self.REGIONS)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        results = []
        # libphonenumber scans the text once per region: give it only the digit runs that could be phones.
        for run in self.CANDIDATE_RUN.finditer(text):
            if _digits(run.group()) < self.MIN_DIGITS or self.NOT_A_PHONE.fullmatch(run.group()):
                continue
            # The first region that reads the run as phones wins; a "+" number reads the same in every region.
            regions = self.supported_regions[:1] if run.group().startswith("+") else self.supported_regions
            for region in regions:
                matches = list(phonenumbers.PhoneNumberMatcher(run.group(), region, leniency=self.leniency))
                for match in matches:
                    result = self._get_recognizer_result(match, run.group(), region, nlp_artifacts)
                    result.start += run.start()
                    result.end += run.start()
                    national_digits = _digits(text[result.start : result.end])
                    if text[result.start] == "+" or national_digits >= self.MIN_NATIONAL_DIGITS:
                        results.append(result)
                if matches:
                    break
        covered = [(result.start, result.end) for result in results]
        for match in self.LOCAL_NUMBER.finditer(text):
            if not any(start <= match.start() < end for start, end in covered):
                results.append(make_result(self, "PHONE_NUMBER", match.start(), match.end(), self.LOCAL_SCORE))
        return results


def _digits(value: str) -> int:
    return sum(char.isdigit() for char in value)


@dataclass(frozen=True)
class GroupPattern:
    """A regex whose ``value`` group is the entity; the rest of the match is context only."""

    regex: re.Pattern[str]
    score: float


class GroupPatternRecognizer(LocalRecognizer):
    """Reports the ``value`` group of each match, so cue words ("born on", "I live in") stay."""

    def __init__(self, *, entity: str, patterns: Sequence[GroupPattern], name: str) -> None:
        self.patterns = list(patterns)
        super().__init__(supported_entities=[entity], name=name, context=[])

    def load(self) -> None:
        """Nothing to load: the patterns are compiled in ``__init__``."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        results = []
        for pattern in self.patterns:
            for match in pattern.regex.finditer(text):
                start, end = match.span("value")
                if end > start:
                    results.append(make_result(self, entity, start, end, pattern.score))
        return results


_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
DATE_REGEX = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"  # 03/14/2011, 14.03.11
    r"|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}"  # 2011-03-14
    rf"|{_MONTHS}\s+{_DAY}(?:,?\s+\d{{4}})?"  # March 14(th)(, 2011)
    rf"|(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTHS}(?:,?\s+\d{{4}})?)"  # 14(th) (of) March (2011)
)
_BIRTH_CUE = (
    r"(?:\bborn(?:\s+on)?|\bbirth\s*(?:day|date)(?:\s+is)?(?:\s+on)?|\bb-?day(?:\s+is)?|"
    r"\bdate\s+of\s+birth|\bd\.?o\.?b\.?)"
)


def date_of_birth_recognizer() -> GroupPatternRecognizer:
    """A date is a date of birth when a birth cue ("born on", "DOB:", "my birthday is") precedes it."""
    regex = re.compile(rf"{_BIRTH_CUE}\s*[:\-]?\s*(?:is\s+|was\s+|on\s+)?(?P<value>{DATE_REGEX})(?!\d)", re.IGNORECASE)
    return GroupPatternRecognizer(
        entity="DATE_OF_BIRTH", patterns=[GroupPattern(regex, 0.9)], name="DateOfBirthRecognizer"
    )


_STREET_TYPES = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|"
    r"circle|cir|parkway|pkwy|highway|hwy|close|crescent|square|sq|trail|row)"
)
_UNIT = r"(?:,?\s+(?:apt|apartment|unit|suite|ste|flat|#)\.?\s*#?\s*[\w-]+)?"
_CITY_STATE_ZIP = r"(?:,\s*[A-Za-z][A-Za-z .'-]{1,30}(?:,\s*[A-Za-z]{2})?(?:\s+\d{5}(?:-\d{4})?)?)?"


def street_address_recognizer() -> GroupPatternRecognizer:
    """House number, up to four street words and a street type, then optional unit, city, state, ZIP."""
    regex = re.compile(
        rf"(?P<value>\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Za-z0-9'.-]+\s+){{0,4}}?{_STREET_TYPES}\b\.?{_UNIT}"
        rf"{_CITY_STATE_ZIP})",
        re.IGNORECASE,
    )
    return GroupPatternRecognizer(
        entity="STREET_ADDRESS", patterns=[GroupPattern(regex, 0.85)], name="StreetAddressRecognizer"
    )


# A place named right after a personal cue: one to three words, any casing, up to punctuation.
_PLACE = (
    r"(?P<value>[A-Za-z][\w'-]*(?:[ \-](?!(?:and|but|with|since|for|because|when|now|too|so|to|in|on|at)\b)"
    r"[A-Za-z][\w'-]*){0,2})"
)
_PERSONAL_PLACE_CUES = (
    r"\b(?:i|we|he|she|they|my\s+\w+|our\s+\w+)\s+(?:live|lives|lived|living|moved|move|stay|stays|grew\s+up)"
    r"\s+(?:in|to|at)\s+(?:the\s+)?",
    r"\b(?:i\s+am|i'm|we\s+are|we're|i\s+come|we\s+come|he\s+is|she\s+is|they\s+are)\s+from\s+",
    r"\bmy\s+(?:home\s*town|town|city|village|neighbou?rhood|address)\s+is\s+(?:in\s+)?",
    r"\b(?:my|our)\s+(?:house|home|apartment|flat|family)\s+(?:is\s+)?in\s+",
)


def personal_location_recognizer() -> GroupPatternRecognizer:
    """A place in a personal context ("I live in Springfield") is redacted in every kind of text."""
    # Scored above spaCy's 0.85 so that Presidio's de-duplication keeps this (personal) reading of the span.
    patterns = [GroupPattern(re.compile(cue + _PLACE, re.IGNORECASE), 0.95) for cue in _PERSONAL_PLACE_CUES]
    return GroupPatternRecognizer(entity="LOCATION", patterns=patterns, name="PersonalLocationRecognizer")


class StudentIdRecognizer(PatternRecognizer):
    """Student IDs in the formats a school configures (settings plus a course's policy)."""

    CONTEXT = ["student", "id", "number", "learner"]

    def __init__(self, patterns: Iterable[str], *, name: str = "StudentIdRecognizer") -> None:
        super().__init__(
            supported_entity="STUDENT_ID",
            patterns=[Pattern(f"student id {index}", regex, 0.9) for index, regex in enumerate(patterns)],
            context=self.CONTEXT,
            name=name,
        )


class RosterRecognizer(LocalRecognizer):
    """Names of the people in a course (any casing, first names alone) are always PERSON."""

    def __init__(self, names: Iterable[str]) -> None:
        unique = sorted({name.strip() for name in names if len(name.strip()) >= 2}, key=len, reverse=True)
        alternation = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in unique)
        self.regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE) if unique else None
        super().__init__(supported_entities=["PERSON"], name="RosterRecognizer", context=[])

    def load(self) -> None:
        """Nothing to load: the roster is compiled in ``__init__``."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        if self.regex is None:
            return []
        return [make_result(self, "PERSON", match.start(), match.end(), 1.0) for match in self.regex.finditer(text)]


def roster_names(people: Iterable[tuple[str, str]]) -> list[str]:
    """Every form a person on a roster is written in: full name, first name alone, last name alone."""
    names: list[str] = []
    for first, last in people:
        first, last = (first or "").strip(), (last or "").strip()
        names.extend(part for part in (f"{first} {last}".strip(), first, last) if part)
    return names


def split_full_name(full_name: str) -> tuple[str, str]:
    parts = full_name.split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]) if len(parts) > 1 else parts[0], parts[-1] if len(parts) > 1 else ""


def base_recognizers(student_id_patterns: Iterable[str]) -> list[EntityRecognizer]:
    """The process-wide recognizers (not course-specific) added to the spaCy NER recognizer."""
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IpRecognizer,
        UrlRecognizer,
        UsSsnRecognizer,
    )

    return [
        OfflineEmailRecognizer(),
        SchoolPhoneRecognizer(),
        CreditCardRecognizer(),
        IpRecognizer(),
        UrlRecognizer(),
        UsSsnRecognizer(),
        StudentIdRecognizer(student_id_patterns, name="SchoolStudentIdRecognizer"),
        street_address_recognizer(),
        date_of_birth_recognizer(),
        personal_location_recognizer(),
    ]


FIRST_NAMES_FILE = Path(__file__).parent / "data" / "first_names.txt"
_NOT_NAME_POS = {"VERB", "AUX", "ADJ", "ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART", "NUM", "PUNCT", "INTJ"}
_NAME_POS = {"PROPN", "NOUN", "X"}
_FUNCTION_POS = {"ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART", "AUX", "NUM", "PUNCT"}
# Endings of English nouns that given names do not have: subject words missing from spaCy's
# lemma index ("decomposers", "photosynthesis", "subduction") are not names.
_WORD_ENDINGS = re.compile(r"(?:ers|tions?|sions?|ments?|ness|ity|isms?|ists?|ology|[sy]is|ics|ances?|ences?|ings|ous|"
                           r"ive|able|ible|ful|less|i[sz]e[sd]?)$")
_RELATION_CUE = re.compile(
    r"(?:my|our|his|her|their)\s+(?:best\s+)?(?:friend|brother|sister|cousin|classmate|mom|mum|mother|dad|father|"
    r"teacher|neighbou?r|buddy|uncle|aunt|grandma|grandpa|partner|stepmom|stepdad|tutor|coach)s?\s*,?\s*$"
    r"|(?:named|called|name\s+is|names\s+are|i\s+am|i'm|this\s+is)\s*$",
    re.IGNORECASE,
)


@functools.cache
def first_names() -> frozenset[str]:
    lines = FIRST_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


class LearnerNameRecognizer(LocalRecognizer):
    """Names as learners write them: lower case, first names alone, after "my friend" or "named".

    spaCy's NER misses "my friend jake said"; a first-name list plus the tagger (a name is a noun,
    not a verb or an adjective: "will", "may") and relation cues catch it, and in lower- or
    upper-case text a noun missing from spaCy's English lemma index is taken for a name. Learner text only.
    """

    SCORE = 0.7

    def __init__(self, english_words: frozenset[str]) -> None:
        self.english_words = english_words
        super().__init__(supported_entities=["PERSON"], name="LearnerNameRecognizer", context=[])

    def load(self) -> None:
        """Nothing to load: the name list is read once per process."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        names = first_names()
        doc = nlp_artifacts.tokens
        results = []
        index = 0
        while index < len(doc):
            token = doc[index]
            if self._is_name(token, names, self.english_words, text):
                end = index + 1
                while end < len(doc) and doc[end].is_alpha and doc[end].pos_ in _NAME_POS and not doc[end].is_stop:
                    end += 1  # a surname after the first name ("jake miller")
                results.append(make_result(self, "PERSON", token.idx, doc[end - 1].idx + len(doc[end - 1]), self.SCORE))
                index = end
            else:
                index += 1
        return results

    def without_common_words(
        self, results: list[RecognizerResult], nlp_artifacts: NlpArtifacts
    ) -> list[RecognizerResult]:
        """Drops NER persons that are plain lower-case English words ("what is lava", "earthworm topsoil").

        spaCy's small model tags such nouns in questions as people, and retrieval then loses the query
        words. A span with a known first name stays ("my friend jose"), and roster names are found by
        their own recognizer whatever NER says.
        """
        doc = nlp_artifacts.tokens
        return [result for result in results if not self._is_common_words(result, doc)]

    def _is_common_words(self, result: RecognizerResult, doc) -> bool:
        recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY)
        if recognizer != "SpacyRecognizer" or result.entity_type != "PERSON":
            return False
        span = doc.char_span(result.start, result.end, alignment_mode="expand")
        names = first_names()
        return span is not None and all(
            token.is_lower
            and token.lower_ not in names
            and (token.lower_ in self.english_words or token.lemma_.lower() in self.english_words)
            for token in span
            if not token.is_punct
        )

    @staticmethod
    def _is_name(token, names: frozenset[str], english_words: frozenset[str], text: str) -> bool:
        if not token.is_alpha or len(token) < 2 or token.is_stop or token.pos_ in _FUNCTION_POS:
            return False
        known_word = token.lower_ in english_words or token.lemma_.lower() in english_words
        if _RELATION_CUE.search(text[max(0, token.idx - 40) : token.idx]):
            # After "my friend" / "I am", any tag will do, but "I am confused" is not a name.
            return token.is_title or token.lower_ in names or not known_word
        if token.pos_ in _NOT_NAME_POS:
            return False
        previous = token.nbor(-1) if token.i > 0 else None
        if previous is not None and previous.pos_ == "DET" and previous.lower_ not in {"my", "our", "his", "her"}:
            return False  # "a rose", "the bill"
        if token.lower_ in names:
            return token.is_title or token.pos_ in _NAME_POS
        # Casing is lost ("aiyana", "KOFI"): a noun that is no English word is most likely a name.
        return (
            (token.is_lower or token.is_upper)
            and len(token) >= 3
            and token.pos_ in _NAME_POS
            and not known_word
            and not (len(token) >= 6 and _WORD_ENDINGS.search(token.lower_))
        )
