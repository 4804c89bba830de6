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
from rag.questions import names_term

MAX_SIMPLE_WORDS = 10
GLOSSARY = {
    "approximately": "about", "utilize": "use", "utilizes": "uses",
    "numerous": "many", "obtain": "get", "obtains": "gets",
    "require": "need", "requires": "needs", "sufficient": "enough", "demonstrate": "show", "demonstrates": "shows",
    "transform": "change", "transforms": "changes", "transformed": "changed", "produce": "make", "produces": "makes",
    "significant": "big", "significantly": "greatly", "essential": "needed", "component": "part",
    "components": "parts", "crucial": "key", "regulate": "control", "regulates": "controls", "eventually": "in the end",
    "various": "many", "typically": "often", "located": "found", "convert": "change", "converts": "changes",
    "converted": "changed", "absorb": "take in", "absorbs": "takes in", "absorbed": "taken in", "release": "let out",
    "releases": "lets out", "released": "let out", "continuously": "always", "enormous": "huge", "extremely": "very",
    "moisture": "water",
    "combination": "mix", "combine": "join",
    "combines": "joins", "sufficiently": "enough", "characteristics": "features",
    "accumulate": "build up", "accumulates": "builds up", "gradually": "slowly", "rapidly": "quickly",
    "immediately": "right away", "previously": "before", "assist": "help", "assists": "helps",
    "remain": "stay", "remains": "stays", "contain": "hold", "contains": "holds", "occurs": "happens",
    "occur": "happen", "individual": "single",
    "facilitate": "help", "facilitates": "helps", "initiate": "start", "initiates": "starts", "primarily": "mainly",
    "subsequently": "later", "frequently": "often", "indicate": "show", "indicates": "shows", "possess": "have",
    "possesses": "has", "terminate": "end", "terminates": "ends", "modify": "change", "modifies": "changes",
    "modified": "changed", "maintain": "keep", "maintains": "keeps", "maintained": "kept", "acquire": "get",
    "acquires": "gets",
    # Plain-language phrases (the usual lists of simpler words, not any one book's wording).
    "referred to as": "called", "known as": "called", "within": "in", "in order to": "to", "is able to": "can",
    "are able to": "can", "the majority of": "most", "prior to": "before", "additional": "more",
    "initially": "at first", "ultimately": "in the end", "consists of": "is made of",
    "consisting of": "made of", "eliminate": "remove", "eliminates": "removes", "provide": "give",
    "provides": "gives", "manufacture": "make", "manufactures": "makes", "manufactured": "made",
    "manufacturing": "making", "construct": "build", "constructs": "builds", "constructed": "built",
    "entire": "whole", "multiple": "many", "adjacent to": "next to", "similar to": "like", "commence": "start",
    "commences": "starts", "transported": "carried",
    "initial": "first", "beneficial": "helpful", "generate": "make", "generates": "makes", "generated": "made",
}
_ALSO_NOUNS = frozenset({"release", "releases", "remains", "produce", "transform", "individual"})
_DETERMINER_BEFORE = re.compile(r"\b(the|a|an|its|their|this|that|of|no)\s+$", re.IGNORECASE)
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
    if word.lower() in _ALSO_NOUNS and _DETERMINER_BEFORE.search(match.string, 0, match.start()):
        return word  # "the release of nitric oxide" is no "let out"
    # IGNORECASE matching is Unicode-aware ("ſ" matches "s"), so a match may not be a key.
    simple = GLOSSARY.get(word.lower())
    if simple is None:
        return word
    return simple[0].upper() + simple[1:] if word[0].isupper() else simple


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


_CLOSING = re.compile(r"[.!?][\"'”’)]*$")


def _split(sentence: str) -> list[str]:
    """Cut a long sentence into the clauses that can stand alone; keep the final punctuation."""
    closing = _CLOSING.search(sentence)  # 'called “heart strings.”' ends as it is
    body, end = (sentence[: closing.start()], closing.group()) if closing else (sentence, ".")
    pieces = [_capitalised(_OPENING_LINK.sub(_opening_link, piece.strip())) for piece in _clauses(body.strip())]
    return [piece + "." for piece in pieces[:-1]] + [pieces[-1] + end]


