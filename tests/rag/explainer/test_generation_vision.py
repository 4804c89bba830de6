"""The optional image models run with any compatible weights: here tiny random ones built in the test."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import (
    CLIPConfig,
    CLIPImageProcessor,
    CLIPModel,
    CLIPProcessor,
    CLIPVisionConfig,
    LlamaConfig,
    LlavaConfig,
    LlavaForConditionalGeneration,
    LlavaProcessor,
    PreTrainedTokenizerFast,
)

from rag.generation import vision
from rag.generation.llm import ModelUnavailableError

pytestmark = pytest.mark.slow

WORDS = ["<unk>", "<pad>", "<s>", "</s>", "<image>", "user", "assistant", ":", "describe", "this", "diagram",
         "its", "labels", "and", "the", "arrows", "between", "them", "water", "cycle", "rock", "sun"]
CHAT_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: {% for c in m['content'] %}"
    "{% if c['type'] == 'image' %}<image> {% else %}{{ c['text'] }} {% endif %}{% endfor %}{% endfor %}assistant:"
)
TINY = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2}


def _tokenizer() -> PreTrainedTokenizerFast:
    vocab = {word: index for index, word in enumerate(WORDS)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", pad_token="<pad>",
                                        bos_token="<s>", eos_token="</s>")
    tokenizer.add_tokens(["<image>"], special_tokens=True)
    return tokenizer


def _image_processor() -> CLIPImageProcessor:
    return CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("tiny-clip")
    config = CLIPConfig(
        text_config={**TINY, "vocab_size": len(WORDS), "max_position_embeddings": 32},
        vision_config={**TINY, "image_size": 32, "patch_size": 8},
        projection_dim=8,
    )
    CLIPModel(config).save_pretrained(folder)
    CLIPProcessor(image_processor=_image_processor(), tokenizer=_tokenizer()).save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def tiny_vlm(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("tiny-vlm")
    tokenizer = _tokenizer()
    config = LlavaConfig(
        text_config=LlamaConfig(**TINY, vocab_size=len(WORDS), num_key_value_heads=2, max_position_embeddings=256,
                                eos_token_id=None),
        vision_config=CLIPVisionConfig(**TINY, image_size=32, patch_size=8),
        image_token_index=tokenizer.convert_tokens_to_ids("<image>"),
        vision_feature_layer=-1,
    )
    LlavaForConditionalGeneration(config).save_pretrained(folder)
    LlavaProcessor(
        image_processor=_image_processor(), tokenizer=tokenizer, patch_size=8, vision_feature_select_strategy="default",
        chat_template=CHAT_TEMPLATE, image_token="<image>", num_additional_image_tokens=1,
    ).save_pretrained(folder)
    return str(folder)


def _diagram() -> Image.Image:
    return Image.new("RGB", (64, 48), "white")


def test_nothing_is_loaded_when_no_image_model_is_configured(settings):
    settings.GLOSSA = {**settings.GLOSSA, "VLM_MODEL": "", "IMAGE_EMBEDDER_MODEL": ""}
    assert vision.get_image_describer() is None
    assert vision.get_image_embedder() is None


def test_a_clip_style_embedder_gives_unit_vectors_for_images_and_texts(settings, tiny_clip):
    settings.GLOSSA = {**settings.GLOSSA, "IMAGE_EMBEDDER_MODEL": tiny_clip}
    embedder = vision.get_image_embedder()
    assert vision.get_image_embedder() is embedder  # loaded once per process
    images = embedder.embed_images([_diagram(), _diagram()])
    texts = embedder.embed_texts(["water cycle", "rock cycle diagram", "sun"])
    assert images.shape == (2, 8) and texts.shape == (3, 8)
    assert np.allclose(np.linalg.norm(images, axis=1), 1.0, atol=1e-5)
    assert np.allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)
    similarity = embedder.similarity(_diagram(), ["water cycle", "rock cycle"])
    assert similarity.shape == (2,) and np.all(np.abs(similarity) <= 1.0 + 1e-5)


def test_a_vision_language_model_describes_an_image_in_words(settings, tiny_vlm):
    settings.GLOSSA = {**settings.GLOSSA, "VLM_MODEL": tiny_vlm}
    describer = vision.get_image_describer()
    description = describer.describe(_diagram())
    assert isinstance(description, str)
    assert description.split()  # random weights, but real tokens decoded from the model's output
    assert set(description.split()) <= set(WORDS)


def test_a_configured_but_missing_image_model_is_a_readable_error(settings, tmp_path):
    settings.GLOSSA = {**settings.GLOSSA, "VLM_MODEL": str(tmp_path / "absent")}
    with pytest.raises(ModelUnavailableError, match="GLOSSA_VLM_MODEL"):
        vision.get_image_describer()
