"""Session length by role: short for students (shared school computers), longer for teachers and staff.

At sign-in a student's session is set to end when the browser closes and, whatever the browser
does, after GLOSSA_STUDENT_SESSION_MINUTES (a deadline kept in the session and checked on every
request by ``SessionDeadlineMiddleware``). Teachers and staff keep GLOSSA_STAFF_SESSION_HOURS.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from edu.models import Enrollment

DEADLINE_KEY = "glossa_session_deadline"


def is_student_account(user: AbstractBaseUser) -> bool:
    """Not staff and teaching no course: the accounts pupils use."""
    if user.is_staff or user.is_superuser:
        return False
    return not Enrollment.objects.filter(user=user, role=Enrollment.Role.TEACHER).exists()


def apply_session_length(sender, request: HttpRequest, user: AbstractBaseUser, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in EduConfig.ready)."""
    if request is None or not hasattr(request, "session"):
        return
    if is_student_account(user):
        seconds = settings.GLOSSA_STUDENT_SESSION_MINUTES * 60
        request.session.set_expiry(0 if settings.GLOSSA_STUDENT_SESSION_AT_BROWSER_CLOSE else seconds)
        request.session[DEADLINE_KEY] = int(time.time()) + seconds
    else:
        request.session.set_expiry(settings.GLOSSA_STAFF_SESSION_HOURS * 3600)
        request.session.pop(DEADLINE_KEY, None)


class SessionDeadlineMiddleware:
    """Signs a student out once their session's deadline has passed (a browser left open all day)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None:
            deadline = session.get(DEADLINE_KEY)
            if deadline is not None and time.time() > deadline:
                logout(request)
        return self.get_response(request)
