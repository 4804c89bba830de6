"""Finding 10: a Content-Security-Policy on portal pages, Swagger UI without a CDN, and short sessions
for students on shared school computers."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

from edu.sessions import DEADLINE_KEY
from tests.factories import CourseFactory, UserFactory, student_in, teacher_of

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.fixture
def people(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    course = CourseFactory(slug="earth")
    student, teacher = student_in(course, username="pupil"), teacher_of(course, username="tutor")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    for user in (student, teacher, admin):
        user.set_password(PASSWORD)
        user.save()
    return course, student, teacher, admin


def _sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "signed in"
    return client


# --- Content-Security-Policy ---------------------------------------------------------------------
@pytest.mark.parametrize("route", ["portal:home", "portal:course", "portal:ask", "portal:profile", "portal:my_data"])
def test_portal_pages_carry_a_policy_that_forbids_inline_and_foreign_script(client, people, route):
    course, student, _, _ = people
    url = reverse(route, args=[course.slug]) if route in {"portal:course", "portal:ask"} else reverse(route)
    response = _sign_in(client, student).get(url)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("style-src", []) and "'unsafe-eval'" not in policy["script-src"]
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline script the policy would block"
    assert not re.search(r"\son[a-z]+=", page), "an inline event handler the policy would block"
    assert not re.search(r"<style|\sstyle=", page), "inline style the policy would block"


def test_the_login_and_teacher_pages_carry_the_policy_too(client, people):
    course, _, teacher, _ = people
    assert "script-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]
    response = _sign_in(client, teacher).get(reverse("portal:materials", args=[course.slug]))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())


# --- Swagger UI ----------------------------------------------------------------------------------
def test_swagger_ui_loads_only_from_this_site(client):
    response = client.get(reverse("v1:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.search(r"https?://", page.replace("http://www.w3.org", "")), "the page names another host"
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert any("swagger-ui-bundle.js" in source for source in sources)
    script = client.get(reverse("v1:docs") + "?script")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


# --- Sessions ------------------------------------------------------------------------------------
def test_a_students_session_ends_with_the_browser_and_after_the_configured_minutes(client, people, settings):
    _, student, _, _ = people
    settings.GLOSSA_STUDENT_SESSION_MINUTES = 45
    client = _sign_in(client, student)
    assert client.session.get_expire_at_browser_close()
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == "", "a browser-session cookie"
    assert 44 * 60 <= client.session[DEADLINE_KEY] - time.time() <= 45 * 60


def test_a_student_is_signed_out_once_the_deadline_passes(client, people):
    _, student, _, _ = people
    client = _sign_in(client, student)
    assert client.get(reverse("portal:home")).status_code == 200
    session = client.session
    session[DEADLINE_KEY] = int(time.time()) - 1
    session.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_teachers_and_staff_keep_the_longer_configured_session(client, people, settings):
    _, _, teacher, admin = people
    settings.GLOSSA_STAFF_SESSION_HOURS = 10
    for user in (teacher, admin):
        client.logout()
        session = _sign_in(client, user).session
        assert not session.get_expire_at_browser_close()
        assert session.get_expiry_age() == 10 * 3600
        assert DEADLINE_KEY not in session


def test_the_default_student_session_is_about_a_school_period(settings):
    assert 20 <= settings.GLOSSA_STUDENT_SESSION_MINUTES <= 120
    assert settings.GLOSSA_STUDENT_SESSION_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 24 * 3600