def _clauses(text: str) -> list[str]:
    """Sentences that stand alone, read from the sentence's parse, while a piece is longer than ``MAX_SIMPLE_WORDS``.

    First the sentence's own clauses: a conjunction or semicolon that joins two verbs each with its own subject
    ("..., and the vapour rises": "The vapour rises."). Then what is inside them, each piece keeping its subject:
    a second verb of the same subject ("and also makes ...": "It also makes ..."); a ", which ..." clause or a
    closing "that ..." clause about the thing the verb names ("glycoproteins, which extend": "Glycoproteins
    extend"; "a membrane that surrounds the lung": "It surrounds the lung"); an appositive ("the macrophage, a
    cell of the immune system,": "The macrophage is a cell of the immune system.") or a participle phrase after
    the subject ("The kidneys, located behind ...,": "The kidneys are located behind ..."); a closing participle (",
    allowing X": "This allows X") or "because ..." ("This is because ..."). A cut is not made where the parse
    cannot tell what a clause is about (a list, a comparison, a bare plural, a disagreeing verb) or where a
    piece would lack its subject or end on a word that needs what follows.
    """
    if len(text.split()) <= MAX_SIMPLE_WORDS:
        return [text]
    doc = _parser()(text)
    # The sentence's own clauses first, then what is inside them.
    for cut in (_conjunction_cut, _contrast_cut, _cause_first_cut, _list_cut, _naming_cut, _other_cut):
        for token in doc:
            if pieces := cut(token):
                head, tail = pieces
                if len(head.split()) >= 4 and len(tail.split()) >= 3 and head.split()[-1].lower() not in _NEEDS_MORE:
                    return [*_clauses(head), *_clauses(tail)]
    return [text]


# A piece ending on one of these is cut off ("three sodium ions are extruded from").
_NEEDS_MORE = frozenset({"from", "to", "into", "of", "in", "on", "with", "by", "for", "at", "and", "or", "the", "a",
                         "an", "that", "which", "than", "as"})


def _list_cut(token) -> tuple[str, str] | None:
    """A list after a colon as a sentence of its own: "The wall consists of three cell types: A, B, and C": "The
    wall consists of three cell types. These are A, B, and C." Only after a noun: "The answer is simple: ..."
    opens a clause, not a list."""
    doc = token.doc
    if token.text != ":" or token.i == 0 or token.i + 1 >= len(doc) or doc[token.i - 1].pos_ not in ("NOUN", "PROPN"):
        return None
    after = doc[token.i + 1 :]
    if (not re.search(r",|\b(and|or)\b", after.text) or ":" in after.text or after[0].like_num
            or after[0].tag_ in ("VB", "VBP") or any(word.dep_ in ("nsubj", "nsubjpass") for word in after)):
        return None  # a sentence, steps ("position food ..."), measures ("12 cm ...") or a table
    listed = after.text
    return doc[:token.i].text, f"these are {listed}"


def _naming_cut(token) -> tuple[str, str] | None:
    """A closing ", called X" as "This is called X." (the parse rarely tells what is called X, and the reader
    takes "this" as the thing just described, as the book's own "This is called ..." sentences do)."""
    doc = token.doc
    if token.text != "," or token.i + 2 >= len(doc):
        return None
    match = _NAMING.match(doc[token.i + 1 :].text)
    if match is None or "," in match.group(2) or len(match.group(2).split()) > 6:
        return None
    these = "these are" if doc[-1].tag_ in ("NNS", "NNPS") else "this is"  # "..., called cells"
    return doc[:token.i].text, f"{these} {match.group(1)} {match.group(2)}"


_NAMING = re.compile(r"(?:also )?(called|known as|termed|referred to as) (.+)$")


def _other_cut(token) -> tuple[str, str] | None:
    return (_shared_subject_cut(token) or _opening_participle_cut(token) or _relative_cut(token)
            or _restrictive_cut(token) or _aside_cut(token) or _described_cut(token) or _participle_cut(token)
            or _because_cut(token) or _then_cut(token))


