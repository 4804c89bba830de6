"""Presidio recognizers configured for schools.

Presidio's defaults miss what schools hold (student IDs, dates of birth, addresses, a learner's
"I live in ...") and flag what they should not (NHS numbers on US phones); these recognizers
close the gap. Every regex is compiled once, when the recognizer is built.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from privacy.addresses import StreetAddressRecognizer


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


class AnyDomainEmailRecognizer(LocalRecognizer):
    """Emails on any syntactically valid domain: school intranets use ``.local`` and ``.internal``.

    Presidio's recognizer keeps only domains on the public-suffix list, so ``j.doe@stmarys.local``
    stayed in the text. Here a domain is valid when it has at least two labels (letters, digits,
    inner hyphens) and ends in a letter label.
    """

    REGEX = re.compile(
        r"(?<![\w.%+'-])(?:[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*)@"
        r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_](?:[\w-]{0,61}[^\W_])?(?![\w-]|\.[^\W_])"
    )
    SCORE = 1.0

    def __init__(self) -> None:
        super().__init__(supported_entities=["EMAIL_ADDRESS"], name="EmailRecognizer", context=[])

    def load(self) -> None:
        """Nothing to load: the pattern is compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        if "@" not in text:
            return []
        return [make_result(self, "EMAIL_ADDRESS", m.start(), m.end(), self.SCORE) for m in self.REGEX.finditer(text)]


class SchoolPhoneRecognizer(PhoneRecognizer):
    """Phones in US and international formats; texts with too few digits are skipped cheaply."""

    # Canada shares the US (NANP) numbering plan, so "US" covers it.
    REGIONS = ("US", "GB", "IN", "DE", "FR", "AU", "BR")
    MIN_DIGITS = 7
    MAX_RUN = 40  # the longest written phone number ("+44 (0) 20 7946 0958 ext. 1234" is shorter)
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
        r"|\d{3}-\d{2}-\d{4}"  # a US social security number
    )

    def __init__(self) -> None:
        super().__init__(supported_regions=self.REGIONS)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        results = []
        # libphonenumber scans the text once per region: give it only the digit runs that could be phones.
        for run in self.CANDIDATE_RUN.finditer(text):
            if len(run.group()) > self.MAX_RUN:
                continue  # a table of numbers, not a phone: libphonenumber would try it in every region
            digits = _digits(run.group())
            if digits < self.MIN_DIGITS or self.NOT_A_PHONE.fullmatch(run.group()):
                continue
            if not run.group().startswith("+") and (
                digits < self.MIN_NATIONAL_DIGITS  # what the matcher found would be dropped below anyway
                or (run.start() > 0 and text[run.start() - 1].isalpha())  # part of an ID: "S14195792", "PX-1555"
            ):
                continue
            if self.LOCAL_NUMBER.fullmatch(run.group().rstrip(" .-/")):
                continue  # North-American shape: taken below without asking libphonenumber (the slow part)
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
    # A cheap search that must succeed before ``regex`` is run (long texts without the cue skip it).
    requires: re.Pattern[str] | None = None


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
            if pattern.requires is not None and not pattern.requires.search(text):
                continue
            for match in pattern.regex.finditer(text):
                start, end = match.span("value")
                if end > start:
                    results.append(make_result(self, entity, start, end, pattern.score))
        return results


_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    # Spanish, German, French, Italian month names (a learner writes the date as at home).
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|octubre|noviembre|diciembre"
    r"|j[äa]nner|januar|februar|m[äa]rz|mai|juni|juli|oktober|dezember"
    r"|janvier|f[ée]vrier|mars|avril|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre"
    r"|gennaio|febbraio|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|dicembre)(?![^\W\d_])\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|\.|º|°|er)?"
