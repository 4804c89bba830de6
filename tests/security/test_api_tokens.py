"""Finding 6: API tokens expire, and a changed password ends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _obtain(user) -> dict:
    response = APIClient().post(reverse("v1:token"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def _profile_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(reverse("v1:profile")).status_code


def test_a_fresh_token_works_and_says_when_it_expires(settings):
    user = UserFactory()
    issued = _obtain(user)
    assert _profile_status(issued["token"]) == 200
    expires = timezone.datetime.fromisoformat(issued["expires"])
    assert abs(expires - (timezone.now() + timedelta(hours=settings.GLOSSA["API_TOKEN_HOURS"]))) < timedelta(minutes=1)


def test_a_token_older_than_its_lifetime_is_refused_and_a_new_one_is_issued(settings):
    settings.GLOSSA = {**settings.GLOSSA, "API_TOKEN_HOURS": 2}
    user = UserFactory()
    old_key = _obtain(user)["token"]
    Token.objects.filter(key=old_key).update(created=timezone.now() - timedelta(hours=2, minutes=1))
    assert _profile_status(old_key) == 401
    assert not Token.objects.filter(key=old_key).exists()
    new_key = _obtain(user)["token"]
    assert new_key != old_key and _profile_status(new_key) == 200


def test_an_expired_token_is_replaced_when_a_new_one_is_asked_for(settings):
    settings.GLOSSA = {**settings.GLOSSA, "API_TOKEN_HOURS": 1}
    user = UserFactory()
    old_key = _obtain(user)["token"]
    Token.objects.filter(key=old_key).update(created=timezone.now() - timedelta(hours=3))
    assert _obtain(user)["token"] != old_key


def test_changing_the_password_revokes_the_token():
    user = UserFactory()
    key = _obtain(user)["token"]
    user.set_password("a-whole-new-passphrase-77")
    user.save()
    assert _profile_status(key) == 401


def test_a_password_set_through_a_sign_in_link_revokes_the_token(client):
    user = UserFactory()
    key = _obtain(user)["token"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    form = client.get(reverse("set_password", args=[uid, default_token_generator.make_token(user)]), follow=True)
    saved = client.post(form.redirect_chain[-1][0],
                        {"new_password1": "tide-pool-orbit-42", "new_password2": "tide-pool-orbit-42"})
    assert saved.status_code == 302
    assert _profile_status(key) == 401


def test_saving_a_user_without_a_new_password_keeps_the_token():
    user = UserFactory()
    key = _obtain(user)["token"]
    user.first_name = "Renamed"
    user.save()
    user.save(update_fields=["last_login"])
    assert _profile_status(key) == 200


def test_erasing_the_user_deletes_the_token():
    user = UserFactory()
    key = _obtain(user)["token"]
    user.delete()
    assert not Token.objects.filter(key=key).exists()
