"""Logging that keeps personal data and secrets out of log output.

Three places print request addresses: Django's own loggers ("Not Found: /path"), gunicorn's
access log, and anything that logs a URL. Query strings (a search for a pupil's name) and the
one-time token of a sign-in link are removed from all of them here.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# /accounts/set-password/<uidb64>/<token>/ (edu/urls.py): both segments identify and unlock an account.
_SIGN_IN_LINK = re.compile(r"(/accounts/set-password/)(?!done/)[^/\s?#\"']+/[^/\s?#\"']+")
# A query string after a path or URL, up to the next space or quote.
_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")

SIGN_IN_LINK_MASK = r"\1<uid>/<token>"


def scrub_url(text: str) -> str:
    """``text`` with every query string dropped and every sign-in link's account and token masked."""
    return _QUERY_STRING.sub(r"\1", _SIGN_IN_LINK.sub(SIGN_IN_LINK_MASK, text))


class StripRequestDataFilter(logging.Filter):
    """Drop the request Django attaches to log records, and scrub URLs out of the message.

    Django's request logger passes the request (with its body and POST data) on the record;
    any handler or formatter that renders it would leak learner text. The message keeps the
    path and status, without query strings or sign-in tokens.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is left for logging's own error report
            return True
        scrubbed = scrub_url(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


class PrivateAccessLogger(GunicornLogger):
    """gunicorn's logger with request lines, paths and referers scrubbed (gunicorn ``logger_class``).

    Whatever ``access_log_format`` an operator chooses, the atoms that hold a URL carry no query
    string and no sign-in token; the query-string atoms are empty.
    """

    _QUERY_ATOMS = ("q", "{query_string}e")

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # The error log too: "Invalid request from ..." lines can quote the request line.
        for handler in (*self.error_log.handlers, *self.access_log.handlers):
            handler.addFilter(StripRequestDataFilter())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():  # request line, path, referer, and every header and environ atom
            if isinstance(value, str) and "/" in value:
                atoms[key] = scrub_url(value)
        for key in self._QUERY_ATOMS:
            if key in atoms:
                atoms[key] = "-"
        return atoms
