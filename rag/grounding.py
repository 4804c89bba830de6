"""Is each generated sentence supported by a cited source or by the diagram?

A sentence is supported by the single source that best covers it: at least ``MIN_OVERLAP`` of
its content words (Porter stems, stopwords removed) occur in two neighbouring sentences of that source,
or it is close in meaning (MiniLM cosine >= ``MIN_SIMILARITY``) to one sentence of the source while still sharing
``MIN_OVERLAP_WITH_SIMILARITY`` of its words (meaning alone would accept fluent inventions).
Sentences with fewer than two content words ("Great question!", "The condition is.") say nothing and are
dropped as filler.

The words are counted in two neighbouring sentences of a source, not in the whole passage: a passage may
hold every word of "The hepatic vein carries bile from the liver to the gallbladder" in sentences about
different things, and a true claim restates one statement or two that follow each other.

On top of that overlap, a sentence must not add facts (``unsupported_facts``): every number (with its
unit, or the thing it counts: "5 electrodes" is not "10 electrodes") and every name in it must be in the
source it cites, a number no more often than the source says it, its key terms must not stand in the reverse
order of the source sentence they come from ("the aorta pumps blood into the left ventricle"), its subject
may not be given what the source says of something else ("The hepatic vein is a duct that carries bile",
spliced from two true sentences: ``_spliced``), and a
sentence that names an answer ("The answer is: Producers") needs a source sentence that says the answer
together with what the question asks ("what eats the water flea?": a sentence with "eat" and "water flea").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache

import numpy as np
from nltk.stem.porter import PorterStemmer
from spacy.lang.en.stop_words import STOP_WORDS

MIN_OVERLAP = 0.5
MIN_SIMILARITY = 0.72
MIN_OVERLAP_WITH_SIMILARITY = 0.25
MIN_TERMS = 2  # "The condition is." says nothing a source could support

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[<]?[A-Z0-9])|\n+")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+")
_CITATION_MARK = re.compile(r"\s*\[\d+\]")
_stemmer = PorterStemmer()


@dataclass(frozen=True)
class GroundingSource:
    """A text that may support sentences: a retrieved passage or a diagram's structure."""

    number: int
    text: str


@dataclass(frozen=True)
class SentenceVerdict:
    sentence: str
    supported: bool
    source: int | None  # number of the supporting (or closest) source
    overlap: float
    similarity: float
    unsupported: tuple[str, ...] = ()  # facts of the sentence its closest source does not state

    def to_dict(self) -> dict:
        return asdict(self)


def split_sentences(text: str) -> list[str]:
    """Sentences and list items, without bullets or citation marks the model may have copied."""
    pieces = (_BULLET.sub("", piece) for piece in _SENTENCE_END.split(text))
    return [cleaned for piece in pieces if (cleaned := _CITATION_MARK.sub("", piece).strip(" \t\"'"))]


def complete_sentences(text: str) -> tuple[list[str], str]:
    """The whole sentences at the start of text still being written, and the unfinished rest.

    A sentence is whole once the next one has begun (a full stop may belong to "e.g." or "2.5").
    """
    ends = list(_SENTENCE_END.finditer(text))
    if not ends:
        return [], text
    return split_sentences(text[: ends[-1].start()]), text[ends[-1].end() :]


@cache
def _stem(word: str) -> str:
    return _stemmer.stem(word)


def content_terms(text: str) -> set[str]:
    words = (word.lower().strip("'-") for word in _WORD.findall(text))
    return {_stem(word) for word in words if len(word) > 1 and word not in STOP_WORDS}


def _windows(text: str) -> list[set[str]]:
    """The content terms of each pair of neighbouring sentences of a source (of its one sentence if alone)."""
    known = [content_terms(sentence) for sentence in split_sentences(text)] or [content_terms(text)]
    return [known[i] | (known[i + 1] if i + 1 < len(known) else set()) for i in range(len(known))]


def _overlap(terms: set[str], source_terms: set[str]) -> float:
    return len(terms & source_terms) / len(terms) if terms else 0.0


