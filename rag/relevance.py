"""Does a question belong to the course at all, and in which language was it asked?

Retrieval always returns the nearest passages; full text matches any one word of the question, so
"Who won the football World Cup in 2014?" finds a passage that says "world". Before answering, the
question's key terms (content words, stemmed, without question words) must be found in the passages
retrieved for it (at least half of them), and nearly all of them somewhere in the course: "What is the
heart of a hurricane called?" shares "heart" with an anatomy course, but no page of it says "hurricane".
A question in a language the explainer's models do not handle gets "not found" in that language
instead of an English passage matched by cognates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.grounding import content_terms

# Words of a question that say what kind of answer is wanted, not what it is about.
QUESTION_TERMS = content_terms(
    "what which who whom whose why how when where mean meant meaning explain explanation describe tell happen "
    "happens happened example examples called call define definition difference differ kind kinds type types "
    "please help understand know thing things work works way ways show shows picture diagram figure "
    # what children write around a question: "my friend asked me", "our teacher said", "for homework"
    "friend friends ask asked asks asking teacher said say says wonder wondering think thought want wanted like "
    "homework question questions test exam school class lesson mom mum dad mother father brother sister really"
)

# The most frequent function words of each language the schools write in (enough to tell them apart).
_LANGUAGE_WORDS = {
    "es": {"qué", "que", "cómo", "como", "cuál", "cuáles", "por", "para", "los", "las", "el", "la", "es", "son", "se",
           "una", "uno", "del", "con", "dónde", "cuándo", "quién", "porqué", "está", "hay", "lo", "mi", "sus", "muy"},
    "fr": {"qu'est-ce", "quoi", "comment", "pourquoi", "quel", "quelle", "quels", "les", "des", "est", "sont", "une",
           "du", "dans", "avec", "pour", "où", "quand", "qui", "ce", "cette", "il", "elle", "se", "ne", "pas", "au"},
    "de": {"was", "wie", "warum", "wer", "wo", "wann", "welche", "welcher", "der", "die", "das", "ist", "sind",
           "ein", "eine", "und", "nicht", "mit", "für", "von", "zu", "im", "den", "dem", "sich", "auf"},
    "it": {"che", "cosa", "come", "perché", "quale", "quali", "dove", "quando", "chi", "il", "lo", "gli", "della",
           "sono", "una", "uno", "per", "con", "del", "non", "si", "nel", "è"},
    "pt": {"que", "como", "porque", "qual", "quais", "onde", "quando", "quem", "os", "as", "é", "são", "uma", "um",
           "do", "da", "dos", "das", "para", "com", "não", "se", "no", "na", "em"},
}
_ENGLISH_WORDS = {"what", "how", "why", "which", "who", "where", "when", "the", "is", "are", "do", "does", "a", "an",
                  "of", "in", "to", "and", "it", "this", "that", "was", "were", "can", "for", "with", "on", "my"}
_WORD = re.compile(r"[^\W\d_][\w'-]*")
# What pseudonymisation leaves of a name or an address in a question ("<PERSON_1>"): no word of its topic.
PLACEHOLDER = re.compile(r"<[A-Z_]+(?:_\d+)?>")

NOT_FOUND_BY_LANGUAGE = {
    "en": "I couldn't find this in your course materials, so I won't guess. "
          "Try asking with other words, or ask your teacher.",
    "es": "No encontré esto en los materiales de tu curso, así que no voy a adivinar. "
          "Prueba a preguntarlo con otras palabras o pregunta a tu profesor.",
    "fr": "Je n'ai pas trouvé cela dans les documents de ton cours, alors je ne vais pas deviner. "
          "Essaie de poser la question autrement, ou demande à ton professeur.",
    "de": "Das habe ich in deinen Kursmaterialien nicht gefunden, deshalb rate ich nicht. "
          "Frag mit anderen Worten oder frag deine Lehrkraft.",
    "it": "Non ho trovato questo nei materiali del tuo corso, quindi non tiro a indovinare. "
          "Prova a chiedere con altre parole, o chiedi al tuo insegnante.",
    "pt": "Não encontrei isto nos materiais do teu curso, por isso não vou adivinhar. "
          "Tenta perguntar com outras palavras ou pergunta ao teu professor.",
}


def question_language(question: str) -> str:
    """The language of a question: "en", or one of ``_LANGUAGE_WORDS`` when its function words say so."""
    words = [word.casefold() for word in _WORD.findall(question)]
    if not words:
        return "en"
    if any(char in question for char in "¿¡"):
        return "es"
    scores = {language: sum(word in vocabulary for word in words) for language, vocabulary in _LANGUAGE_WORDS.items()}
    english = sum(word in _ENGLISH_WORDS for word in words)
    language, best = max(scores.items(), key=lambda item: item[1])
    return language if best > english and (best >= 2 or english == 0) else "en"


def not_found_message(language: str) -> str:
    return NOT_FOUND_BY_LANGUAGE.get(language, NOT_FOUND_BY_LANGUAGE["en"])


def key_terms(question: str) -> set[str]:
    """What the question is about: its content terms without question words and placeholders."""
    return content_terms(PLACEHOLDER.sub(" ", question)) - QUESTION_TERMS


def key_words(question: str) -> list[str]:
    """The question's key terms as written ("hurricane", not the stem "hurrican"), for the course's own index."""
    terms = key_terms(question)
    words = re.findall(r"[A-Za-z][A-Za-z'-]*|\d+", PLACEHOLDER.sub(" ", question))
    return list(dict.fromkeys(word.lower() for word in words if content_terms(word) & terms))


_FIGURE_WORDS = frozenset({"diagram", "diagrams", "figure", "figures", "picture", "pictures", "chart", "map", "image"})


def search_words(question: str) -> str:
    """The words full-text search should require: the key words, and the figure words that find diagrams.

    "What is meant by carbaminohemoglobin?" must not ask every passage for "meant" as well.
    """
    figure_words = [word for word in re.findall(r"[A-Za-z]+", question.lower()) if word in _FIGURE_WORDS]
    return " ".join(dict.fromkeys([*key_words(question), *figure_words]))


def course_holds(words: list[str], found: set[str]) -> bool:
    """Fewer than a third of the question's key words are missing from the whole course (none of one or two)."""
    missing = len(set(words) - found)
    return 3 * missing < len(set(words)) or not words


def answered_by(question: str, passages: Iterable[str]) -> bool:
    """At least half of the question's key terms occur in the passages."""
    terms = key_terms(question)
    if not terms:
        return True  # "What does this diagram show?": the image or the passage says what it is about
    found = set().union(*(content_terms(passage) for passage in passages)) if passages else set()
    return 2 * len(terms & found) >= len(terms)
