"""Request logs name the path and status, never the request body or learner text."""

from __future__ import annotations

import io
import logging
import logging.config

from django.conf import settings
from django.http import HttpResponseServerError
from django.test import RequestFactory
from django.utils.log import log_response


def test_error_log_of_a_post_request_does_not_contain_its_body():
    stream = io.StringIO()
    config = {**settings.LOGGING, "disable_existing_loggers": False}
    config["handlers"] = {
        "console": {**settings.LOGGING["handlers"]["console"], "class": "logging.StreamHandler", "stream": stream}
    }
    # A formatter that would print the request if it were still attached to the record.
    config["formatters"] = {"plain": {"format": "%(levelname)s %(message)s %(request)s"}}
    logging.config.dictConfig(config)
    try:
        request = RequestFactory().post(
            "/ask/", {"question": "my name is Lina Haddad and I live at 12 Oak Street"}
        )
        log_response("Internal Server Error: %s", request.path, response=HttpResponseServerError(), request=request)
    finally:
        logging.config.dictConfig(settings.LOGGING)
    output = stream.getvalue()
    assert "Internal Server Error: /ask/" in output
    assert "Lina" not in output
    assert "Oak Street" not in output
    assert "WSGIRequest" not in output