def check_grounding(
    sentences: Sequence[str], sources: Sequence[GroundingSource], embedder=None, *, question: str = ""
) -> list[SentenceVerdict]:
    """One verdict per sentence; ``embedder`` (``rag.embeddings.get_embedder()``) adds the meaning test.

    ``question`` lets a sentence that names an answer be checked against what was asked.
    """
    source_windows = [_windows(source.text) for source in sources]
    similarity = _similarities(sentences, sources, embedder) if embedder is not None and sources else None
    verdicts = []
    for index, sentence in enumerate(sentences):
        terms = content_terms(sentence)
        overlaps = [max((_overlap(terms, window) for window in windows), default=0.0) for windows in source_windows]
        meanings = similarity[index] if similarity is not None else [0.0] * len(sources)
        best, best_key = None, (-1.0, -1.0)
        for position, (overlap, meaning) in enumerate(zip(overlaps, meanings, strict=True)):
            supported = overlap >= MIN_OVERLAP or (
                meaning >= MIN_SIMILARITY and overlap >= MIN_OVERLAP_WITH_SIMILARITY
            )
            key = (float(supported), overlap + meaning)
            if key > best_key:
                best, best_key = position, key
        facts = unsupported_facts(sentence, sources[best].text, question=question) if best is not None else ()
        verdicts.append(
            SentenceVerdict(
                sentence=sentence,
                supported=len(terms) >= MIN_TERMS and best_key[0] == 1.0 and not facts,
                source=sources[best].number if best is not None else None,
                overlap=round(overlaps[best], 3) if best is not None else 0.0,
                similarity=round(float(meanings[best]), 3) if best is not None else 0.0,
                unsupported=tuple(facts),
            )
        )
    return verdicts


# --- Facts a sentence may not add -------------------------------------------------------------
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6,
    "billion": 10**9, "once": 1, "twice": 2, "half": 0.5, "dozen": 12, "single": 1, "double": 2, "triple": 3,
}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+(?:[.,]\d+)*|%|°")
_ANSWER_NAMED = re.compile(
    r"^\s*(?:so\s*,?\s*)?(?:the\s+)?(?:correct\s+|right\s+)?answer\s+is\s*:?\s*(?P<answer>.+?)\W*$", re.IGNORECASE
)
_QUESTION_WORDS = frozenset({"what", "which", "who", "whom", "whose", "why", "how", "when", "where", "does", "do",
                             "did", "is", "are", "was", "were", "can", "could", "would", "should", "mean", "meant"})


def _numbers(text: str) -> list[tuple[float, frozenset[str], str]]:
    """Each number of a text (digits or words) with its units (the unit words among the next three words) and,
    without a unit, the thing it counts (the next word, stemmed; "" if none)."""
    tokens = _TOKEN.findall(text)
    found = []
    for position, token in enumerate(tokens):
        lower = token.lower()
        if (value := _number_value(token)) is None:
            continue
        following = [word.lower() for word in tokens[position + 1 : position + 4]]
        units = frozenset(_stem(word) for word in following if _is_unit(_stem(word)))
        after = tokens[position + 1] if position + 1 < len(tokens) else ""
        if not token[0].isdigit() and not (units or (lower != "one" and after.isalpha() and after.lower()
                                                     not in STOP_WORDS)):
            continue  # "one of the chambers", "once", "half of them": no count the source must state
        counts_a_thing = not units and after.isalpha() and after.islower() and after not in STOP_WORDS
        found.append((value, units, _stem(after) if counts_a_thing else ""))  # "10 electrodes", not "1628 William"
    return found


def _counts(value: float, counted: str, source: str) -> bool:
    """The source gives ``value`` of ``counted``: the number with the thing within its next three words."""
    tokens = _TOKEN.findall(source)
    return any(_number_value(token) == value and counted in {_stem(word.lower()) for word in tokens[i + 1 : i + 4]}
               for i, token in enumerate(tokens))


