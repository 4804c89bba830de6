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