_YEAR_PART = r"(?:,?\s+(?:de(?:l)?\s+)?(?:\d{4}|'\d{2}))"
DATE_REGEX = (
    r"(?:\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})"  # 03/14/2011, 14.03.11, 3. 5. 2013
    r"|\d{4}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{1,2}"  # 2011-03-14
    rf"|{_MONTHS}\s+(?:the\s+)?{_DAY}{_YEAR_PART}?"  # March 14(th)(, 2011)
    rf"|(?:the\s+)?{_DAY}\s*(?:of\s+|de\s+|-)?{_MONTHS}(?:\s*-\s*\d{{2,4}}|{_YEAR_PART})?"  # 14(th) (of) March (2011)
    rf"|{_MONTHS}{_YEAR_PART})"  # March 2011
)
_BIRTH_CUE = (
    r"(?:\bborn|\bbirth\s*(?:day|date)|\bb-?day|\bdate\s+of\s+birth|\bd\.?\s?o\.?\s?b\.?|\bgeb(?:oren|\.)|"
    r"\bgeburts(?:tag|datum)|\bnacid[oa]|\bnac[íi](?!\w)|\bvine\s+al\s+mundo|\bfecha\s+de\s+nacimiento|\bcumplea[ñn]os|\bn[ée]e?\b|"
    r"\bdate\s+de\s+naissance|\banniversaire|\bnat[oa]\b|\bdata\s+di\s+nascita|\bcompleanno|\bf\.\s?nac\.?)"
)
_BIRTH_FILLER = (
    r"(?:\s*[:\-=]?\s*(?:is|was|on|in|am|el|le|il|falls\s+on|'s|s|ist|est|es|è|of\s+birth|"
    r"date|day|de|a|à|à\s+la|de\s+la)\b)*"
)


def date_of_birth_recognizer() -> GroupPatternRecognizer:
    """A date is a date of birth when a birth cue ("born on", "DOB:", "geboren am") precedes it."""
    regex = re.compile(
        rf"{_BIRTH_CUE}\w*{_BIRTH_FILLER}\s*[:\-=]?\s*(?P<value>{DATE_REGEX})(?!\d)", re.IGNORECASE
    )
    # German and Romance word order puts the cue after the date: "ich bin am 3.5.2013 geboren".
    cue_after = r"(?:geboren|born|nacid[oa]|n[ée]e?|nat[oa])\b"
    after = re.compile(rf"(?<![\d.])(?P<value>{DATE_REGEX})\s+{cue_after}", re.I)
    return GroupPatternRecognizer(
        entity="DATE_OF_BIRTH",
        patterns=[GroupPattern(regex, 0.9, re.compile(_BIRTH_CUE, re.I)),
                  GroupPattern(after, 0.9, re.compile(rf"\d\s+{cue_after}|[a-z.]\s+{cue_after}", re.I))],
        name="DateOfBirthRecognizer",
    )


# After a phone cue any run of digits that could be a phone goes, even one libphonenumber calls invalid
# (a typo, a reserved range, one digit too many): "call me on 555-01234", "tel 0664 12 345".
_PHONE_CUE = (
    r"(?:\b(?:tele?phone|phone|ph|tel|t[ée]l|mobile|mob|cell(?:phone)?|cel|cell\s+phone|landline|whats\s?app|"
    r"handy|telefon|tel[ée]fono|m[óo]vil|celular|cellulare|telefonino|portable|n[úu]mero|num[ée]ro|"
    r"ll[áa]ma(?:me|nos)|m[áa]ndame\s+un\s+(?:mensaje|whats(?:app)?)|escr[íi]beme|appelle[sz]?[-\s]moi|"
    r"t[ée]l[ée]phone[sz]?[-\s]moi|ruf(?:\s+mich)?(?:\s+an)?|anrufen|chiamami|scrivimi)\b\.?"
    r"|\b(?:call|ring|text|phone|sms|message|reach|contact)(?:\s+(?:me|us|him|her|them|my\s+\w+|mum|mom|dad))?"
    r"(?:\s+(?:on|at|using))?"
    r"|\b(?:my|his|her|their|our|your)\s+(?:\w+\s+)?number|['’]s\s+number)"
)
_PHONE_RUN = r"(?P<value>\+?\s?\(?\d[\d\s().\-/]{3,22}\d\)?)"
_PHONE_CUE_FILLER = (
    r"(?:\s*(?:is|was|=|:|#|no\.?|nr\.?|number|num|ist|est|es|è|al|au|a|unter|an|on|at|mi|mon|ma|mein|"
    r"\(?[a-z]{2,6}\)?\s*:)\s*|\s+|[:\-.,]\s*){1,4}"
)