def _number_value(token: str) -> float | None:
    if token[0].isdigit():
        try:
            return float(token.replace(",", ""))
        except ValueError:
            return None
    word_value = _NUMBER_WORDS.get(token.lower())
    return None if word_value is None else float(word_value)


def _names(sentence: str) -> set[str]:
    """Capitalised words and acronyms inside a sentence (not its first word): the names it states."""
    words = _WORD.findall(sentence)
    return {
        word.lower() for position, word in enumerate(words)
        if position > 0 and word[:1].isupper() and word.lower() not in STOP_WORDS and word != "I"
    }


def unsupported_facts(sentence: str, source: str, *, question: str = "") -> list[str]:
    """The numbers, units, names, relations and named answers of ``sentence`` that ``source`` does not state."""
    missing: list[str] = []
    source_numbers = _numbers(source)
    stated = Counter(known for known, _, _ in source_numbers)
    source_tokens = [_stem(token.lower()) for token in _TOKEN.findall(source)]
    for value, units, counted in _numbers(sentence):
        same_value = [known_units for known, known_units, _ in source_numbers if known == value]
        if not same_value or stated[value] <= 0:  # "about 10 to 10 percent" from "about 7 to 10 percent"
            missing.append(f"number {value:g}")
        elif units and not any(units <= known_units for known_units in same_value):
            missing.append(f"unit {value:g} {' '.join(sorted(units))}")
        elif counted and counted in source_tokens and not _counts(value, counted, source):
            missing.append(f"count {value:g} {counted}")  # "5 electrodes" where the source has "10 electrodes"
        stated[value] -= 1
    source_words = {word.lower() for word in _WORD.findall(source)}
    source_stems = {_stem(word) for word in source_words}
    for name in sorted(_names(sentence)):
        if name not in source_words and _stem(name) not in source_stems:
            missing.append(f"name {name}")
    named = _ANSWER_NAMED.match(sentence)
    subject = "" if named else _subject_term(sentence)
    if subject and not _said(subject, source_stems):
        missing.append(f"subject {subject}")
    if reversed_relation := _reversed_relation(sentence, source):
        missing.append(f"relation {reversed_relation}")
    elif not named and (splice := _spliced(sentence, source)):
        missing.append(f"relation {splice}")
    if named and question and not _states_answer(named.group("answer"), question, source):
        missing.append(f"answer {named.group('answer')}")
    return missing


_UNITS = frozenset(_stem(unit) for unit in (
    "second", "minute", "hour", "day", "week", "month", "year", "millisecond", "mm", "cm", "m", "km", "meter", "metre",
    "millimeter", "centimeter", "kilometer", "mile", "inch", "foot", "feet", "gram", "kilogram", "kg", "g", "mg",
    "liter", "litre", "ml", "l", "percent", "degree", "mmhg", "hg", "bpm", "beat", "breath", "calorie", "joule",
    "volt", "mv", "watt", "kelvin", "celsius", "fahrenheit", "%", "°", "times", "milliliter", "millilitre",
    "microliter", "nanometer", "micrometer", "micron", "µm", "nm", "mol", "mmol", "gallon", "ounce", "pound", "lb",
    "hertz", "hz", "kcal", "century", "decade",
))


def _subject_term(sentence: str) -> str:
    """The sentence's first content word (its subject, mostly), unless a linking adverb ("Importantly")."""
    for word in _WORD.findall(sentence)[:4]:
        lower = word.lower().strip("'-")
        if len(lower) > 1 and lower not in STOP_WORDS and not lower.endswith("ly") and not lower[0].isdigit():
            return _stem(lower)
    return ""


def _is_unit(unit: str) -> bool:
    return unit in _UNITS


def _ordered_terms(text: str) -> list[str]:
    words = (word.lower().strip("'-") for word in _WORD.findall(text))
    return [_stem(word) for word in words if len(word) > 1 and word not in STOP_WORDS]


_PASSIVE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|gets?|got)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn|t)\b[^.;:]{0,60}?\bby\b", re.I
)


