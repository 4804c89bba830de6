"""The explain rate limit, shared by the REST endpoint and the portal's streaming view."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class ExplainThrottle(UserRateThrottle):
    """Explanations per user (GLOSSA_EXPLAIN_RATE): generation is the most expensive thing a user can ask for."""

    scope = "explain"

    def get_rate(self) -> str:
        # Read at each request (DRF binds the rates at import), so a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


def explain_allowed(request: HttpRequest) -> bool:
    """Count one explanation for the portal against the same per-user counter the API uses."""
    return ExplainThrottle().allow_request(request, view=None)