class PhoneCueRecognizer(GroupPatternRecognizer):
    """Phone-like digits after a phone cue, whatever libphonenumber says about them."""

    MIN_DIGITS, MAX_DIGITS = 5, 16
    NOT_A_PHONE = SchoolPhoneRecognizer.NOT_A_PHONE

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        results = []
        for result in super().analyze(text, entities, nlp_artifacts):
            value = text[result.start : result.end].rstrip(" -./")
            result.end = result.start + len(value)
            if self.MIN_DIGITS <= _digits(value) <= self.MAX_DIGITS and not self.NOT_A_PHONE.fullmatch(value):
                results.append(result)
        return results


def phone_cue_recognizer() -> PhoneCueRecognizer:
    regex = re.compile(rf"{_PHONE_CUE}{_PHONE_CUE_FILLER}{_PHONE_RUN}(?![\d])", re.IGNORECASE)
    return PhoneCueRecognizer(entity="PHONE_NUMBER", patterns=[GroupPattern(regex, 0.8)], name="PhoneCueRecognizer")


# Whatever a school's ID looks like, after "student ID" it is one: letters, digits and separators with a digit.
_ID_CUE = (
    r"(?:\b(?:student|learner|pupil|candidate|admission|enrol?ment|registration|roll|exam|school|matriculation|"
    r"library|class|sch[üu]ler|alumno|[ée]l[èe]ve|studente|alunno)[\s\-]*(?:id(?:entifier|entification)?|"
    r"no\.?|nr\.?|num(?:ber|ero|éro)?\.?|n[º°o]\.?|#|code|card|ausweis|nummer|matricule|matricola)"
    r"|\bn[úu]mero\s+de\s+(?:alumn[oa]|estudiante|matr[íi]cula|control|cuenta|boleta|expediente)"
    r"|\bnum[ée]ro\s+(?:d['’]\s*)?(?:[ée]l[èe]ve|[ée]tudiant|ine|matricule)|\bidentifiant(?:\s+(?:[ée]l[èe]ve|[ée]tudiant))?"
    r"|\bsch[üu]ler(?:nummer|-?id|ausweis(?:nummer)?)|\bnumero\s+di\s+matricola|\bcodice\s+(?:studente|alunno)"
    r"|\bid(?:\s*(?:no\.?|number|num|nr|code|card|#))?|\bmatr[ií]cula|\bmatricola|\bmatricule|\bmatrikel(?:nummer)?|"
    r"\bupn|\buci|\buln|\bcandidate|\broll)\b\.?"
)
_ID_FILLER = r"(?:\s*(?:is|was|=|:|#|-|no\.?|ist|est|es|è|lautet|number|of)\s*|\s+){1,3}"
_ID_VALUE = r"(?P<value>(?=[A-Za-z0-9\-/.]*\d)[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+|\s\d+(?=\s|$|[,.;!?)]))*)"


def student_id_cue_recognizer() -> GroupPatternRecognizer:
    """A token of letters, digits and separators after "student ID", "ID", "matricula", ... is a STUDENT_ID."""
    regex = re.compile(rf"{_ID_CUE}{_ID_FILLER}{_ID_VALUE}(?![\w-])", re.IGNORECASE)
    return GroupPatternRecognizer(
        entity="STUDENT_ID", patterns=[GroupPattern(regex, 0.85)], name="StudentIdCueRecognizer"
    )


_NOTE_NAME = r"[A-ZÀ-Ý][\w'’\-]+"
_HONORIFIC = (
    r"(?i:mr|mrs|ms|miss|mx|dr|prof|professor|herr|frau|mme|mlle|sig(?:\.ra|ra)?|sr|sra|srta|dott(?:\.ssa|ssa)?)"
)
_NOTE_CUE = (
    r"(?i:\b(?:contact|prepared\s+by|compiled\s+by|questions\s+to|per\s+domande|kontakt|contacter|"
    r"send\s+[\w\s]{0,30}?\s+to))"
)