def _reversed_relation(sentence: str, source: str) -> str:
    """Two key terms that traded places against the source sentence holding them, as "a / b" ("" if none).

    "The aorta pumps blood into the left ventricle" from "The left ventricle pumps blood into the aorta":
    the same words, the opposite claim. A term has traded places when the words around it are new (a clause
    moved as a whole keeps its inner neighbours) and another such term stands in the reverse order; or when
    most pairs of terms are reversed. A passive sentence is read in active order first ("X is eaten by Y" as
    "Y ... X"), so "Water fleas eat small fish" from "Water fleas are eaten by small fish" is reversed.
    """
    words = _plain_words(sentence)
    terms = [_stem(word) for word in words if len(word) > 1 and word not in STOP_WORDS]
    if len(terms) < 3:
        return ""
    best: list[str] = []
    for known in split_sentences(source):
        known_words = _plain_words(known)
        known_terms = [_stem(word) if len(word) > 1 and word not in STOP_WORDS else "" for word in known_words]
        shared = [term for term in dict.fromkeys(terms) if term in known_terms]
        if len(shared) > len(best):
            best, best_words, best_terms, best_known = shared, known_words, known_terms, known
    if len(best) < 3:
        return ""
    same_voice = bool(_PASSIVE.search(sentence)) == bool(_PASSIVE.search(best_known))
    if same_voice:
        position = {term: best_terms.index(term) for term in best}
        contexts = {tuple(best_words[i : i + 3]) for i in range(len(best_words) - 2)}
        displaced: list[tuple[str, int]] = []
        for index, word in enumerate(words):
            term = _stem(word) if len(word) > 1 and word not in STOP_WORDS else ""
            if term not in position:
                continue
            sides = [tuple(words[index - 2 : index + 1])] if index > 1 else []
            sides += [tuple(words[index : index + 3])] if index + 2 < len(words) else []
            if sides and not any(side in contexts for side in sides):
                displaced.append((term, index))
        for i, (first, at) in enumerate(displaced):
            for second, later in displaced[i + 1 :]:
                # the signature of a swap: each stands where the other stood, between the other's neighbours
                if position[first] > position[second] and (
                    _neighbours(words, at) & _neighbours(best_words, position[second])
                    or _neighbours(words, later) & _neighbours(best_words, position[first])
                ):
                    return f"{first} / {second}"
        order = [position[term] for term in best]
    else:
        active_sentence, active_known = _active_order(sentence), _active_order(best_known)
        order = [active_known.index(term) for term in dict.fromkeys(active_sentence) if term in active_known]
    pairs = [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]
    if pairs and sum(a > b for a, b in pairs) * 2 > len(pairs):
        return " / ".join(best[:2])
    return ""


_LINKING_VERBS = frozenset({"is", "are", "was", "were", "has", "have", "had", "can", "could", "will", "would",
                            "may", "might", "must", "does", "do", "did", "becomes", "become", "remains", "consists",
                            "contains", "includes", "refers", "means"})


_COPULAS = frozenset({"is", "are", "was", "were"})
# Words that give a thing its name ("is called", "known generically as"); rag.questions reads definitions with them.
NAMING_WORDS = r"called|termed|known(?:\s+\w+ly)?\s+as|named|referred\s+to(?:\s+\w+ly)?\s+as"
_NAMING = re.compile(rf"\b(?:{NAMING_WORDS})\s+(?:(?:the|an?)\s+)?(?:\S+\s+){{0,3}}$", re.IGNORECASE)
# A sentence that leans on the one before ("This is called condensation."); rag.explainer joins such statements.
ANAPHOR = re.compile(r"^(?:It|They|This|These|That|Those|Its|Their|Such|Here)\b")


def _goes_on(following: str, terms: set[str], *, strict: bool) -> bool:
    """The next source sentence is about what the one before was: "It/They ..." or, unless ``strict``, its first
    content word was said before ("The Sun heats water. The water evaporates.")."""
    if re.match(r"(?:It|Its|They|Their)\b", following):
        return True  # "It"/"They" go on about the subject; "These ..." may mean whatever was named last
    lead = next((_stem(word) for word in _plain_words(following) if len(word) > 1 and word not in STOP_WORDS), "")
    return not strict and lead in terms


