"""A classifier plugs in beside the rules: a local transformers model (a tiny one built here from a
config, never downloaded) or an OpenAI-compatible moderation endpoint (a real HTTP server started here)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from edu.safeguarding.screening import ScreeningContext, screen_text
from edu.safeguarding.screening.classifiers import (
    ModerationScreener,
    ModerationUnavailable,
    TransformersScreener,
    severity_for,
)
from edu.safeguarding.screening.rules import RuleScreener

WORDS = ["[UNK]", "[PAD]", "[CLS]", "[SEP]", "i", "feel", "hopeless", "plants", "grow"]
LABELS = ["safe", "self-harm", "harassment", "sexual"]


@pytest.fixture(scope="module")
def tiny_classifier(tmp_path_factory) -> str:
    """A 1-layer BERT whose head is set so 'self-harm' scores ~0.99 and the others ~0.01 on any text."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-safeguarding-classifier")
    backend = Tokenizer(models.WordLevel({word: index for index, word in enumerate(WORDS)}, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                            sep_token="[SEP]").save_pretrained(folder)
    config = BertConfig(vocab_size=len(WORDS), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                        num_attention_heads=2, max_position_embeddings=64, num_labels=len(LABELS),
                        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)},
                        problem_type="multi_label_classification")
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor([5.0, 5.0, -5.0, -5.0]))
    model.save_pretrained(folder)
    return str(folder)


@pytest.mark.slow
def test_a_local_model_adds_its_flags_mapped_onto_our_categories(tiny_classifier):
    screener = TransformersScreener(tiny_classifier, threshold=0.5)
    scores = screener.scores("i feel hopeless")
    assert scores["self-harm"] > 0.99 and scores["harassment"] < 0.01
    flags = screener.screen("i feel hopeless", context=ScreeningContext())
    assert [(flag.category, flag.severity, flag.source) for flag in flags] == [("self_harm", "high", "model")]
    merged = screen_text("how do plants grow", screeners=(RuleScreener(), screener))
    assert merged.to_list() == [{"category": "self_harm", "severity": "high"}]  # 'safe' maps to nothing


def test_scores_become_severities_above_the_threshold():
    assert severity_for(0.49, threshold=0.5) is None
    assert severity_for(0.55, threshold=0.5) == "low"
    assert severity_for(0.75, threshold=0.5) == "medium"
    assert severity_for(0.95, threshold=0.5) == "high"


class _Moderation(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Moderation.seen.append({"body": body, "auth": self.headers.get("Authorization")})
        risky = "hurt" in body["input"]
        payload = {"id": "modr-1", "model": body.get("model", ""), "results": [{
            "flagged": risky,
            "categories": {"self-harm/intent": risky, "violence": False},
            "category_scores": {"self-harm/intent": 0.97 if risky else 0.01, "violence": 0.02,
                                "sexual/minors": 0.6 if "photo" in body["input"] else 0.0},
        }]}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def moderation_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Moderation)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Moderation.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/moderations"
    server.shutdown()
    server.server_close()


def test_a_moderation_endpoint_is_asked_and_its_scores_mapped(moderation_server):
    screener = ModerationScreener(moderation_server, api_key="sk-test", model="omni-moderation-latest")
    flags = screener.screen("i want to hurt someone", context=ScreeningContext())
    assert [(flag.category, flag.severity) for flag in flags] == [("self_harm", "high")]
    assert screener.screen("how do plants grow", context=ScreeningContext()) == []
    low = screener.screen("he wants a photo", context=ScreeningContext())
    assert [(flag.category, flag.severity) for flag in low] == [("abuse", "low")]
    request = _Moderation.seen[0]
    assert request["body"] == {"input": "i want to hurt someone", "model": "omni-moderation-latest"}
    assert request["auth"] == "Bearer sk-test"


def test_an_unreachable_endpoint_leaves_the_rules_verdict(moderation_server):
    dead = ModerationScreener("http://127.0.0.1:9/v1/moderations", timeout=0.5)
    with pytest.raises(ModerationUnavailable):
        dead.screen("anything", context=ScreeningContext())
    result = screen_text("i want to kill myself", screeners=(RuleScreener(), dead))
    assert result.to_list() == [{"category": "self_harm", "severity": "high"}]


def test_configured_screeners_follow_the_settings(settings, moderation_server):
    from edu.safeguarding.screening import engine

    settings.GLOSSA = {**settings.GLOSSA, "SAFEGUARDING_MODERATION_URL": moderation_server}
    names = [screener.name for screener in engine.configured_screeners()]
    assert names == ["rules", "moderation"]
    assert screen_text("i hurt when i think of it").to_list() == [{"category": "self_harm", "severity": "high"}]