def teacher_note_name_recognizer() -> GroupPatternRecognizer:
    """Names in a teacher's note that NER misses: after an honorific ("Contact Dr Little", "prof. Armani")
    or a contact cue ("Prepared by Florentina Schmied"). In course text they are judged like NER names."""
    honorific = re.compile(rf"\b{_HONORIFIC}\.?[ \t]+(?P<value>{_NOTE_NAME}(?:[ \t]+{_NOTE_NAME})?)")
    cue = re.compile(
        rf"{_NOTE_CUE}[ \t]*:?[ \t]+(?:{_HONORIFIC}\.?[ \t]+)?(?P<value>{_NOTE_NAME}(?:[ \t]+{_NOTE_NAME}){{0,2}})"
    )
    return GroupPatternRecognizer(
        entity="PERSON", patterns=[GroupPattern(honorific, 0.6), GroupPattern(cue, 0.6)],
        name="TeacherNoteNameRecognizer",
    )


def street_address_recognizer() -> StreetAddressRecognizer:
    """Street addresses in the formats of the US, UK, Canada, Spain/Latin America, DACH, France, Italy, India."""
    return StreetAddressRecognizer()


# A place named right after a personal cue: one to three words, any casing, up to punctuation.
_PLACE = (
    r"(?P<value>[A-Za-z][\w'-]*(?:[ \-](?!(?:and|but|with|since|for|because|when|now|too|so|to|in|on|at)\b)"
    r"[A-Za-z][\w'-]*){0,2})"
)
_PERSONAL_PLACE_CUES = (
    r"\b(?:i|we|he|she|they|my\s+\w+|our\s+\w+)\s+(?:live|lives|lived|living|moved|move|stay|stays|grew\s+up)"
    # "the" before a personal place needs a capital after it: "moved to the Bronx", not "stay in the gut lumen"
    r"\s+(?:in|to|at)\s+(?:the\s+(?=(?-i:[A-Z])))?(?!the\s)",
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
    """Everything a course roster holds about its people: names (PERSON), emails, student IDs.

    Any casing and spacing: names match with any whitespace or a hyphen between their words and with
    or without accents; emails in any casing; IDs with or without their separators ("S-2569-6679",
    "s 2569 6679", "S25696679").
    """

    def __init__(self, names: Iterable[str], *, emails: Iterable[str] = (), student_ids: Iterable[str] = ()) -> None:
        self.regexes: list[tuple[str, re.Pattern[str]]] = []
        name_forms = {form for name in names for form in _name_variants(name) if len(form) >= 2}
        if name_forms:
            alternation = "|".join(_name_regex(name) for name in sorted(name_forms, key=len, reverse=True))
            self.regexes.append(("PERSON", re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)))
        email_forms = {email.strip() for email in emails if "@" in email}
        if email_forms:
            alternation = "|".join(re.escape(email) for email in sorted(email_forms, key=len, reverse=True))
            self.regexes.append(("EMAIL_ADDRESS", re.compile(rf"(?<![\w.+-])(?:{alternation})(?![\w-])", re.I)))
        id_forms = {compact_id(value) for value in student_ids if len(compact_id(value)) >= 3}
        if id_forms:
            alternation = "|".join(_id_regex(value) for value in sorted(id_forms, key=len, reverse=True))
            self.regexes.append(("STUDENT_ID", re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)))
        entities = sorted({entity for entity, _ in self.regexes}) or ["PERSON"]
        super().__init__(supported_entities=entities, name="RosterRecognizer", context=[])

    def load(self) -> None:
        """Nothing to load: the roster is compiled in ``__init__``."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        return [
            make_result(self, entity, match.start(), match.end(), 1.0)
            for entity, regex in self.regexes
            for match in regex.finditer(text)
        ]


class ErasedRosterRecognizer(LocalRecognizer):
    """People erased from a course, recognised by keyed hashes of their identifiers (never clear text).

    Candidate spans of the text (runs of one to four words, emails, ID-like tokens) are normalised
    like the identifiers were at erasure, hashed with the same key and looked up.
    """

    MAX_WORDS = 4
    _WORDS = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
    _EMAILS = AnyDomainEmailRecognizer.REGEX
    _IDS = re.compile(r"(?<![\w-])(?=[A-Za-z0-9\-/. ]*\d)[A-Za-z0-9]+(?:[-/. ][A-Za-z0-9]+){0,4}(?![\w-])")
    ENTITY_OF_KIND = {"name": "PERSON", "email": "EMAIL_ADDRESS", "id": "STUDENT_ID"}

    def __init__(self, digests: Mapping[str, str], digest: Callable[[str, str], str]) -> None:
        self.digests = dict(digests)  # digest -> kind
        self.digest = digest
        super().__init__(supported_entities=["PERSON", "EMAIL_ADDRESS", "STUDENT_ID"], name="ErasedRosterRecognizer",
                         context=[])

    def load(self) -> None:
        """Nothing to load: the digests are read from the database by the course's rules."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None) -> list[RecognizerResult]:
        if not self.digests:
            return []
        results = []
        words = list(self._WORDS.finditer(text))
        for index in range(len(words)):
            for size in range(1, self.MAX_WORDS + 1):
                last = index + size - 1
                if last >= len(words):
                    break
                if size > 1 and text[words[last - 1].end() : words[last].start()].strip(" \t\n-,"):
                    break  # the words of one name are separated by spaces (or a hyphen) only
                start, end = words[index].start(), words[last].end()
                self._look_up("name", text[start:end], start, end, results)
        for match in self._EMAILS.finditer(text):
            self._look_up("email", match.group(), match.start(), match.end(), results)
        for match in self._IDS.finditer(text):
            tokens = list(re.finditer(r"\S+", match.group()))
            for first in range(len(tokens)):  # every run of tokens: "ID S 2569 6679" holds "S 2569 6679"
                for last in range(first, len(tokens)):
                    start, end = match.start() + tokens[first].start(), match.start() + tokens[last].end()
                    self._look_up("id", text[start:end], start, end, results)
        return results

    def _look_up(self, kind: str, value: str, start: int, end: int, results: list[RecognizerResult]) -> None:
        if self.digests.get(self.digest(kind, value)) == kind:
            results.append(make_result(self, self.ENTITY_OF_KIND[kind], start, end, 1.0))