def _has_as_subject(sentence: str, head: str) -> bool:
    """The term is what the sentence is about: before its first linking verb, or after "called"/"known as"."""
    words = _plain_words(sentence)
    linking = next((index for index, word in enumerate(words) if word in _LINKING_VERBS), len(words))
    for index, word in enumerate(words):
        if _said_exactly(head, {_stem(word)}):
            before = " ".join(words[:index]) + " "
            if index < linking or _NAMING.search(before):
                return True
    return False


def _names_subject(sentence: str, subject: list[str]) -> bool:
    """The sentence names what came before it as the subject: "This is (called) condensation.", "This process
    is known as osmosis." (not "These cells contain a protein called hemoglobin": those cells are the thing)."""
    naming = _NAMED_BY_ANAPHOR.match(sentence)
    return bool(naming) and any(_said_exactly(subject[-1], {_stem(word)})
                                for word in _plain_words(naming.group("name")))


_NAMED_BY_ANAPHOR = re.compile(
    rf"^{ANAPHOR.pattern}(?:\s+\w+)?\s+(?:is|are|was|were)\s+(?:also\s+)?(?:(?:{NAMING_WORDS})\s+)?"
    r"(?P<name>(?:\S+\s+){0,3}\S+)", re.IGNORECASE)


def _split_terms(text: str) -> set[str]:
    """Content terms with compounds split ("dark-staining": "dark", "stain"), as ``_plain_words`` reads them."""
    return {_stem(word) for word in _plain_words(text) if len(word) > 1 and word not in STOP_WORDS}


MIN_PREDICATE_WITH_SUBJECT = 0.5
# A predicate said more fully (by this share of its words) in a sentence without the subject belongs to that one.
PREDICATE_ELSEWHERE_MARGIN = 0.3


def _spliced(sentence: str, source: str) -> str:
    """The subject of one source statement with what another says ("The hepatic vein is a duct that carries
    bile", from "The hepatic vein drains the liver." and "The bile duct carries bile."), as "subject / word".

    The sentence's subject (what comes before its first linking verb, else its leading words) and at least half
    of the rest of its words must stand in one source sentence that is about the subject (X before its linking
    verb, or named: "This is called X"), or in it and the next when the next goes on about it (see ``_goes_on``);
    and no sentence about something else may say that rest much more fully (the predicate's own sentence).
    A definition ("X is a ...", "X is two ...") is stricter: the next sentence counts only when it goes on with
    "It"/"They" and X.
    """
    words = _plain_words(sentence)
    linking = next((index for index, word in enumerate(words[:14]) if word in _LINKING_VERBS), None)
    subject: list[str] = []
    for word in words[:linking]:
        if len(word) > 1 and word not in STOP_WORDS and not word[0].isdigit():
            subject.append(_stem(word))
        elif subject and linking is None:
            break  # no linking verb: the leading noun phrase
    rest = [_stem(word) for word in words if len(word) > 1 and word not in STOP_WORDS and _stem(word) not in subject]
    rest = list(dict.fromkeys(rest))
    if not subject or len(rest) < 2:
        return ""
    known = split_sentences(source)
    # "X is a ...": a definition, which only a sentence that has X as its own subject (or names it) can state.
    after = words[linking + 1] if linking is not None and linking + 1 < len(words) else ""
    defining = bool(after) and words[linking] in _COPULAS and (  # "X is a ...", "X is two ...": what X is
        after in ("a", "an", "the") or _number_value(after) is not None)
    best = elsewhere = 0.0
    for index, candidate in enumerate(known):
        terms = _split_terms(candidate)
        if index + 1 < len(known) and _goes_on(known[index + 1], terms, strict=defining):
            terms |= _split_terms(known[index + 1])
        named = bool(index) and _names_subject(candidate, subject)
        if named:
            terms |= _split_terms(known[index - 1])  # "... turns into drops. This is condensation."
        covered = sum(_said(term, terms) for term in rest) / len(rest)
        if all(_said_exactly(term, terms) for term in subject) and (
                linking is None or named or _has_as_subject(candidate, subject[-1])):
            best = max(best, covered)
        else:
            elsewhere = max(elsewhere, covered)
    # The predicate's own sentence is about something else: a splice, even when the subject's sentence shares
    # some of its words (same topic, same passage).
    if best >= MIN_PREDICATE_WITH_SUBJECT and elsewhere - best < PREDICATE_ELSEWHERE_MARGIN:
        return ""
    return f"{' '.join(subject)} / {next((term for term in rest), '')}"


