"""What a sign-in that django-axes refused looks like, and how its log lines name the client."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT_STATUS = 429


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    return (
        f"Too many failed sign-ins for this account from this device. Try again in {lockout_minutes()} minutes, "
        "or ask your teacher or the school's administrator."
    )


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """429 with a plain explanation: JSON for the API, the portal's page for a browser (AXES_LOCKOUT_CALLABLE)."""
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": lockout_message()}, status=LOCKED_OUT_STATUS)
    else:
        response = render(request, "registration/locked_out.html", {"message": lockout_message()},
                          status=LOCKED_OUT_STATUS)
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response


def client_description(username: str, ip_address: str, user_agent: str, path_info: str | tuple,
                       request: HttpRequest) -> str:
    """Axes' log lines name the sign-in path only: no username, address or browser (AXES_CLIENT_STR_CALLABLE)."""
    path = path_info[0] if isinstance(path_info, (tuple, list)) else path_info
    return f'{{path_info: "{path}"}}'
