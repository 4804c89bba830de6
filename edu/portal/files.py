"""Serving materials safely (never through MEDIA_URL; Django serves no media route at all).

The original upload goes to the course's teachers and administrators only: its content type comes
from the material's validated kind, not from the upload; only raster images and SVG display
inline, SVG under a sandboxing CSP so a script inside never runs; everything else downloads as an
attachment. Students get Glossa's rendering of a diagram (``picture_response``): re-encoded pixels
with redacted labels painted over, or an allow-listed SVG, under the same sandbox.
"""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, Http404, HttpResponse

from edu.api import Material
from rag import api as rag_api

RASTER_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
ATTACHMENT_TYPES = {
    Material.Kind.TEXT: "text/plain; charset=utf-8",
    Material.Kind.MARKDOWN: "text/markdown; charset=utf-8",
    Material.Kind.HTML: "text/plain; charset=utf-8",  # shown as source, never rendered from our origin
    Material.Kind.PDF: "application/pdf",
}
SVG_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def picture_response(material: Material) -> HttpResponse:
    """The student-safe picture of an image or SVG material (404 when there is none)."""
    try:
        rendition = rag_api.student_rendition(material=material)
    except rag_api.RenditionUnavailable as error:
        raise Http404(str(error)) from None
    response = HttpResponse(rendition.content, content_type=rendition.content_type)
    response["Content-Disposition"] = f'inline; filename="diagram-{material.pk}.{_extension(rendition.content_type)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SVG_CSP
    response["Cache-Control"] = "private, max-age=300"
    return response


def _extension(content_type: str) -> str:
    return "svg" if content_type == "image/svg+xml" else "png"


def material_file_response(material: Material) -> FileResponse:
    if not material.file or not material.file.storage.exists(material.file.name):
        raise Http404("The file of this material is no longer stored.")
    suffix = PurePath(material.file.name).suffix.lower()
    download_name = material.original_filename or f"material-{material.pk}{suffix}"
    inline = material.kind in {Material.Kind.IMAGE, Material.Kind.SVG}
    if material.kind == Material.Kind.IMAGE:
        content_type = RASTER_TYPES.get(suffix, "application/octet-stream")
    elif material.kind == Material.Kind.SVG:
        content_type = "image/svg+xml"
    else:
        content_type = ATTACHMENT_TYPES.get(material.kind, "application/octet-stream")
    response = FileResponse(
        material.file.open("rb"), as_attachment=not inline, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    # Every original, whatever its kind, opens in a sandbox: no script, no same-origin access.
    response["Content-Security-Policy"] = SVG_CSP
    return response