def _neighbours(words: list[str], index: int) -> set[tuple[str, ...]]:
    """The two words before and the two after a word, each pair marked by its side."""
    left, right = tuple(words[max(0, index - 2) : index]), tuple(words[index + 1 : index + 3])
    found = {("<", *left)} if left else set()
    return found | {(">", *right)} if right else found


def _active_order(sentence: str) -> list[str]:
    """The sentence's terms in active order: for "X is eaten by Y", Y's terms, then X's."""
    passive = _PASSIVE.search(sentence)
    if passive is None:
        return _ordered_terms(sentence)
    return _ordered_terms(sentence[passive.end() :]) + _ordered_terms(sentence[: passive.end()])


def _plain_words(text: str) -> list[str]:
    """Lower-case words, compounds split ("fluid-filled" is "fluid", "filled")."""
    return [part for word in _WORD.findall(text) for part in word.lower().split("-") if part.strip("'")]


def _states_answer(answer: str, question: str, source: str) -> bool:
    """One source sentence holds the answer's words and what the question asks (its verb and its subject)."""
    answer_terms = content_terms(answer)
    asked = {_stem(word) for word in (w.lower() for w in _WORD.findall(question))
             if len(word) > 1 and word not in STOP_WORDS and word not in _QUESTION_WORDS}
    if not answer_terms:
        return False
    for known in split_sentences(source):
        known_terms = content_terms(known)
        if answer_terms <= known_terms and all(_said(term, known_terms | answer_terms) for term in asked):
            return True
    return False


def _said(term: str, terms: set[str]) -> bool:
    """A question's term in a sentence, inflected or not ("eat" in "eaten", which stemming leaves whole)."""
    return term in terms or any(len(term) >= 3 and (known.startswith(term) or term.startswith(known))
                                and min(len(known), len(term)) >= 3 for known in terms)


def _said_exactly(term: str, terms: set[str]) -> bool:
    """Like ``_said``, but only an ending stemming left on counts ("eaten": "eat"); "cyclin" is no "cycle"."""
    return term in terms or any(_inflected(known, term) or _inflected(term, known) for known in terms)


_INFLECTIONS = frozenset({"s", "es", "d", "ed", "n", "en", "ing", "er", "est"})


def _inflected(longer: str, word: str) -> bool:
    """``longer`` is ``word`` with an ending stemming left on."""
    return len(word) >= 3 and longer.startswith(word) and longer[len(word):] in _INFLECTIONS


def _similarities(sentences: Sequence[str], sources: Sequence[GroundingSource], embedder) -> np.ndarray:
    """(sentences x sources): the best cosine between a sentence and any sentence of each source."""
    if not sentences:
        return np.zeros((0, len(sources)))
    source_sentences = [split_sentences(source.text) or [source.text] for source in sources]
    flat = [sentence for group in source_sentences for sentence in group]
    vectors = embedder.encode(list(sentences) + flat)
    generated, known = vectors[: len(sentences)], vectors[len(sentences):]
    cosine = generated @ known.T
    columns, start = [], 0
    for group in source_sentences:
        columns.append(cosine[:, start: start + len(group)].max(axis=1))
        start += len(group)
    return np.stack(columns, axis=1)
