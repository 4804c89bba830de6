"""Finding 5: no log file holds what a pupil typed (name, email, student ID) or a sign-in link's token."""

from __future__ import annotations

import http.cookiejar
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponseNotFound
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.log import log_response

from edu.logging import StripRequestDataFilter
from tests.conftest import REPO_ROOT, test_database_url
from tests.factories import CourseFactory, student_in, teacher_of

NAME, EMAIL, STUDENT_ID = "Mirabel Quistgaard", "mirabel.quistgaard@example.org", "S8675309"
TYPED = f"Why does {NAME} ({EMAIL}, {STUDENT_ID}) see condensation on cold glass?"


# --- The pieces -------------------------------------------------------------------------------
def test_scrub_url_drops_query_strings_and_masks_sign_in_links():
    from edu.logging import scrub_url

    line = f"GET /api/v1/courses/x/search/?q={EMAIL}&k=3 HTTP/1.1"
    assert scrub_url(line) == "GET /api/v1/courses/x/search/ HTTP/1.1"
    assert scrub_url("/accounts/set-password/MTI/cf3x-9f0e2b1c/") == "/accounts/set-password/<uid>/<token>/"
    assert scrub_url("/accounts/set-password/done/") == "/accounts/set-password/done/"


def test_the_sign_in_link_route_is_the_one_the_scrubber_masks():
    from edu.logging import scrub_url

    path = reverse("set_password", kwargs={"uidb64": "MTI", "token": "cf3x-9f0e2b1c"})
    assert "cf3x" not in scrub_url(path) and "MTI" not in scrub_url(path)


def test_django_request_log_lines_lose_query_strings_and_tokens():
    address = f"/x/?q={urllib.parse.quote(NAME)}"  # as a request line carries it: percent-encoded
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (address,), None)
    StripRequestDataFilter().filter(record)
    assert record.getMessage() == "Not Found: /x/"
    request = RequestFactory().get("/accounts/set-password/MTI/cf3x-9f0e2b1c/")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(StripRequestDataFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        log_response("Not Found: %s", request.path, response=HttpResponseNotFound(), request=request)
    finally:
        logger.removeHandler(handler)
    assert "cf3x" not in records[0].getMessage() and records[0].request is None


def test_gunicorn_access_log_atoms_hold_no_query_string_referer_query_or_token():
    from edu.logging import PrivateAccessLogger

    class Response:
        status, headers, sent = "200 OK", [], 12

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/api/v1/courses/x/search/?q={STUDENT_ID}",
               "PATH_INFO": "/accounts/set-password/MTI/cf3x-9f0e2b1c/", "QUERY_STRING": f"q={STUDENT_ID}",
               "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": f"http://glossa/search/?q={EMAIL}"}
    atoms = PrivateAccessLogger.atoms(object.__new__(PrivateAccessLogger), Response(), [], environ,
                                      timedelta(milliseconds=3))
    rendered = json.dumps(atoms)
    for secret in (STUDENT_ID, EMAIL, "cf3x"):
        assert secret not in rendered


# --- End to end: the real server as `make run` starts it ------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A cookie-keeping client that sends Django's CSRF token like a browser form does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path, headers=headers or {}))  # noqa: S310

    def post(self, path: str, data: dict, headers: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self._csrf(), **data}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, headers=headers or {}))  # noqa: S310

    def upload(self, path: str, filename: str, content: bytes, headers: dict) -> tuple[int, str, str]:
        boundary = "glossa-test-boundary-7f3a"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
                f"Content-Type: text/plain\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._open(urllib.request.Request(self.base + path, data=body, headers=headers))  # noqa: S310

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def sign_in(self, username: str, password: str) -> int:
        self.get("/accounts/login/")
        status, url, _ = self.post("/accounts/login/", {"username": username, "password": password})
        return status if url.endswith("/accounts/login/") else 302


