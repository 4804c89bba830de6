"""API tokens that expire and die with the password they were obtained with."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_lifetime() -> timedelta:
    return timedelta(hours=settings.GLOSSA["API_TOKEN_HOURS"])


def token_expired(token: Token) -> bool:
    return token.created + token_lifetime() <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token scheme, refusing a token older than GLOSSA_API_TOKEN_HOURS (and deleting it)."""

    def authenticate_credentials(self, key: str):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed("The token has expired; obtain a new one.")
        return user, token


def revoke_tokens_when_password_changes(sender, instance, update_fields=None, **kwargs) -> None:
    """pre_save of the user model: a new (or unusable) password deletes the user's API token.

    Erasure deletes the user, and the token with it (cascade).
    """
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = type(instance).objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
