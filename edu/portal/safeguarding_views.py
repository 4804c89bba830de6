"""Portal pages of the designated safeguarding lead: the alert queue, one alert, acting on it.

Only a lead of the alert's course (or a school-wide lead) sees an alert; everyone else gets 404
for an alert and 403 for the queue. Superusers are not leads by default: a school designates its
leads (admin: Safeguarding leads), so reading a child's words is always a deliberate role.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from edu.safeguarding import api as safeguarding_api

STATUS_FILTERS = ("open", "acknowledged", "escalated", "closed")


def nav(request: HttpRequest) -> dict:
    """Context processor: the lead's count of alerts waiting, for the badge in the main navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not safeguarding_api.is_lead(user=user):
        return {}
    return {"safeguarding_waiting": safeguarding_api.open_alert_count(user=user)}


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    if not safeguarding_api.is_lead(user=request.user):
        raise PermissionDenied("Only a designated safeguarding lead sees alerts.")
    status = request.GET.get("status", "")
    statuses = [status] if status in STATUS_FILTERS else ["open", "acknowledged", "escalated"]
    queue = safeguarding_api.alerts_for_lead(user=request.user, statuses=statuses)[:200]
    return render(request, "portal/safeguarding_alerts.html",
                  {"alerts": queue, "status": status, "statuses": STATUS_FILTERS})


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        detail = safeguarding_api.read_alert(actor=request.user, alert_id=pk, where="portal")
    except PermissionDenied:
        raise Http404("No such alert.") from None
    response = render(request, "portal/safeguarding_alert.html",
                      {"detail": detail, "alert": detail.alert, "actions": safeguarding_api.ACTIONS})
    response["Cache-Control"] = "no-store"  # a child's words stay out of shared caches and history
    return response


@login_required
@require_POST
def alert_action(request: HttpRequest, pk: int) -> HttpResponse:
    if safeguarding_api.alert_for_lead(user=request.user, alert_id=pk) is None:
        raise Http404("No such alert.")
    action = request.POST.get("action", "")
    if action not in safeguarding_api.ACTIONS:
        return HttpResponse("Choose acknowledge, escalate or close.", status=400)
    try:
        safeguarding_api.act_on_alert(actor=request.user, alert_id=pk, action=action,
                                      note=request.POST.get("note", ""), where="portal")
    except safeguarding_api.AlertActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Saved.")
    return redirect("portal:safeguarding_alert", pk=pk)
