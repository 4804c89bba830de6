"""Upload size enforced while the request streams in, before any byte of a too-large file is kept.

``SizeLimitedUploadHandler`` goes first in ``FILE_UPLOAD_HANDLERS``: it counts each file's bytes as
they arrive and skips a file the moment it passes ``GLOSSA['MAX_UPLOAD_BYTES']`` (Django then
closes and deletes what the next handler had buffered and reads on to the next file). The other
files of the request go through; views report the skipped ones with ``refused_uploads``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

_REFUSALS = "_glossa_refused_uploads"


def oversized_message(name: str) -> str:
    limit_mb = settings.GLOSSA["MAX_UPLOAD_BYTES"] / (1024 * 1024)
    return (
        f"{name}: this file is larger than the {limit_mb:g} MB upload limit and was not kept; "
        "split it or compress its images."
    )


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading a file past the upload limit; nothing of it reaches storage or a temporary file."""

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.limit = settings.GLOSSA["MAX_UPLOAD_BYTES"]
        self.received = 0
        if content_length is not None and content_length > self.limit:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the uploaded file

    def _refuse(self) -> None:
        if self.request is not None:
            refusals = getattr(self.request, _REFUSALS, None)
            if refusals is None:
                refusals = []
                setattr(self.request, _REFUSALS, refusals)
            refusals.append(oversized_message(self.file_name or "file"))
        raise SkipFile


def refused_uploads(request: HttpRequest) -> list[str]:
    """One readable message per file of this request skipped for its size (read request.FILES first)."""
    return list(getattr(request, _REFUSALS, []))
