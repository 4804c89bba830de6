"""Decode an uploaded picture safely into a plain RGB image.

Uploads come from anywhere: the pixel limit stops decompression bombs before any pixel is
decoded, and every decoding failure becomes a DiagramError a teacher can act on.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib

from django.conf import settings
from PIL import Image, ImageOps

from rag.diagrams.types import DiagramError

_NOT_AN_IMAGE = "This file is not a readable image (it may be truncated or corrupt)."


def load_image(data: bytes | Image.Image) -> Image.Image:
    """The picture upright (EXIF orientation applied) in RGB, transparency flattened onto white."""
    limit = settings.GLOSSA["MAX_IMAGE_PIXELS"]
    if isinstance(data, Image.Image):
        _check_size(data.width * data.height, limit)
        image = data
    else:
        image = _open(data, limit)
    try:
        image = ImageOps.exif_transpose(image)
        return _flatten(image)
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as exc:
        raise DiagramError(_NOT_AN_IMAGE) from exc


def _open(data: bytes, limit: int) -> Image.Image:
    if not data:
        raise DiagramError("This file is empty, so there is no image to read.")
    Image.MAX_IMAGE_PIXELS = limit  # the same value in every thread, so setting it is safe
    try:
        with warnings.catch_warnings():
            # Pillow only warns between the limit and twice the limit; treat that as too large as well.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            _check_size(image.width * image.height, limit)
            image.load()
            return image
    except DiagramError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        match = re.search(r"\((\d+) pixels\)", str(exc))
        raise DiagramError(_too_large(int(match.group(1)) if match else limit + 1, limit)) from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error) as exc:
        raise DiagramError(_NOT_AN_IMAGE) from exc


def _check_size(pixels: int, limit: int) -> None:
    if pixels > limit:
        raise DiagramError(_too_large(pixels, limit))


def _too_large(pixels: int, limit: int) -> str:
    return (
        f"This image is too large to process safely ({_megapixels(pixels)} megapixels; "
        f"the limit is {_megapixels(limit)})."
    )


def _megapixels(pixels: int) -> str:
    value = pixels / 1_000_000
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")  # 16-bit scans: keep the tones
    return image.convert("RGB")
