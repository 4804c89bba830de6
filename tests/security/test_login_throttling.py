"""Finding 6: guessing passwords is throttled on the portal login, the admin login and the API token endpoint."""

from __future__ import annotations

import logging

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
LIMIT = 5


@pytest.fixture(autouse=True)
def _failure_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def _fail(client, url: str, username: str, times: int, **extra) -> list[int]:
    return [client.post(url, {"username": username, "password": f"wrong-{n}"}, **extra).status_code
            for n in range(times)]


def test_portal_login_locks_after_the_limit_and_the_right_password_no_longer_works():
    user = UserFactory()
    client = Client()
    statuses = _fail(client, reverse("login"), user.username, 25)
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with an error
    assert set(statuses[LIMIT:]) == {429}
    locked = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page and "Try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session  # not signed in


def test_admin_login_is_throttled_too():
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    _fail(client, reverse("admin:login"), admin.username, LIMIT)
    response = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_api_token_endpoint_is_throttled_with_a_json_answer():
    user = UserFactory()
    client = APIClient()
    url = reverse("v1:token")
    statuses = _fail(client, url, user.username, LIMIT)
    assert statuses[: LIMIT - 1] == [400] * (LIMIT - 1)
    response = client.post(url, {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert "token" not in response.json()


def test_a_lockout_is_per_username_and_address_and_ends_after_the_cool_off(settings):
    user, other = UserFactory(), UserFactory()
    _fail(Client(), reverse("login"), user.username, LIMIT)
    # Another account from the same address still signs in: a class shares one school address.
    assert Client().post(reverse("login"), {"username": other.username, "password": PASSWORD}).status_code == 302
    # The same account from another address too: an attacker cannot lock a student out of school.
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert elsewhere.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    with override_settings(AXES_COOLOFF_TIME=__import__("datetime").timedelta(seconds=0)):
        assert Client().post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302


def test_throttling_logs_name_neither_the_username_nor_the_address(caplog):
    user = UserFactory(username="mira.okafor.s1234567")
    with caplog.at_level(logging.DEBUG, logger="axes"):
        _fail(Client(REMOTE_ADDR="203.0.113.77"), reverse("login"), user.username, LIMIT + 1)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in logged  # axes did log the failures and the lockout
    assert user.username not in logged
    assert "203.0.113.77" not in logged