def normalize_identifier(kind: str, value: str) -> str:
    """The form an identifier is hashed in: names without accents, case or extra spaces; IDs without separators."""
    if kind == "id":
        return compact_id(value)
    if kind == "email":
        return value.strip().casefold()
    return " ".join(_strip_accents(value).replace("-", " ").replace("’", "'").split()).casefold()


def compact_id(value: str) -> str:
    return re.sub(r"[\W_]+", "", value).casefold()


def _strip_accents(value: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def _name_variants(name: str) -> set[str]:
    name = " ".join(name.split())
    return {name, _strip_accents(name)} if name else set()


def _name_regex(name: str) -> str:
    return r"[\s\-]+".join(re.escape(part) for part in re.split(r"[\s\-]+", name))


def _id_regex(compact: str) -> str:
    return r"[\s\-/.]?".join(re.escape(char) for char in compact)


def roster_names(people: Iterable[tuple[str, str]]) -> list[str]:
    """Every form a person on a roster is written in: full name, "last, first", first alone, last alone,
    and each part of a double-barrelled name ("García López", "Jean-Luc")."""
    names: list[str] = []
    for first, last in people:
        first, last = (first or "").strip(), (last or "").strip()
        names.extend(part for part in (f"{first} {last}".strip(), first, last) if part)
        if first and last:
            names.extend([f"{last}, {first}", f"{last} {first}"])
        for part in (first, last):
            pieces = re.split(r"[\s\-]+", part)
            if len(pieces) > 1:
                names.extend(piece for piece in pieces if len(piece) >= 3 and piece.casefold() not in _PARTICLES)
    return names


_PARTICLES = {"van", "von", "der", "den", "del", "della", "de", "di", "da", "dos", "das", "les", "la", "le", "bin",
              "ibn"}


def split_full_name(full_name: str) -> tuple[str, str]:
    parts = full_name.split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]) if len(parts) > 1 else parts[0], parts[-1] if len(parts) > 1 else ""


