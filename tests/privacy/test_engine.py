"""The fast spaCy pipeline annotates exactly as the model's own pipeline does, only faster."""

import pytest

from privacy.engine import LANGUAGE, annotate, build_nlp_engine

pytestmark = pytest.mark.slow

TEXTS = [
    "I'd say she's not here, but it's been there. Don't you think they'd've gone? Nobody knows.",
    "We gon na go, y'all. Let's see, c'm on, it ai n't here. He gets it; she got it.",
    "My friend jose says Marie Curie discovered polonium in Paris; call 555-0134  or write ana@school.edu.",
]


def test_fast_pipeline_matches_the_models_attribute_ruler_and_presidio_artifacts():
    reference = build_nlp_engine()
    reference.nlp[LANGUAGE].select_pipes(disable=["parser"])
    expected = [artifacts for _, artifacts in reference.process_batch(TEXTS, LANGUAGE)]
    for ours, theirs in zip(annotate(TEXTS, batch_size=8), expected, strict=True):
        assert [(t.pos_, t.tag_, str(t.morph), t.lemma_) for t in ours.tokens] == [
            (t.pos_, t.tag_, str(t.morph), t.lemma_) for t in theirs.tokens
        ]
        assert (ours.lemmas, ours.keywords, ours.tokens_indices, ours.scores) == (
            theirs.lemmas, theirs.keywords, theirs.tokens_indices, theirs.scores
        )
        assert [(e.start_char, e.label_) for e in ours.entities] == [(e.start_char, e.label_) for e in theirs.entities]


def test_batch_analysis_finds_what_presidios_own_analyze_finds():
    """``privacy.engine.analyze`` skips Presidio's per-text overhead, not any of its results or scores."""
    from privacy.engine import analyze, get_analyzer, recognizers_for
    from privacy.recognizers import RosterRecognizer

    texts = TEXTS + ["ssn 219-09-9999, card 4111 1111 1111 1111, ip 10.0.0.12, see https://example.org/x"]
    entities = sorted(get_analyzer().get_supported_entities(LANGUAGE))
    roster = [RosterRecognizer(["Jose"])]
    recognizers = recognizers_for(entities, roster)
    for text, artifacts in zip(texts, annotate(texts, batch_size=8), strict=True):
        ours = analyze(text, recognizers=recognizers, entities=entities, nlp_artifacts=artifacts)
        theirs = get_analyzer().analyze(text, LANGUAGE, entities=entities, nlp_artifacts=artifacts,
                                        ad_hoc_recognizers=roster, score_threshold=0.0)
        assert sorted((r.entity_type, r.start, r.end, round(r.score, 4)) for r in ours) == sorted(
            (r.entity_type, r.start, r.end, round(r.score, 4)) for r in theirs
        )


def test_every_model_layer_multiplies_matrices_through_numpy_not_blis():
    """The faster kernel is used by every layer of every component, the NER's own tok2vec included."""
    from privacy.engine import get_analyzer

    nlp = get_analyzer().nlp_engine.nlp[LANGUAGE]
    models = [component.model for _, component in nlp.components if hasattr(getattr(component, "model", None), "walk")]
    layers = [node for model in models for node in model.walk()]
    assert layers and not any(getattr(node.ops, "use_blis", False) for node in layers)
