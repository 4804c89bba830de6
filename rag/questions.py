"""What a question asks for, and which source statements answer that kind of question.

A definition question ("What is meant by tachycardia?", "What is a ribosome?", "Define osmosis") is
answered by the sentence that defines its term ("Tachycardia is ...", "... is called tachycardia",
"known as tachycardia"); a why question by a sentence that gives a cause about its terms ("because",
"due to", "caused by", "so that", "results in"); a how question by steps ("first", "then", "when").
Embedding similarity alone prefers any sentence that repeats the question's words; the cues below
are grammar, not any book's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.grounding import NAMING_WORDS, content_terms

_DEFINITION = re.compile(
    r"^\s*(?:what\s+(?:is|are|was|were)\s+(?:meant\s+by|the\s+meaning\s+of|an?\s+|the\s+)?|what's\s+(?:an?\s+)?|"
    r"define\s+|definition\s+of\s+|meaning\s+of\s+|what\s+does\s+(?P<term_mean>.+?)\s+mean\b|"
    r"what\s+do\s+(?:we|you)\s+call\s+)(?P<term>.*?)\s*\??\s*$",
    re.IGNORECASE,
)
_WHY = re.compile(r"^\s*(?:why\b|what\s+(?:causes|caused|makes)\b|how\s+come\b)", re.IGNORECASE)
_HOW = re.compile(r"^\s*(?:how\s+(?:does|do|is|are|did|can)\b|what\s+happens\b|describe\s+(?:how|the\s+process))",
                  re.IGNORECASE)
_COMPARE = re.compile(r"\b(?:difference|differ|compare|versus|vs\.?|between)\b", re.IGNORECASE)
_WHERE_WHEN = re.compile(r"^\s*(?:where|when|in\s+which|at\s+what)\b", re.IGNORECASE)
_DIAGRAM = re.compile(r"\b(?:diagram|figure|picture|image|chart|map|label(?:led|ed)?|drawing|photo)\b", re.IGNORECASE)

_CAUSE_CUES = re.compile(r"\b(?:because|due\s+to|caused\s+by|causes?|so\s+that|results?\s+in|leads?\s+to|"
                         r"therefore|thus|since|as\s+a\s+result|in\s+order\s+to|allows?|enables?)\b", re.IGNORECASE)
_PROCESS_CUES = re.compile(r"\b(?:first|then|next|after|before|finally|when|during|begins?|ends?|until|"
                           r"followed\s+by|steps?|stages?|process)\b", re.IGNORECASE)
DEFINITION_BONUS = 0.35
CUE_BONUS = 0.15
NAMING_BONUS = 1.0


@dataclass(frozen=True)
class Question:
    kind: str  # definition, why, how, compare, where_when, diagram, other
    term: str  # what a definition question asks about ("" otherwise)
    terms: frozenset[str]  # its content terms


def read_question(question: str) -> Question:
    text = question.strip()
    if _DIAGRAM.search(text):
        kind = "diagram"
    elif _COMPARE.search(text):
        kind = "compare"
    elif _WHY.match(text):
        kind = "why"
    elif (match := _DEFINITION.match(text)) and len((match.group("term_mean") or match.group("term")).split()) <= 6:
        term = (match.group("term_mean") or match.group("term")).strip(" ?.!\"'")
        return Question("definition", term, frozenset(content_terms(term)))
    elif _HOW.match(text):
        kind = "how"
    elif _WHERE_WHEN.match(text):
        kind = "where_when"
    else:
        kind = "other"
    return Question(kind, "", frozenset(content_terms(text)))


def names_term(text: str, term: str) -> bool:
    """The text uses the term as a whole word (a plural too): "alveoli" is not named by "alveolar". A term asked
    with its abbreviation in brackets is named with or without it ("total lung capacity (TLC)")."""
    return any(re.search(rf"\b{words}(?:e?s)?\b", text, re.IGNORECASE) for words in _forms_of(term))


def _forms_of(term: str) -> list[str]:
    """Patterns for the term as asked and, when it carries an abbreviation in brackets, without it."""
    bare = " ".join(re.sub(r"\([^()]*\)", " ", term).split())
    return [words for words in dict.fromkeys((_words_of(term), _words_of(bare))) if words]


def _words_of(term: str) -> str:
    """A pattern for the term's words with any spacing or punctuation between them ("T wave", "T-wave")."""
    return r"\W+".join(re.escape(word) for word in re.findall(r"[\w'-]+", term))


def defines(sentence: str, term: str) -> bool:
    """The sentence defines ``term``: "T is/are/refers to/means ...", "... is called T", "known as T", "T, or ...",
    "T, which ...", "... is (said to be) T"."""
    return any(_defines(sentence, words) for words in _forms_of(term))


def _defines(sentence: str, words: str) -> bool:
    term_pattern = rf"(?:an?\s+|the\s+)?{words}(?:e?s)?"
    return bool(
        re.search(rf"\b{term_pattern}\b[^.;:]{{0,40}}?\b(?:is|are|was|were|refers?\s+to|means?|describes?|"
                  rf"represents?|consists?\s+of|is\s+defined\s+as)\b", sentence, re.IGNORECASE)
        and re.match(rf"^\W*(?:\w+\W+){{0,6}}?{term_pattern}\b", sentence, re.IGNORECASE)
    ) or bool(
        re.search(rf"\b(?:{NAMING_WORDS})\s+(?:an?\s+|the\s+)?[\"“‘']?{words}", sentence, re.IGNORECASE)
    ) or bool(
        # an abbreviation or another name follows, or a clause that says what it is: "lingual lipase, which ..."
        re.search(rf"\b{words}(?:e?s)?\b\s*(?:\(|[—–-]{{1,2}}\s*or\b|,\s*or\b|,\s*which\b)", sentence, re.IGNORECASE)
    ) or bool(
        # the term as another name of what the sentence names: "the pulmonary semilunar valve, or the pulmonary valve"
        re.search(rf",\s*or\s+(?:an?\s+|the\s+)?{words}\b", sentence, re.IGNORECASE)
    ) or bool(
        # the term as what something is: "A solution ... is said to be hypertonic", "Some proteins are glycoproteins"
        re.search(rf"\b(?:is|are)\s+(?:\w+ly\s+|thus\s+|said\s+to\s+be\s+|considered\s+)?{term_pattern}\b",
                  sentence, re.IGNORECASE)
    )


def answer_bonus(sentence: str, question: Question) -> float:
    """How much more this sentence answers the question than its similarity says."""
    if question.kind == "definition":
        return DEFINITION_BONUS if defines(sentence, question.term) else 0.0
    terms = content_terms(sentence)
    anchored = bool(question.terms & terms)
    if question.kind == "why" and anchored and _CAUSE_CUES.search(sentence):
        return CUE_BONUS
    if question.kind == "how" and anchored and _PROCESS_CUES.search(sentence):
        return CUE_BONUS
    return 0.0


def ranking_bonus(sentence: str, question: Question) -> float:
    """``answer_bonus``, and for a definition question ``NAMING_BONUS`` more for a sentence that names the term: it is
    about the thing asked, as a closer sentence about something else never is ("The nucleolus is ..." for
    "nucleosidase", "active transport refers to ..." for "passive transport"). The bonus is larger than any
    similarity, so sentences that name the term rank first, and their similarity orders them."""
    bonus = answer_bonus(sentence, question)
    if question.kind == "definition" and names_term(sentence, question.term):
        return bonus + NAMING_BONUS
    return bonus
