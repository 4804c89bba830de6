"""Recognise what an upload really is from its first bytes, whatever its name says."""

from __future__ import annotations

import re

# Formats a teacher might upload by mistake, named for the message they will read.
PDF = "a PDF document"
PNG = "a PNG image"
JPEG = "a JPEG image"
WEBP = "a WebP image"
GIF = "a GIF image"
ZIP = "a ZIP archive (for example a Word, PowerPoint or OpenDocument file)"
SVG = "an SVG drawing"
BINARY = "a binary file"
TEXT = "text"

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),
)
_SVG_ROOT = re.compile(rb"<svg[\s>]", re.IGNORECASE)
_SNIFF_BYTES = 4096


def sniff(content: bytes) -> str:
    """One of the format names above; text formats (plain, Markdown, HTML) are all just ``TEXT``."""
    head = content[:_SNIFF_BYTES]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return TEXT  # UTF-16: text, refused later with the encoding advice rather than called binary
    if b"\x00" in head:
        return BINARY
    if _SVG_ROOT.search(head) and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return SVG
    return TEXT


EXPECTED = {
    "pdf": {PDF},
    "image": {PNG, JPEG, WEBP},
    "svg": {SVG},
    "text": {TEXT, SVG},
    "markdown": {TEXT, SVG},
    "html": {TEXT, SVG},
}
