"""Deterministic reading-level adjustments that a 135M model cannot be trusted to make itself.

For the "simple" band, sentences are split at clause boundaries and a small glossary swaps hard
words for everyday ones; the other bands keep whole sentences as written (an advanced reader gets more
of them, never a chain joined by semicolons). The explainer applies this after the grounding check, so grounding judges
what the model said.
"""

from __future__ import annotations

import re
from functools import cache

import pyphen

from rag.prompting import reading_band

MAX_SIMPLE_WORDS = 10
# Clause boundaries where a sentence can be cut without changing its meaning.
_CLAUSE_BREAKS = re.compile(
    r",\s+(?:and|but|so|which|while|where|because)\s+|;\s+|\s+-\s+|,\s+(?=(?:this|these|it|they)\s)",
    re.IGNORECASE,
)
_BREAK_STARTS = {"which": "This", "while": "And", "where": "There", "because": "This is because"}
GLOSSARY = {
    "approximately": "about", "utilize": "use", "utilizes": "uses", "however": "but", "therefore": "so",
    "numerous": "many", "consequently": "so", "additionally": "also", "obtain": "get", "obtains": "gets",
    "require": "need", "requires": "needs", "sufficient": "enough", "demonstrate": "show", "demonstrates": "shows",
    "transform": "change", "transforms": "changes", "transformed": "changed", "produce": "make", "produces": "makes",
    "significant": "big", "significantly": "a lot", "essential": "needed", "component": "part",
    "components": "parts", "crucial": "key", "regulate": "control", "regulates": "controls", "eventually": "in the end",
    "various": "many", "typically": "often", "located": "found", "convert": "change", "converts": "changes",
    "converted": "changed", "absorb": "take in", "absorbs": "takes in", "absorbed": "taken in", "release": "let out",
    "releases": "lets out", "released": "let out", "releasing": "letting out", "continuous": "non-stop",
    "continuously": "all the time", "enormous": "huge", "extremely": "very", "moisture": "water",
    "particular": "one", "combination": "mix", "combine": "mix",
    "combines": "mixes", "sufficiently": "enough", "characteristics": "features", "environment": "surroundings",
    "accumulate": "build up", "accumulates": "builds up", "gradually": "slowly", "rapidly": "fast",
    "immediately": "right away", "previously": "before", "assist": "help", "assists": "helps",
    "remain": "stay", "remains": "stays", "contain": "hold", "contains": "holds", "occurs": "happens",
    "occur": "happen", "substance": "material", "substances": "materials", "individual": "single",
}
_GLOSSARY_WORD = re.compile(r"\b(" + "|".join(sorted(GLOSSARY, key=len, reverse=True)) + r")\b", re.IGNORECASE)


_WORDS = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+")
_SENTENCES = re.compile(r"[.!?]+(?:\s|$)")


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    return len(_hyphenator().positions(word.lower())) + 1


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` (0 for empty text).

    Computed here with pyphen syllables: textstat's English path wants NLTK's cmudict, which
    it tries to download at run time (no network here, and nothing may be fetched).
    """
    words = _WORDS.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCES.findall(text.strip() + " ")))
    syllable_count = sum(syllables(word) for word in words)
    return round(0.39 * len(words) / sentences + 11.8 * syllable_count / len(words) - 15.59, 2)


def _swap(match: re.Match) -> str:
    word = match.group(0)
    # IGNORECASE matching is Unicode-aware ("ſ" matches "s"), so a match may not be a key.
    simple = GLOSSARY.get(word.lower())
    if simple is None:
        return word
    return simple[0].upper() + simple[1:] if word[0].isupper() else simple


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def _split(sentence: str) -> list[str]:
    """Cut at clause boundaries, only while the pieces are long; keep the final punctuation."""
    body, end = (sentence[:-1], sentence[-1]) if sentence[-1:] in ".!?" else (sentence, ".")
    if len(body.split()) <= MAX_SIMPLE_WORDS:
        return [body + end]
    pieces, cursor = [], 0
    for match in _CLAUSE_BREAKS.finditer(body):
        head = body[cursor: match.start()].strip()
        if len(head.split()) < 4 or head.split()[0].lower() in _CLAUSE_STARTS:
            continue  # too short to stand alone, or a clause ("When they become too heavy,"): keep it attached
        pieces.append(head)
        joiner = match.group(0).strip(" ,;-").lower()
        cursor = match.end()
        if joiner in _BREAK_STARTS:
            body = body[:cursor] + _BREAK_STARTS[joiner] + " " + body[cursor:]
    pieces.append(body[cursor:].strip())
    pieces = [part for piece in pieces for part in _split_at_commas(piece)]
    return [_capitalised(piece) + "." for piece in pieces[:-1] if piece] + [_capitalised(pieces[-1]) + end]


def _split_at_commas(piece: str) -> list[str]:
    """Last resort for a still-long piece: cut at its first comma when both sides can stand alone.

    Only the first: after a later one the head holds a list or an aside ("Decomposers, such as
    fungi and worms, break down...") and the tail would be a sentence without its subject. A side that
    opens with a preposition, a linking word or an article is a fragment, not a sentence ("Unlike the
    valves,", ", in which nutrients are harvested", ", a cell of the immune system"): no cut then.
    """
    match = re.search(r",\s+", piece)
    if len(piece.split()) <= MAX_SIMPLE_WORDS or match is None:
        return [piece]
    head, tail = piece[: match.start()], piece[match.end():]
    next_item = tail.split(",")[0]  # a short next item means a list: "rain, snow, sleet"
    if (len(head.split()) >= 4 and len(tail.split()) >= 4 and len(next_item.split()) > 3
            and head.split()[0].lower() not in _NOT_A_SENTENCE_START
            and tail.split()[0].lower() not in _NOT_A_SENTENCE_START):
        return [head, *_split_at_commas(tail)]
    return [piece]


# Words that open a phrase or a clause, not a sentence that can stand alone.
_NOT_A_SENTENCE_START = frozenset({
    "a", "an", "the", "unlike", "like", "although", "though", "when", "whenever", "if", "because", "as", "since",
    "while", "after", "before", "during", "in", "on", "at", "for", "with", "without", "by", "from", "to", "of",
    "into", "onto", "through", "between", "among", "within", "under", "over", "above", "below", "which", "who",
    "whom", "whose", "where", "that", "such", "including", "especially", "particularly", "both", "either",
    "neither", "once", "until", "unless", "whereas", "despite", "upon", "via", "along", "across", "around",
})
# A clause that opens this way leans on the next one ("When they become too heavy, they fall"); "The vapour
# rises" stands alone.
_CLAUSE_STARTS = _NOT_A_SENTENCE_START - {"a", "an", "the", "that", "such", "both", "either", "neither"}


def tailor_sentence(sentence: str, *, reading_level: float) -> list[str]:
    """The sentence as the learner's band wants it: split and simplified, or unchanged."""
    if reading_band(reading_level).name != "simple":
        return [sentence]
    return _split(_GLOSSARY_WORD.sub(_swap, sentence))
