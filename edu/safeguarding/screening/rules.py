"""The rule screener: a curated lexicon (data/lexicon.json) with context rules.

Rules, in order: normalise the text (apostrophes, text-speak, spelling variants); blank out idioms
("this homework is killing me"), the course subject's vocabulary ("sexual reproduction" in biology)
and the course's own multi-word terms; then match each category's patterns. A match is dropped when
a negation stands just before it ("I'm not sad"), unless the category's wording already carries the
negation ("I don't want to live"). A message in study context (it names a lesson topic, a story or
a historical event, and no one in the first person) raises no disclosure: "why does Juliet kill
herself" is a literature question. A disclosure about a friend or sibling ("my friend's dad hits
her") is matched again with their words shifted to the first person ("my dad hits me"), for the
disclosure categories only. Patterns marked generic (a bare "suicide", "naked") are dropped
in study context even with first-person words ("I am writing an essay on suicide in Hamlet").
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from edu.safeguarding.screening.base import CATEGORIES, DISCLOSURE_CATEGORIES, Flag, ScreeningContext

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lexicon.json"
NEGATION_WINDOW = 24  # characters before a match searched for a negation
# Study context does not silence these: nobody needs nudes or a bomb recipe for a lesson.
ALWAYS_SCREENED = frozenset({"sexual", "harmful_request"})
QUOTED = re.compile(r"\"[^\"]{3,}\"|“[^”]{3,}”|‘[^’]{3,}’|(?<!\w)'[^']{3,}'(?!\w)")


@dataclass(frozen=True)
class _Rule:
    category: str
    severity: str
    pattern: re.Pattern
    generic: bool
    label: str


@dataclass(frozen=True)
class Lexicon:
    normalise: tuple[tuple[re.Pattern, str], ...]
    idioms: tuple[re.Pattern, ...]
    study_markers: re.Pattern
    first_person: re.Pattern
    negation: re.Pattern
    negation_ok: frozenset[str]
    rules: tuple[_Rule, ...]
    subject_vocabulary: dict[str, tuple[re.Pattern, ...]]
    perspective_cue: re.Pattern | None = None
    perspective_shifts: tuple[tuple[re.Pattern, str], ...] = ()


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for name, value in macros.items():
        pattern = pattern.replace("{" + name + "}", value)
    return pattern


@functools.cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    macros = data.get("macros", {})
    rules = []
    for category, entries in data["categories"].items():
        if category not in CATEGORIES:
            raise ValueError(f"lexicon category {category!r} is not one of {CATEGORIES}")
        for number, entry in enumerate(entries):
            severity, pattern, *marks = entry
            rules.append(_Rule(category, severity, re.compile(_expand(pattern, macros)), "generic" in marks,
                               f"{category}:{number}"))
    return Lexicon(
        normalise=tuple((re.compile(pattern), replacement) for pattern, replacement in data["normalise"]),
        idioms=tuple(re.compile(_expand(pattern, macros)) for pattern in data["idioms"]),
        study_markers=re.compile(data["study_markers"]),
        first_person=re.compile(data["first_person"]),
        negation=re.compile(data["negations"]),
        negation_ok=frozenset(data.get("negation_ok", ())),
        rules=tuple(rules),
        subject_vocabulary={
            subject: tuple(re.compile(pattern) for pattern in patterns)
            for subject, patterns in data.get("subject_vocabulary", {}).items()
        },
        perspective_cue=re.compile(data["perspective"]["cue"]) if "perspective" in data else None,
        perspective_shifts=tuple((re.compile(pattern), replacement)
                                 for pattern, replacement in data.get("perspective", {}).get("shifts", ())),
    )


def normalise(text: str, lexicon: Lexicon) -> str:
    text = text.casefold()
    for pattern, replacement in lexicon.normalise:
        text = pattern.sub(replacement, text)
    return text.strip()


def _blank(text: str, pattern: re.Pattern) -> str:
    # Same length, so positions stay meaningful; a full stop keeps the blanked words from joining.
    return pattern.sub(lambda match: " " * (len(match.group(0)) - 1) + ".", text)


def _subject_key(subject: str) -> str:
    subject = subject.casefold()
    aliases = {"science": "biology", "life science": "biology", "english": "literature", "ict": "computing",
               "computer science": "computing", "social studies": "history"}
    return aliases.get(subject, subject)


class RuleScreener:
    """Curated lexicon + context rules; no model, about a tenth of a millisecond per message."""

    name = "rules"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()

    def prepared(self, text: str, *, context: ScreeningContext) -> str:
        """The text as the patterns see it: normalised, idioms and course vocabulary blanked out."""
        lexicon = self.lexicon
        text = normalise(text, lexicon)
        for idiom in lexicon.idioms:
            text = _blank(text, idiom)
        for subject, patterns in lexicon.subject_vocabulary.items():
            if subject == _subject_key(context.subject) or subject in _subject_key(context.subject):
                for pattern in patterns:
                    text = _blank(text, pattern)
        for term in context.vocabulary:
            term = normalise(term, lexicon)
            if len(term.split()) >= 2:
                text = _blank(text, re.compile(r"\b" + re.escape(term) + r"\b"))
        return text

    def screen(self, text: str, *, context: ScreeningContext) -> list[Flag]:
        lexicon = self.lexicon
        prepared = self.prepared(text, context=context)
        in_study = bool(lexicon.study_markers.search(prepared))
        personal = bool(lexicon.first_person.search(prepared))
        if in_study:  # quoted lines of a story or source are the text's words, not the student's
            prepared = QUOTED.sub(lambda match: " " * len(match.group(0)), prepared)
            personal = bool(lexicon.first_person.search(prepared))
        flags = self._matched(prepared, in_study=in_study, personal=personal)
        if lexicon.perspective_cue is not None and lexicon.perspective_cue.search(prepared):
            shifted = prepared
            for pattern, replacement in lexicon.perspective_shifts:
                shifted = pattern.sub(replacement, shifted)
            flags += [flag for flag in self._matched(shifted, in_study=in_study, personal=True)
                      if flag.category in DISCLOSURE_CATEGORIES and flag.severity != "low"]
        return flags

    def lesson_without_speaker(self, text: str, *, context: ScreeningContext) -> bool:
        """A lesson, story or historical topic in which no one speaks in the first person (quoted
        lines are the text's words): where the rules raise no disclosure, and veto a model's."""
        lexicon = self.lexicon
        prepared = self.prepared(text, context=context)
        if not lexicon.study_markers.search(prepared):
            return False
        prepared = QUOTED.sub(lambda match: " " * len(match.group(0)), prepared)
        if lexicon.first_person.search(prepared):
            return False
        return not (lexicon.perspective_cue is not None and lexicon.perspective_cue.search(prepared))

    def _matched(self, prepared: str, *, in_study: bool, personal: bool) -> list[Flag]:
        lexicon = self.lexicon
        flags = []
        for rule in lexicon.rules:
            if in_study and rule.category not in ALWAYS_SCREENED and (rule.generic or not personal):
                continue
            if in_study and rule.generic:
                continue
            for match in rule.pattern.finditer(prepared):
                checks_negation = rule.category not in lexicon.negation_ok or rule.severity == "low"
                before = prepared[max(0, match.start() - NEGATION_WINDOW):match.start()]
                if checks_negation and lexicon.negation.search(before):
                    continue
                flags.append(Flag(rule.category, rule.severity, source=self.name, evidence=rule.label))
                break
        return flags
