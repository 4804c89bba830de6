"""POST /api/v1/auth/token/: a sign-in for scripts, throttled like the portal's and issuing expiring tokens."""

from __future__ import annotations

from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from edu.lockout import LOCKED_OUT_STATUS, lockout_message
from edu.rest.authentication import token_expired, token_lifetime


class ObtainExpiringToken(ObtainAuthToken):
    """POST username and password for a token; an expired token is replaced, a locked-out sign-in gets 429.

    The serializer authenticates with the request, so django-axes counts every failed attempt here too.
    """

    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # set by django-axes on this (DRF) request
                return Response({"detail": lockout_message()}, status=LOCKED_OUT_STATUS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        token, created = Token.objects.get_or_create(user=user)
        if not created and token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        expires = token.created + token_lifetime()
        return Response({"token": token.key, "expires": expires.isoformat()})