def _conjunction_cut(token) -> tuple[str, str] | None:
    """The two clauses of "X verb ..., and Y verb ..." or "X verb ...; Y verb ...", or None."""
    if token.text == ";":
        joiner = ""
    elif (token.dep_ == "cc" and token.lower_ in _JOINERS and token.head.pos_ in ("VERB", "AUX")
          and token.head.dep_ == "ROOT"):  # "is where digestion is completed and all absorption occurs": one clause
        joiner = _JOINERS[token.lower_]
    else:
        return None  # "nutrients and toxins": no clauses joined
    joined = next((later for later in token.doc[token.i + 1 :] if later.pos_ in ("VERB", "AUX")
                   and later.dep_ in ("conj", "ROOT", "parataxis", "ccomp")), None)
    if joined is not None and joiner and joined.head != token.head:
        return None  # "when you have lost teeth, your gums are diseased, and ...": a list inside one clause
    if joined is None or not any(child.dep_ in ("nsubj", "nsubjpass", "expl") and child.i > token.i
                                 for child in joined.children):
        return None  # "..., and also makes ...": no subject of its own
    after = token.doc[token.i + 1 : token.i + 3]
    if after and after[0].tag_ in ("WRB", "WP", "WDT", "IN") or len(after) == 2 and after[0].lower_ == "the" and (
            after[1].tag_ in ("JJR", "RBR")):
        return None  # "and how it is propelled", "and the lower the preload is": no clause of its own
    start = token.i - 1 if token.i and token.nbor(-1).text == "," else token.i
    doc = token.doc
    return doc[:start].text.rstrip(" ,;"), f"{joiner} {doc[token.i + 1 :].text}".strip()


def _contrast_cut(token) -> tuple[str, str] | None:
    """Two contrasted clauses as two sentences, the second opening with "But": "A is X, whereas B is Y" and
    "Although A is X, B is Y" ("A is X. But B is Y."). Only "whereas" and "although"/"though": "while" may tell
    when ("while the ventricles relax")."""
    clause, doc = token.head, token.doc
    if token.lower_ == "whereas" and token.i > 2 and doc[token.i - 1].text == "," and token.i + 3 < len(doc):
        return doc[:token.i - 1].text, f"but {doc[token.i + 1:].text}"  # a finite clause, however it was tagged
    if (token.dep_ != "mark" or clause.dep_ != "advcl" or clause.head.dep_ != "ROOT"
            or not any(child.dep_ in ("nsubj", "nsubjpass", "expl") for child in clause.children)):
        return None
    end = clause.right_edge.i + 1
    if (token.lower_ in ("although", "though") and token.i == 0 and end + 1 < len(doc) and doc[end].text == ","
            and any(child.dep_ in ("nsubj", "nsubjpass", "expl") for child in clause.head.children)):
        return doc[1:end].text, f"but {doc[end + 1:].text}"
    return None


def _cause_first_cut(token) -> tuple[str, str] | None:
    """An opening cause as a sentence, the effect after it opening with "So": "Since the ground stays frozen, trees
    cannot grow deep roots": "The ground stays frozen. So trees cannot grow deep roots." Only a cause with a clause
    of its own ("Since the last ice age, ..." tells when)."""
    clause, doc = token.head, token.doc
    if (token.i != 0 or token.lower_ not in ("since", "because") or token.dep_ != "mark" or clause.dep_ != "advcl"
            or clause.head.dep_ != "ROOT"
            or not any(child.dep_ in ("nsubj", "nsubjpass", "expl") for child in clause.children)
            or not any(child.dep_ in ("nsubj", "nsubjpass", "expl") for child in clause.head.children)):
        return None
    end = clause.right_edge.i + 1
    if end + 1 >= len(doc) or doc[end].text != ",":
        return None
    return doc[1:end].text, f"so {doc[end + 1:].text}"


def _opening_participle_cut(token) -> tuple[str, str] | None:
    """An opening participle as a sentence about the subject: "Found in the wall, the ampulla marks X": "The
    ampulla is found in the wall. It marks X."; "Arising from the node, the bundle runs ...": "The bundle arises
    from the node. It runs ..."."""
    doc, root = token.doc, token.head
    if token.i != 0 or token.dep_ != "advcl" or token.tag_ not in ("VBN", "VBG") or root.dep_ != "ROOT":
        return None
    end = token.right_edge.i + 1
    subject = next((child for child in root.children if child.dep_ in ("nsubj", "nsubjpass")), None)
    if (end >= len(doc) or doc[end].text != "," or subject is None or subject.left_edge.i != end + 1
            or subject.right_edge.i - subject.left_edge.i > 5 or subject.pos_ not in ("NOUN", "PROPN")):
        return None
    named = re.sub(r"^(a|an)\b", "the", doc[subject.left_edge.i : subject.right_edge.i + 1].text, flags=re.IGNORECASE)
    plural = subject.tag_ in ("NNS", "NNPS")
    if token.tag_ == "VBN":
        said = f"{'are' if plural else 'is'} {doc[:end].text[0].lower()}{doc[:end].text[1:]}"
    else:
        said = f"{token.lemma_ if plural else _third_person(token.lemma_)} {doc[1:end].text}"
    return f"{named} {said}", f"{_pronoun(subject)} {doc[subject.right_edge.i + 1:].text}"


