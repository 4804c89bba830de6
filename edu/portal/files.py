"""Serving uploaded materials safely (never through MEDIA_URL).

The content type comes from the material's validated kind, not from the upload; only raster
images and SVG display inline, SVG under a sandboxing CSP so a script inside never runs;
everything else downloads as an attachment.
"""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, Http404

from edu.api import Material

RASTER_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
ATTACHMENT_TYPES = {
    Material.Kind.TEXT: "text/plain; charset=utf-8",
    Material.Kind.MARKDOWN: "text/markdown; charset=utf-8",
    Material.Kind.HTML: "text/plain; charset=utf-8",  # shown as source, never rendered from our origin
    Material.Kind.PDF: "application/pdf",
}
SVG_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


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
    if material.kind == Material.Kind.SVG:
        response["Content-Security-Policy"] = SVG_CSP
    return response
