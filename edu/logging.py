"""Logging filters that keep personal data out of log output."""

from __future__ import annotations

import logging


class StripRequestDataFilter(logging.Filter):
    """Drop the request object and formatting args that Django attaches to log records.

    Django's request logger passes the request (with its body and POST data) on the record;
    any handler or formatter that renders it would leak learner text. We keep only the
    already-formatted message, which names the path and status, never the payload.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        return True
