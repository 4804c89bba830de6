from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edu import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    courses = selectors.courses_for_user(user=request.user)
    return render(request, "portal/home.html", {"courses": courses})
