"""Deterministic reading-level adjustments that a 135M model cannot be trusted to make itself.

For the "simple" band, sentences are split into the clauses that stand alone (read from spaCy's parse) and
a small glossary swaps hard words for everyday ones; the other bands keep whole sentences as written (an
advanced reader gets more of them, never a chain joined by semicolons). The explainer applies this after the
grounding check, so grounding judges what the model said.
"""

from __future__ import annotations

import re
from functools import cache

import pyphen

from rag.prompting import reading_band

MAX_SIMPLE_WORDS = 10
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
    """Cut a long sentence into the clauses that can stand alone; keep the final punctuation."""
    body, end = (sentence[:-1], sentence[-1]) if sentence[-1:] in ".!?" else (sentence, ".")
    pieces = _clauses(body)
    return [_capitalised(piece) + "." for piece in pieces[:-1]] + [_capitalised(pieces[-1]) + end]


def _clauses(text: str) -> list[str]:
    """Independent clauses, read from the sentence's parse, while a piece is longer than ``MAX_SIMPLE_WORDS``.

    Cuts that keep the meaning and the grammar: before a conjunction or a semicolon that joins two verbs each
    with its own subject ("..., and the vapour rises": "The vapour rises."); and a ", which ..." clause becomes a
    sentence of its own that names what it stands for ("glycoproteins, which extend": "Glycoproteins extend";
    "the crown, which is the part above the gum, and the root": "... the crown and the root. The crown is ...").
    An appositive becomes a sentence too ("the macrophage, a cell of the immune system,": "The macrophage is a
    cell of the immune system."). Nothing else is cut: a list, "called X" or a participle ("making the head
    polar") has no subject.
    """
    if len(text.split()) <= MAX_SIMPLE_WORDS:
        return [text]
    doc = _parser()(text)
    for token in doc:
        if pieces := _conjunction_cut(token) or _relative_cut(token) or _aside_cut(token):
            head, tail = pieces
            if len(head.split()) >= 4 and len(tail.split()) >= 3:
                return [*_clauses(head), *_clauses(tail)]
    return [text]


def _conjunction_cut(token) -> tuple[str, str] | None:
    """The two clauses of "X verb ..., and Y verb ..." or "X verb ...; Y verb ...", or None."""
    if token.text == ";":
        joiner = ""
    elif token.dep_ == "cc" and token.lower_ in _JOINERS and token.head.pos_ in ("VERB", "AUX"):
        joiner = _JOINERS[token.lower_]
    else:
        return None  # "nutrients and toxins": no clauses joined
    joined = next((later for later in token.doc[token.i + 1 :] if later.pos_ in ("VERB", "AUX")
                   and later.dep_ in ("conj", "ROOT", "parataxis", "ccomp")), None)
    if joined is None or not any(child.dep_ in ("nsubj", "nsubjpass", "expl") and child.i > token.i
                                 for child in joined.children):
        return None  # "..., and also makes ...": no subject of its own
    start = token.i - 1 if token.i and token.nbor(-1).text == "," else token.i
    doc = token.doc
    return doc[:start].text.rstrip(" ,;"), f"{joiner} {doc[token.i + 1 :].text}".strip()


def _relative_cut(token) -> tuple[str, str] | None:
    """The sentence without its ", which ..." clause (the clause's own subject), and that clause as a sentence."""
    doc, clause = token.doc, token.head
    if (token.lower_ not in ("which", "who") or token.dep_ not in ("nsubj", "nsubjpass") or clause.dep_ != "relcl"
            or token.i == 0 or token.nbor(-1).text != ","):
        return None
    end = clause.right_edge.i + 1
    return _set_off(doc, token.i - 1, end, f"{_named(clause.head)} {doc[token.i + 1 : end].text}")


def _aside_cut(token) -> tuple[str, str] | None:
    """The sentence without an appositive set off by commas, and the appositive as a sentence ("the macrophage,
    a cell of the immune system,": "The macrophage is a cell of the immune system.")."""
    if token.dep_ != "appos" or token.head.pos_ not in ("NOUN", "PROPN"):
        return None
    doc, start = token.doc, token.left_edge.i
    if start == 0 or doc[start - 1].text != ",":
        return None
    end = token.right_edge.i + 1
    verb = "are" if token.head.tag_ in ("NNS", "NNPS") else "is"
    return _set_off(doc, start - 1, end, f"{_named(token.head)} {verb} {doc[start:end].text}")


def _set_off(doc, comma: int, end: int, sentence: str) -> tuple[str, str] | None:
    """The sentence without the part from ``comma`` to ``end`` (closing it, or closed by a comma), and that part
    as ``sentence``; None when the part is not set off by commas (it tells which thing: it cannot leave)."""
    if end >= len(doc):
        return doc[:comma].text, sentence
    if doc[end].text != ",":
        return None
    return f"{doc[:comma].text} {doc[end + 1 :].text}", sentence


def _named(head) -> str:
    """A thing as a sentence names it again: its article, adjectives and compounds ("a phagocytic cell": "the
    phagocytic cell", "glycoproteins")."""
    words = [word for word in head.lefts if word.dep_ in ("det", "amod", "compound", "nummod")]
    return " ".join(["the" if word.lower_ in ("a", "an") else word.text for word in words] + [head.text])


# A conjunction that joins two clauses, and how the second clause opens on its own.
_JOINERS = {"and": "", "but": "But", "so": "So", "yet": "Yet"}


@cache
def _parser():
    """spaCy's small English model (the one redaction uses, from its package: never downloaded), parser only."""
    import spacy

    from privacy.api import SPACY_MODEL

    return spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer"])


_ASIDE = re.compile(r"\s*\([^()]*\)")
# A swapped-in verb with a particle keeps a pronoun object inside: "lets out it" is "lets it out".
_PARTICLE_BEFORE_PRONOUN = re.compile(r"\b(let|lets|letting|take|takes|taken|build|builds)\s+(out|in|up)\s+"
                                      r"(it|them|this|these)\b", re.IGNORECASE)


def tailor_sentence(sentence: str, *, reading_level: float) -> list[str]:
    """The sentence as the learner's band wants it: split and simplified, or unchanged."""
    if reading_band(reading_level).name != "simple":
        return [sentence]
    plain = _ASIDE.sub("", sentence)  # "(plural = nucleoli)", "(ICF)", "()": asides a young reader can skip
    return _split(_PARTICLE_BEFORE_PRONOUN.sub(r"\1 \3 \2", _GLOSSARY_WORD.sub(_swap, plain)))
