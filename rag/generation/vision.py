"""Optional image models for sites that have weights and hardware (no PyPI package ships any).

``GLOSSA["VLM_MODEL"]``: a vision-language model (``AutoModelForImageTextToText`` + ``AutoProcessor``)
that describes an uploaded diagram in words, in addition to the OCR structure.
``GLOSSA["IMAGE_EMBEDDER_MODEL"]``: a CLIP-style model that matches an uploaded image to the
course's diagrams by image-text similarity, instead of by shared labels.
Both are read from a local folder or the local hub cache (never downloaded), once per process.
"""

from __future__ import annotations

import io
import threading

import numpy as np
from django.conf import settings
from PIL import Image

from rag.generation.llm import ModelUnavailableError

DESCRIBE_PROMPT = "Describe this diagram: its labels and the arrows between them."
DESCRIBE_MAX_NEW_TOKENS = 96


def _rgb(image: bytes | Image.Image) -> Image.Image:
    picture = Image.open(io.BytesIO(image)) if isinstance(image, bytes | bytearray) else image
    return picture.convert("RGB")


class ImageDescriber:
    """A vision-language model that turns a diagram image into a short description."""

    def __init__(self, source: str) -> None:
        from transformers import AutoModelForImageTextToText, AutoProcessor

        try:
            self.processor = AutoProcessor.from_pretrained(source)
            self.model = AutoModelForImageTextToText.from_pretrained(source).eval()
        except OSError as error:
            raise ModelUnavailableError(
                "The configured vision-language model (GLOSSA_VLM_MODEL) is missing."
            ) from error
        self.model_name = source
        self._lock = threading.Lock()

    def describe(self, image: bytes | Image.Image, prompt: str = DESCRIBE_PROMPT) -> str:
        import torch

        messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": prompt}]}]
        text = self.processor.apply_chat_template(messages, add_generation_prompt=True)
        inputs = self.processor(images=[_rgb(image)], text=text, return_tensors="pt")
        with self._lock, torch.inference_mode():
            output = self.model.generate(**inputs, max_new_tokens=DESCRIBE_MAX_NEW_TOKENS, do_sample=False)
        new_tokens = output[:, inputs["input_ids"].shape[1]:]
        return self.processor.batch_decode(new_tokens, skip_special_tokens=True)[0].strip()


class ImageEmbedder:
    """A CLIP-style dual encoder: unit vectors for images and texts in one space."""

    def __init__(self, source: str) -> None:
        from transformers import AutoModel, AutoProcessor

        try:
            self.processor = AutoProcessor.from_pretrained(source)
            self.model = AutoModel.from_pretrained(source).eval()
        except OSError as error:
            raise ModelUnavailableError(
                "The configured image embedder (GLOSSA_IMAGE_EMBEDDER_MODEL) is missing."
            ) from error
        self.model_name = source
        self._lock = threading.Lock()

    def embed_images(self, images: list[bytes | Image.Image]) -> np.ndarray:
        inputs = self.processor(images=[_rgb(image) for image in images], return_tensors="pt")
        return self._unit(self.model.get_image_features, inputs)

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        inputs = self.processor(text=texts, return_tensors="pt", padding=True, truncation=True)
        return self._unit(self.model.get_text_features, inputs)

    def similarity(self, image: bytes | Image.Image, texts: list[str]) -> np.ndarray:
        """Cosine between one image and each text."""
        return self.embed_texts(texts) @ self.embed_images([image])[0]

    def _unit(self, encode, inputs) -> np.ndarray:
        import torch

        with self._lock, torch.inference_mode():
            features = encode(**inputs)
        features = getattr(features, "pooler_output", features)  # transformers 5 returns a model output
        vectors = features.float().numpy()
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)


_describers: dict[str, ImageDescriber] = {}
_embedders: dict[str, ImageEmbedder] = {}
_lock = threading.Lock()


def get_image_describer() -> ImageDescriber | None:
    """The configured vision-language model, or None when the site has none."""
    source = settings.GLOSSA.get("VLM_MODEL") or ""
    if not source:
        return None
    with _lock:
        if source not in _describers:
            _describers[source] = ImageDescriber(source)
        return _describers[source]


def get_image_embedder() -> ImageEmbedder | None:
    """The configured CLIP-style embedder, or None when the site has none."""
    source = settings.GLOSSA.get("IMAGE_EMBEDDER_MODEL") or ""
    if not source:
        return None
    with _lock:
        if source not in _embedders:
            _embedders[source] = ImageEmbedder(source)
        return _embedders[source]
