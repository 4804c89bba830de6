"""Finding 4: DEBUG is off unless asked for, and no error page echoes request data, file content or settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest
from django.test import Client
from django.urls import path

from edu.urls import urlpatterns as glossa_urlpatterns
from tests.conftest import REPO_ROOT
from tests.factories import UserFactory

NAME, EMAIL, STUDENT_ID = "Zephyrine Quillfeather", "zephyrine.q@example.org", "S7654321"
SECRET_KEY = "a-settings-value-that-must-never-be-shown-0123456789-abcdefghijkl"


def _crash(request: HttpRequest):
    # As a bug deep in an import would: the exception message carries the uploaded row.
    raise ValueError(f"row 2: {request.POST.get('row')}")


def _refuse(request: HttpRequest):
    raise PermissionDenied(f"{request.GET.get('q')} is not yours")


def _suspicious(request: HttpRequest):
    raise SuspiciousOperation(f"bad input {request.GET.get('q')}")


urlpatterns = [
    path("test-crash/", _crash),
    path("test-refuse/", _refuse),
    path("test-suspicious/", _suspicious),
    *glossa_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _assert_leaks_nothing(body: str) -> None:
    for value in (NAME, EMAIL, STUDENT_ID, SECRET_KEY, "Traceback", "DATABASES", "SECRET_KEY"):
        assert value not in body, value


def _signed_in_client() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


def test_debug_is_off_unless_opted_in():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GLOSSA_ENV"))}
    # The settings as manage.py loads them, in a process of their own (without starting the apps: 0.2 s, not 15).
    show = [sys.executable, "-c", "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'edu.settings'); "
            "from django.conf import settings; print(settings.DEBUG)"]
    default = subprocess.run(show, cwd=REPO_ROOT, env=clean, capture_output=True, text=True, timeout=120, check=True)
    assert default.stdout.strip().splitlines()[-1] == "False"
    opted_in = subprocess.run(show, cwd=REPO_ROOT, env={**clean, "DJANGO_DEBUG": "1"}, capture_output=True,
                              text=True, timeout=120, check=True)
    assert opted_in.stdout.strip().splitlines()[-1] == "True"


def test_a_crash_shows_a_friendly_500_that_echoes_nothing(settings):
    settings.SECRET_KEY = SECRET_KEY
    response = _signed_in_client().post("/test-crash/", {"row": f"{NAME},{EMAIL},{STUDENT_ID}"})
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    _assert_leaks_nothing(body)


def test_403_404_and_400_pages_are_friendly_and_echo_nothing(settings):
    settings.SECRET_KEY = SECRET_KEY
    client = _signed_in_client()
    query = {"q": f"{NAME} {EMAIL} {STUDENT_ID}"}
    refused = client.get("/test-refuse/", query)
    assert refused.status_code == 403 and "You do not have access" in refused.content.decode()
    missing = client.get(f"/no-such-page/{STUDENT_ID}/", query)
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    bad = client.get("/test-suspicious/", query)
    assert bad.status_code == 400 and "could not be read" in bad.content.decode()
    for response in (refused, missing, bad):
        _assert_leaks_nothing(response.content.decode())
