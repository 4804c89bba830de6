"""Uploads are decoded safely: bombs, broken files and odd image modes never get past load_image."""

import io
import struct
import zlib

import pytest
from PIL import Image

from rag.diagrams import DiagramError
from rag.diagrams.decode import load_image


def _encoded(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims the given size: what a decompression bomb looks like."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.fixture
def pixel_limit(settings):
    def set_limit(pixels: int) -> None:
        settings.GLOSSA = {**settings.GLOSSA, "MAX_IMAGE_PIXELS": pixels}

    return set_limit


def test_an_empty_file_is_refused_with_a_reason():
    with pytest.raises(DiagramError, match="This file is empty"):
        load_image(b"")


@pytest.mark.parametrize("damage", ["truncated", "not_an_image"])
def test_a_truncated_or_foreign_file_is_refused_as_unreadable(damage):
    png = _encoded(Image.new("RGB", (300, 200), "white"))
    data = png[: len(png) // 2] if damage == "truncated" else b"%PDF-1.7 definitely not pixels" * 10

    with pytest.raises(DiagramError, match=r"not a readable image \(it may be truncated or corrupt\)"):
        load_image(data)


def test_a_header_claiming_gigapixels_is_refused_before_decoding(pixel_limit):
    pixel_limit(40_000_000)

    with pytest.raises(DiagramError) as error:
        load_image(_png_claiming(60_000, 50_000))

    assert str(error.value) == "This image is too large to process safely (3000 megapixels; the limit is 40)."


def test_an_image_just_over_the_configured_limit_is_refused(pixel_limit):
    pixel_limit(10_000)

    with pytest.raises(DiagramError, match=r"too large to process safely \(0.015 megapixels; the limit is 0.01\)"):
        load_image(_encoded(Image.new("RGB", (150, 100), "white")))
    with pytest.raises(DiagramError, match="too large"):
        load_image(Image.new("RGB", (150, 100), "white"))


def test_an_image_within_the_limit_loads(pixel_limit):
    pixel_limit(10_000)

    assert load_image(_encoded(Image.new("RGB", (100, 100), "white"))).size == (100, 100)


def test_transparent_areas_become_white_not_black():
    rgba = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    rgba.paste((0, 0, 0, 255), (10, 10, 30, 30))
    paletted = rgba.convert("P")

    for data in (_encoded(rgba), _encoded(paletted, transparency=paletted.getpixel((0, 0)))):
        image = load_image(data)
        assert image.mode == "RGB"
        assert image.getpixel((0, 0)) == (255, 255, 255)
        assert image.getpixel((20, 20)) == (0, 0, 0)


def test_exif_orientation_is_applied_so_the_diagram_is_upright():
    photo = Image.new("RGB", (200, 100), "white")
    exif = photo.getexif()
    exif[0x0112] = 6  # "rotate 90 CW to display", as phone cameras write it

    assert load_image(_encoded(photo, "JPEG", exif=exif)).size == (100, 200)


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "PNG"])
def test_common_upload_formats_and_pillow_images_decode_to_rgb(fmt):
    source = Image.new("L", (64, 48), 128)

    assert load_image(_encoded(source, fmt)).mode == "RGB"
    assert load_image(source).size == (64, 48)
