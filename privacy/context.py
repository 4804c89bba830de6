"""Whether a name in course material sits in a personal context (a note about a person) or in the lesson.

Course material is full of names that are the lesson, and most of them are in no allow-list
(Hedy Lamarr, Svalbard). The people a course can leak are known exactly: its roster, which is
always redacted before this module is asked. So course material keeps any other name spaCy finds
unless its context is personal:

- its sentence (or line) holds something else that is being redacted: contact data, an ID, an
  address, a date of birth, a personal place, a roster name ("Kwame and Jo Park: 555-0134");
- for a person, a cue right next to the name: a school role or family tie ("student Jo Park", "my son
  Tom", "Jo's parents", "Jo was absent"), or an honorific in a sentence about school business
  ("Ms. Park moved the quiz", but not "Mr. Darcy insults Elizabeth");
- for a person, school-administration words in the sentence ("absent", "detention", "missed class");
- for a person, being listed with a person judged personal ("students Ana Ruiz and Ben Cole").

Places are only judged by the first rule: "I live in ..." and addresses have recognizers of their own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

# A sentence ends at a line break, or at . ! ? and a space (not after "Ms." or "St."). Notes are often
# written in lower case, so the next sentence need not start with a capital.
_SENTENCE_BREAK = re.compile(
    r"\n|(?<=[.!?])(?<!\bMr\.)(?<!\bMs\.)(?<!\bMx\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)[\"')\]]*\s+(?=\S)"
)
_FAMILY = (
    r"son|daughter|child|kid|brother|sister|mother|father|mom|mum|dad|wife|husband|friend|neighbou?r|"
    r"grand(?:son|daughter|child|ma|pa|mother|father)|niece|nephew|cousin"
)
_HONORIFICS = r"(?:mr|mrs|ms|miss|mx|dr|prof|professor|herr|frau|mme|sig(?:\.ra|ra)?|dott(?:\.ssa|ssa)?)"
# An honorific alone does not make a note: lessons are full of "Mr. Darcy", "Dr. Jekyll" and "Mrs. Dalloway".
_HONORIFIC_BEFORE = re.compile(rf"\b{_HONORIFICS}\.?\s*$", re.IGNORECASE)
# The business of a school, which turns "Mr. Brennan" into a teacher ("permission slips to Mr. Brennan").
_SCHOOL_BUSINESS = re.compile(
    r"\b(?:trips?|quiz(?:zes)?|tests?|exams?|homework|essays?|assignments?|projects?|due|deadlines?|hand\s+in|"
    r"submit|class(?:es|room)?|rooms?|office|lessons?|periods?|assembly|lunch|bus|permission|slips?|forms?|"
    r"meetings?|parents?|guardians?|contact|e-?mail|call|phone|speaker|visit|presentations?|grades?|marks|"
    r"reports?|sign(?:ed)?|bring|collect|staff|teachers?|tutors?|headteacher|principal|coach|club|rehearsal|"
    r"timetable|schedule|questions\s+to|klasse|hausaufgaben?|ausflug|devoirs|classe|sortie|compiti|gita)\b",
    re.IGNORECASE,
)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:contact|(?:prepared|compiled)\s+by|questions\s+to|per\s+domande:?|kontakt:?|send\s+[\w\s]{0,30}?\s+to)"
    r"|\b(?:student|pupil|classmate|learner|parent|guardian|mom|mum|dad)s?"
    rf"|\b(?:my|our|your)\s+(?:{_FAMILY})s?)\s*,?\s*$",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"^(?:(?:'s|’s)\s+(?:mom|mum|dad|mother|father|parents?|guardians?|grades?|homework|report\s+card|attendance|iep)\b"
    r"|,?\s+(?:is|was|were|has\s+been|will\s+be)\s+(?:absent|late|sick|ill|excused|tardy|away)\b"
    r"|\s+(?:missed|skipped|failed)\b"
    r"|\s*,\s*(?:my|our|your)\s+(?:student|pupil|classmate|learner|son|daughter|child)\b)",
    re.IGNORECASE,
)
_SCHOOL_ADMIN = re.compile(
    r"\b(?:absent|absences?|tardy|detention|attendance|excused|iep|report\s+cards?|parent[-\s]teacher|"
    r"missed\s+(?:\w+\s+)?(?:class|school|lessons?|tests?|quiz|exam|homework|deadline|days?))\b",
    re.IGNORECASE,
)
_HONORIFIC_IN_SPAN = re.compile(rf"{_HONORIFICS}\b\.?\s", re.IGNORECASE)  # when NER takes "Ms. Park" whole
_LISTED_WITH = re.compile(r"\s*(?:,|&|and|,\s*and)\s*", re.IGNORECASE)
CUE_WINDOW = 40


class PersonalContext:
    """The sentences of one text and which of them hold evidence of being about a private person."""

    def __init__(self, text: str, *, evidence: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _SENTENCE_BREAK.finditer(text)]
        self.personal = {self._sentence(start) for start, _ in evidence}
        self.last_personal_end = -1

    def _sentence(self, position: int) -> int:
        return bisect.bisect_right(self.starts, position) - 1

    def _sentence_text(self, index: int) -> str:
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index] : end]

    def is_personal(self, entity_type: str, start: int, end: int) -> bool:
        """Ask in text order: a name listed right after a personal one is personal too."""
        personal = self._judge(entity_type, start, end)
        if personal and entity_type == "PERSON":
            self.last_personal_end = end
        return personal

    def _judge(self, entity_type: str, start: int, end: int) -> bool:
        sentence = self._sentence(start)
        if sentence in self.personal:
            return True
        if entity_type != "PERSON":
            return False
        before = self.text[max(0, start - CUE_WINDOW) : start]
        after = self.text[end : end + CUE_WINDOW]
        honorific = _HONORIFIC_IN_SPAN.match(self.text, start, end) or _HONORIFIC_BEFORE.search(before)
        return bool(
            (self.last_personal_end >= 0 and _LISTED_WITH.fullmatch(self.text, self.last_personal_end, start))
            or (honorific and _SCHOOL_BUSINESS.search(self._sentence_text(sentence)))
            or _CUE_BEFORE.search(before)
            or _CUE_AFTER.match(after)
            or _SCHOOL_ADMIN.search(self._sentence_text(sentence))
        )