_IP_LIKE = re.compile(r"\d\.\d|[0-9A-Fa-f]:[0-9A-Fa-f]*:")
_URL_LIKE = re.compile(r"[^\W_]\.[^\W\d_]{2}|://|\bwww\b", re.IGNORECASE)


def only_if(recognizer: EntityRecognizer, needed: Callable[[str], object]) -> EntityRecognizer:
    """The recognizer, skipped for texts that cannot hold what it finds: its regexes cost more than the check."""
    analyze = recognizer.analyze

    def analyze_if_needed(text: str, entities: list[str], nlp_artifacts: NlpArtifacts = None, **kwargs):
        return analyze(text, entities, nlp_artifacts, **kwargs) if needed(text) else []

    recognizer.analyze = analyze_if_needed
    return recognizer


def base_recognizers(student_id_patterns: Iterable[str]) -> list[EntityRecognizer]:
    """The process-wide recognizers (not course-specific) added to the spaCy NER recognizer."""
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IpRecognizer,
        UrlRecognizer,
        UsSsnRecognizer,
    )

    return [
        AnyDomainEmailRecognizer(),
        SchoolPhoneRecognizer(),
        only_if(phone_cue_recognizer(), lambda text: _digits(text) >= PhoneCueRecognizer.MIN_DIGITS),
        only_if(student_id_cue_recognizer(), lambda text: any(char.isdigit() for char in text)),
        only_if(CreditCardRecognizer(), lambda text: _digits(text) >= 12),
        only_if(IpRecognizer(), _IP_LIKE.search),
        only_if(UrlRecognizer(), _URL_LIKE.search),
        only_if(UsSsnRecognizer(), lambda text: _digits(text) >= 9),
        StudentIdRecognizer(student_id_patterns, name="SchoolStudentIdRecognizer"),
        street_address_recognizer(),
        teacher_note_name_recognizer(),
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

    def whole_names(self, results: list[RecognizerResult], nlp_artifacts: NlpArtifacts) -> list[RecognizerResult]:
        """Grows each person span over the name words right next to it, written in the same case.

        spaCy often takes half a name ("ESPERANZA DIMITROV" -> "DIMITROV", "dmitri jankowski" -> "jankowski");
        a neighbouring word that is a known first name or no English word belongs to the name.
        """
        doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
        if doc is None:
            return results
        names = first_names()
        for result in results:
            if result.entity_type != "PERSON":
                continue
            span = doc.char_span(result.start, result.end, alignment_mode="expand")
            if span is None:
                continue
            start, end = span.start, span.end
            while start > 0 and self._name_word(doc[start - 1], span[0], names):
                start -= 1
            while end < len(doc) and self._name_word(doc[end], span[-1], names):
                end += 1
            result.start, result.end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        return results

    def _name_word(self, token, neighbour, names: frozenset[str]) -> bool:
        if (
            not token.is_alpha or len(token) < 2 or token.is_stop or token.pos_ in _FUNCTION_POS
            or token.tag_ in ("VBD", "VBN", "VBZ", "VBG")
        ):
            return False  # an unknown name may be tagged ADJ, ADV or a bare VERB, never an inflected verb ("said")
        same_case = (token.is_upper == neighbour.is_upper) and (token.is_lower == neighbour.is_lower)
        known_word = token.lower_ in self.english_words or token.lemma_.lower() in self.english_words
        return same_case and (token.lower_ in names or not known_word)

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
        if (
            token.is_title and token.pos_ == "PROPN" and len(token) >= 3 and not known_word
            and not token.is_sent_start and token.ent_type_ in ("", "PERSON", "ORG")
        ):
            return True  # "like Vikram did": a proper noun mid-sentence that no English word nor other entity is
        # Casing is lost ("aiyana", "KOFI"): a noun that is no English word is most likely a name.
        return (
            (token.is_lower or token.is_upper)
            and len(token) >= 3
            and token.pos_ in _NAME_POS
            and not known_word
            and not (len(token) >= 6 and _WORD_ENDINGS.search(token.lower_))
        )