@pytest.fixture
def running_portal(tmp_path, celery_test_broker, settings):
    """`manage.py serve` on the test database: real gunicorn and a real worker, logs under tmp_path/log."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_BROKER_URL": celery_test_broker,
           "GLOSSA_VAR_DIR": str(tmp_path), "CELERY_WORKER_CONCURRENCY": "1",
           "GLOSSA_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    env.pop("DJANGO_DEBUG", None)
    # As `make run` does before serve: the database cache that rate limits share.
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=REPO_ROOT, env=env, check=True, timeout=120)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).close()  # noqa: S310 - loopback only
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the portal did not answer within 180 s"
                time.sleep(0.5)
        worker_log = tmp_path / "log" / "worker.log"
        while "ready." not in (worker_log.read_text(errors="replace") if worker_log.exists() else ""):
            assert time.monotonic() < deadline, "the worker did not start within 180 s"
            time.sleep(0.5)
        yield base, tmp_path / "log"
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_nothing_a_pupil_types_nor_a_sign_in_token_reaches_any_log_file(running_portal):
    base, log_dir = running_portal
    course = CourseFactory(slug="water-cycle")
    teacher = teacher_of(course)
    pupil = student_in(course)
    newcomer = student_in(course)
    newcomer.set_unusable_password()
    newcomer.save()

    # A mistyped sign-in whose username is a pupil's name: the failure is counted, not logged by name.
    Browser(base).sign_in(NAME, "not-the-password")

    browser = Browser(base)
    assert browser.sign_in(pupil.username, "correct-horse-battery") == 302
    # The portal's ask page with the values in a query string, and the question itself.
    quoted = urllib.parse.quote(TYPED)
    assert browser.get(f"/courses/{course.slug}/ask/?q={quoted}")[0] == 200
    status, _, stream = browser.post(f"/courses/{course.slug}/ask/stream/", {"question": TYPED})
    assert status == 200 and '"done"' in stream, stream[:500]
    # A page that does not exist, with the values in its query string ("Not Found: ..." in Django's log).
    assert browser.get(f"/courses/{course.slug}/nowhere/?email={urllib.parse.quote(EMAIL)}")[0] == 404

    # The API: a token, then a search with the values in ?q=.
    api = Browser(base)
    status, _, body = api.post("/api/v1/auth/token/", {"username": pupil.username, "password": "correct-horse-battery"})
    assert status == 200, body
    api_token = json.loads(body)["token"]
    status, _, _ = api.get(f"/api/v1/courses/{course.slug}/search/?q={quoted}&k=3",
                           headers={"Authorization": f"Token {api_token}"})
    assert status == 200

    # The teacher issues a sign-in link; the pupil opens it.
    staff = Browser(base)
    assert staff.sign_in(teacher.username, "correct-horse-battery") == 302
    status, _, page = staff.post(f"/courses/{course.slug}/roster/{newcomer.pk}/sign-in-link/", {})
    assert status == 200, page[:500]
    link = re.search(r'value="(https?://[^"]+/accounts/set-password/[^"]+)"', page).group(1)
    link_path = urllib.parse.urlsplit(link).path
    uid, link_token = link_path.rstrip("/").split("/")[-2:]
    assert default_token_generator.check_token(newcomer, link_token)
    assert uid == urlsafe_base64_encode(force_bytes(newcomer.pk))
    status, _, form_page = Browser(base).get(link_path)
    assert status == 200 and "password" in form_page.lower()

    # Last (its sources would make the question above wait for the language model): the teacher
    # uploads a note naming the pupil, and the worker started by serve ingests it.
    status, _, body = staff.post("/api/v1/auth/token/", {"username": teacher.username,
                                                          "password": "correct-horse-battery"})
    teacher_auth = {"Authorization": f"Token {json.loads(body)['token']}"}
    note = (f"Condensation notes. {NAME} ({EMAIL}, student {STUDENT_ID}) asked why cold glass gets wet.\n"
            "Water vapour in warm air cools on the cold glass and condenses into droplets.\n").encode()
    status, _, body = staff.upload(f"/api/v1/courses/{course.slug}/materials/", "condensation.txt", note,
                                   teacher_auth)
    assert status == 201, body
    job_id = json.loads(body)["jobs"][0]["id"]
    deadline = time.monotonic() + 420
    while True:
        job = json.loads(staff.get(f"/api/v1/jobs/{job_id}/", headers=teacher_auth)[2])
        if job["state"] in ("indexed", "failed"):
            break
        assert time.monotonic() < deadline, f"ingestion did not finish: {job}"
        time.sleep(1)
    assert job["state"] == "indexed", job

    time.sleep(1.5)  # gunicorn writes access lines after the response
    logs = {path.name: path.read_text(errors="replace") for path in Path(log_dir).rglob("*") if path.is_file()}
    assert {"web.log", "worker.log"} <= set(logs)
    for name, text in logs.items():
        for secret in (NAME, EMAIL, STUDENT_ID, quoted, urllib.parse.quote(EMAIL), link_token, api_token,
                       "Mirabel", "Quistgaard", "8675309"):
            assert secret not in text, f"{secret!r} found in {name}"
    assert "Task rag.tasks.ingest_material[" in logs["worker.log"]  # the worker did log its work
    # ...while the access log still records each request, by path.
    assert f"GET /api/v1/courses/{course.slug}/search/ " in logs["web.log"]
    assert "/accounts/set-password/<uid>/<token>/" in logs["web.log"]


def test_gunicorn_error_log_lines_are_scrubbed_too(tmp_path):
    from gunicorn.config import Config

    from edu.logging import PrivateAccessLogger

    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    logger = PrivateAccessLogger(config)
    logger.error("Invalid request from ip=127.0.0.1: GET /x/?q=%s HTTP/1.1", urllib.parse.quote(EMAIL))
    for handler in logger.error_log.handlers:
        handler.flush()
    written = (tmp_path / "error.log").read_text()
    assert "Invalid request" in written and "example.org" not in written