def _then_cut(token) -> tuple[str, str] | None:
    """A closing "before ...ing" as the next step: "The bundle runs through the septum before dividing into two
    branches": "... septum. Then it divides into two branches." """
    doc, verb = token.doc, token.head
    step = next((child for child in token.children if child.dep_ == "pcomp" and child.tag_ == "VBG"), None)
    if (token.lower_ != "before" or step is None or verb.dep_ != "ROOT" or token.right_edge.i != len(doc) - 1
            or token.i < 4):
        return None
    subject = next((child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    pronoun = _pronoun(subject)
    step_verb = _third_person(step.lemma_) if pronoun in ("it", "he", "she") else step.lemma_
    return doc[:token.i].text.rstrip(" ,"), f"then {pronoun} {step_verb} {doc[step.i + 1:].text}"


def _shared_subject_cut(token) -> tuple[str, str] | None:
    """Two verbs of one subject as two sentences: "Red blood cells carry oxygen and remove carbon dioxide": "Red
    blood cells carry oxygen. They remove carbon dioxide." The second verb keeps the first one's helping verbs
    ("can bind ... and release": "It can release")."""
    root = token.head
    if token.dep_ != "cc" or token.lower_ not in _JOINERS or root.dep_ != "ROOT" or root.pos_ not in ("VERB", "AUX"):
        return None
    verb = next((child for child in root.children if child.dep_ == "conj" and child.i > token.i), None)
    subject = next((child for child in root.children if child.dep_ in ("nsubj", "nsubjpass")), None)
    if verb is None or subject is None or verb.pos_ not in ("VERB", "AUX") or any(
            child.dep_ in ("nsubj", "nsubjpass", "expl") for child in verb.children):
        return None
    if any(word.dep_ not in ("aux", "auxpass", "advmod", "neg") for word in token.doc[token.i + 1 : verb.i]):
        return None  # "..., and the ligamentum teres hepatis": a list the tagger read as a verb
    helpers = [] if verb.tag_ in ("VBZ", "VBP") or any(
        child.dep_ in ("aux", "auxpass") and child.i < verb.i for child in verb.children) else [
        child.text for child in root.children if child.dep_ in ("aux", "auxpass", "neg") and child.i < root.i]
    pronoun = _pronoun(subject)
    if pronoun == "it" and not helpers and verb.tag_ in ("VB", "VBP"):
        return None  # "It prevent ...": the tagger read the verb's number wrong
    doc = token.doc
    start = token.i - 1 if token.nbor(-1).text == "," else token.i
    opening = " ".join(word for word in (_JOINERS[token.lower_], pronoun, *helpers) if word)
    return doc[:start].text.rstrip(" ,;"), f"{opening} {doc[token.i + 1 :].text}"


def _pronoun(subject) -> str:
    if subject.pos_ == "PRON":
        return subject.lower_ if subject.lower_ != "i" else "I"
    plural = subject.tag_ in ("NNS", "NNPS") or any(child.dep_ == "conj" for child in subject.children)
    return "they" if plural else "it"


def _relative_cut(token) -> tuple[str, str] | None:
    """The sentence without its ", which ..." clause (the clause's own subject), and that clause as a sentence."""
    doc, clause = token.doc, token.head
    if (token.lower_ not in ("which", "who") or token.dep_ not in ("nsubj", "nsubjpass") or clause.dep_ != "relcl"
            or token.i == 0 or token.nbor(-1).text != "," or not _clearly_one(clause.head, token.i)
            or clause.head.pos_ not in ("NOUN", "PROPN")
            or not _agrees(clause.head, clause)
            or clause.lemma_ == "be" and any(word.like_num for word in clause.subtree)):
        return None  # "..., which is about 500 milliliters" measures the sentence's subject more often than not
    # A clause set off by a comma runs at least to the next comma or the sentence's end, whatever the parse attached
    # where ("..., which increase the area 600-fold, include ...": the parse may end it before "-fold").
    end = max(clause.right_edge.i + 1, next((word.i for word in doc[token.i :] if word.text == ","), len(doc)))
    return _set_off(doc, token.i - 1, end, f"{_named(clause.head)} {doc[token.i + 1 : end].text}")


def _restrictive_cut(token) -> tuple[str, str] | None:
    """A "that/which/who ..." clause closing the sentence, about a thing the verb names, as a sentence of its own:
    "The pleura is a serous membrane that surrounds the lung": "The pleura is a serous membrane. It surrounds the
    lung." A clause that tells which subject ("Cells that divide ...") stays: the sentence needs it."""
    doc, clause = token.doc, token.head
    if (token.lower_ not in ("that", "which") or token.dep_ not in ("nsubj", "nsubjpass")
            or clause.dep_ != "relcl" or clause.right_edge.i != len(doc) - 1 or token.i == 0
            or doc[token.i - 1].text == "," or clause.head.dep_ not in ("attr", "dobj")
            or clause.head.pos_ not in ("NOUN", "PROPN")
            or not _clearly_one(clause.head, token.i) or not _agrees(clause.head, clause)):
        return None  # "the body that carry": which thing is unclear
    thing = clause.head
    copular = thing.dep_ == "attr" and thing.head.lemma_ == "be"
    if not copular and not any(child.dep_ in ("det", "poss") and not child.like_num for child in thing.children):
        return None  # "bacteria that cannot live in oxygen" are some bacteria: "Bacteria cannot live ..." is false
    # (Not after a preposition either: "a sound from the heart that is caused by ..." is about the sound.)
    subject = _pronoun(thing) if copular else _named(thing)
    return doc[:token.i].text, f"{subject} {doc[token.i + 1 :].text}"


def _clearly_one(thing, clause_start: int) -> bool:
    """Whether a clause after ``thing`` is surely about it alone: not when it closes a list ("A, B and C, which
    ...": about all three, or about the tube made of them) or a comparison ("than adult hemoglobin, which ...")."""
    listed = any(child.dep_ == "conj" and child.i < clause_start for child in thing.children)
    return thing.dep_ != "conj" and not listed and thing.head.lower_ not in ("than", "as", "like")


def _agrees(thing, verb) -> bool:
    """Whether a present-tense verb's number fits the thing it would be said of ("arteries ... that carry")."""
    plural = thing.tag_ in ("NNS", "NNPS")
    return not (verb.tag_ == "VBZ" and plural or verb.tag_ == "VBP" and not plural)


def _participle_cut(token) -> tuple[str, str] | None:
    """A closing ", allowing ..." as "This allows ..." (what the sentence before describes does it)."""
    doc = token.doc
    if (token.dep_ != "advcl" or token.tag_ != "VBG" or token.head.dep_ != "ROOT" or token.left_edge.i != token.i
            or token.i == 0 or doc[token.i - 1].text != "," or token.right_edge.i != len(doc) - 1
            or any(child.dep_ in ("conj", "cc") for child in token.children)):
        return None
    if token.lemma_ in _RESULT_VERBS:
        return doc[: token.i - 1].text, f"this {_third_person(token.lemma_)} {doc[token.i + 1 :].text}"
    subject = next((child for child in token.head.children if child.dep_ == "nsubj"), None)
    if subject is None:
        return None
    pronoun = _pronoun(subject)
    verb = _third_person(token.lemma_) if pronoun in ("it", "he", "she") else token.lemma_
    return doc[: token.i - 1].text, f"{pronoun} {verb} {doc[token.i + 1 :].text}"


# Participles that tell what the sentence before brings about: "..., allowing X" is "This allows X"; others tell
# what the subject also does ("The tails face ..., meeting at ...": "They meet at ...").
_RESULT_VERBS = frozenset({"allow", "cause", "give", "result", "make", "produce", "lead", "create", "enable",
                           "permit", "prevent", "help", "increase", "decrease", "reduce", "ensure", "keep",
                           "provide", "bring", "mean", "raise", "lower", "force", "push", "pull"})


def _third_person(verb: str) -> str:
    """The verb's form after "this": "allow": "allows", "pass": "passes", "carry": "carries"."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


_IRREGULAR = {"be": "is", "have": "has"}
_COMMA_AT_END = re.compile(r",([\"”’]?)$")  # "is “semiconservative,” because": "is “semiconservative.”"


def _because_cut(token) -> tuple[str, str] | None:
    """A closing "because ..." as a sentence of its own: "It rains because the vapour cools": "It rains. This is
    because the vapour cools." """
    clause = token.head
    if (token.lower_ != "because" or token.dep_ != "mark" or clause.dep_ != "advcl" or clause.head.dep_ != "ROOT"
            or clause.left_edge.i != token.i or clause.right_edge.i != len(token.doc) - 1 or token.i == 0):
        return None
    doc = token.doc
    return _COMMA_AT_END.sub(r"\1", doc[:token.i].text.rstrip()), f"this is {doc[token.i:].text}"


def _aside_cut(token) -> tuple[str, str] | None:
    """The sentence without an appositive set off by commas, and the appositive as a sentence ("the macrophage,
    a cell of the immune system,": "The macrophage is a cell of the immune system.")."""
    if token.dep_ != "appos" or token.head.pos_ not in ("NOUN", "PROPN"):
        return None
    doc, start = token.doc, token.left_edge.i
    if start == 0 or doc[start - 1].text != ",":
        return None
    end = token.right_edge.i + 1
    closing = end >= len(doc)
    if (closing and token.head.dep_ not in ("nsubj", "nsubjpass", "attr", "dobj")
            or not closing and (end + 1 >= len(doc) or doc[end + 1].pos_ not in ("VERB", "AUX"))
            or not _clearly_one(token.head, start) or any(child.dep_ in ("conj", "appos") for child in token.children)):
        return None  # "adjust to the high altitude, a process called X" names the adjusting; "A, B, C" is a list
    verb = "are" if token.head.tag_ in ("NNS", "NNPS") else "is"
    return _set_off(doc, start - 1, end, f"{_named(token.head)} {verb} {doc[start:end].text}")


def _described_cut(token) -> tuple[str, str] | None:
    """The subject without a participle phrase set off by commas, and that phrase as a sentence about it ("The
    epiglottis, attached to the thyroid cartilage, is ...": "The epiglottis is attached to the thyroid
    cartilage.")."""
    thing, doc = token.head, token.doc
    start, end = token.left_edge.i, token.right_edge.i + 1
    if (token.dep_ != "acl" or token.tag_ != "VBN" or start != token.i or start == 0 or doc[start - 1].text != ","
            or thing.dep_ not in ("nsubj", "nsubjpass") or thing.pos_ not in ("NOUN", "PROPN")
            or end >= len(doc) or not _clearly_one(thing, start)):
        return None
    verb = "are" if thing.tag_ in ("NNS", "NNPS") else "is"
    return _set_off(doc, start - 1, end, f"{_named(thing)} {verb} {doc[start:end].text}")


def _set_off(doc, comma: int, end: int, sentence: str) -> tuple[str, str] | None:
    """The sentence without the part from ``comma`` to ``end`` (closing it, or closed by a comma), and that part
    as ``sentence``; None when the part is not set off by commas (it tells which thing: it cannot leave)."""
    if end >= len(doc):
        return doc[:comma].text, sentence
    if doc[end].text != "," or end + 1 >= len(doc):
        return None
    after = doc[end + 1]
    if after.pos_ not in ("VERB", "AUX") and not (after.dep_ == "cc" and after.head.i < comma):
        return None  # "..., which is reabsorbed ..., typically for 12 to 24 hours": what follows is not its own
    return f"{doc[:comma].text} {doc[end + 1 :].text}", sentence


def _named(head) -> str:
    """A thing as a sentence names it again: all the words before it, as written, a/an made "the" ("a phagocytic
    cell": "the phagocytic cell", "your brain", "the s-shaped sigmoid colon")."""
    named = head.doc[head.left_edge.i : head.i + 1].text
    return re.sub(r"^(a|an)\b", "the", named, flags=re.IGNORECASE)


# A conjunction that joins two clauses, and how the second clause opens on its own.
_JOINERS = {"and": "", "but": "But", "so": "So", "yet": "Yet"}


@cache
def _parser():
    """spaCy's small English model (the one redaction uses, from its package: never downloaded), without names."""
    import spacy

    from privacy.api import SPACY_MODEL

    return spacy.load(SPACY_MODEL, exclude=["ner"])


# A swapped-in verb with a particle keeps a pronoun object inside: "lets out it" is "lets it out".
_PARTICLE_BEFORE_PRONOUN = re.compile(r"\b(let|lets|letting|take|takes|taken|build|builds)\s+(out|in|up)\s+"
                                      r"(it|them|this|these)\b", re.IGNORECASE)


# "However, ..." is "But ..." (a comma after the everyday word would be wrong).
_OPENING_LINKS = {"however": "But", "therefore": "So", "consequently": "So", "additionally": "Also", "but": "But",
                  "so": "So", "thus": "So", "in addition": "Also", "furthermore": "Also", "moreover": "Also",
                  "as a result": "So", "for this reason": "So", "on the other hand": "But", "nevertheless": "Still"}
_OPENING_LINK = re.compile(r"^(" + "|".join(_OPENING_LINKS) + r"),\s*", re.IGNORECASE)


def _opening_link(match: re.Match) -> str:
    return _OPENING_LINKS[match.group(1).lower()] + " "


# Asides a young reader can skip: "(plural = nucleoli)", "(ICF)"; "In contrast to X, ..." and "..., on the other
# hand, ..." (the contrast is with something the answer may not say); "composed of" is "made of".
_ASIDE = re.compile(r"\s*\([^()]*\)|^(?:in contrast (?:to|with)|unlike) [^,]{1,60}, |, on the other hand,",
                    re.IGNORECASE)
_COMPOSED = re.compile(r"\bcomposed(?=(?: \w+ly)? of\b)")


def tailor_sentence(sentence: str, *, reading_level: float, keep: str = "") -> list[str]:
    """The sentence as the learner's band wants it: split and simplified, or unchanged. An aside that names
    ``keep`` (the asked term) stays: "two enzymes (nucleosidase and phosphatase)" answers "nucleosidase"."""
    if reading_band(reading_level).name != "simple":
        return [sentence]
    without_asides = _ASIDE.sub(lambda aside: aside.group(0) if keep and names_term(aside.group(0), keep) else "",
                                sentence)
    plain = _capitalised(_COMPOSED.sub("made", _OPENING_ADVERB.sub(_opening_adverb, without_asides)))
    listed = ""
    if (dashes := _DASH_LIST.search(plain)) and plain.count("—") + plain.count("–") == 2:
        plain, listed = plain[: dashes.start()] + " " + plain[dashes.end() :], dashes.group("listed")
    simpler = _ARTICLE_BEFORE_SWAP.sub(_article, _GLOSSARY_WORD.sub(_swap, plain))
    pieces = _split(_PARTICLE_BEFORE_PRONOUN.sub(r"\1 \3 \2", simpler))
    return [*pieces, f"These are {_GLOSSARY_WORD.sub(_swap, listed)}."] if listed else pieces


# An opening "Functionally, " or "Generally, " qualifies what follows; a young reader can do without it. Steps
# and links to the sentence before stay ("Finally,", "Similarly,"; "However," is "But", see _OPENING_LINKS).
_OPENING_ADVERB = re.compile(r"^([A-Z][a-z]+ly),\s+")
_KEPT_ADVERBS = frozenset({"firstly", "secondly", "thirdly", "lastly", "finally", "similarly", "only", "likewise",
                           *_OPENING_LINKS})


def _opening_adverb(match: re.Match) -> str:
    return match.group(0) if match.group(1).lower() in _KEPT_ADVERBS else ""


# A list set off by dashes after a plural noun: "Three kinds of rock—igneous, sedimentary, and metamorphic—make
# up ...". The sentence is read without it and the list follows as "These are ...".
_DASH_LIST = re.compile(r"(?<=[a-z]s)\s*[\u2014\u2013]\s*(?P<listed>[^\u2014\u2013]+?,[^\u2014\u2013]*?\b(?:and|or) "
                        r"[^\u2014\u2013]+?)\s*[\u2014\u2013]\s*")


# "an extremely X" is "a very X": the article before a swapped-in word follows that word.
_ARTICLE_BEFORE_SWAP = re.compile(r"\b(a|an) (" + "|".join(sorted({simple.split()[0] for simple in GLOSSARY.values()},
                                                                  key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _article(match: re.Match) -> str:
    article = "an" if match.group(2)[0].lower() in "aeiou" else "a"
    return (article.capitalize() if match.group(1)[0].isupper() else article) + " " + match.group(2)
