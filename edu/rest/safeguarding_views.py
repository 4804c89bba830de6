"""REST endpoints of the designated safeguarding lead: the queue, one alert (audited), actions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from edu.safeguarding import api as safeguarding_api


def _summary(alert) -> dict:
    return {"id": alert.pk, "course": alert.course.slug, "category": alert.category, "severity": alert.severity,
            "flags": alert.flags, "source": alert.source, "status": alert.status, "created_at": alert.created_at,
            "notified_at": alert.notified_at, "closed_at": alert.closed_at}


class AlertActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=safeguarding_api.ACTIONS)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class AlertListView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        """Alerts of the courses you lead for safeguarding (403 if you lead none). ``?status=`` filters."""
        if not safeguarding_api.is_lead(user=request.user):
            raise PermissionDenied("Only a designated safeguarding lead sees alerts.")
        status = request.query_params.get("status")
        alerts = safeguarding_api.alerts_for_lead(user=request.user, statuses=[status] if status else None)[:500]
        return Response([_summary(alert) for alert in alerts])


class AlertDetailView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        """One alert with the student's original words and its history; the reading is audited."""
        try:
            detail = safeguarding_api.read_alert(actor=request.user, alert_id=pk, where="api")
        except PermissionDenied:
            raise Http404 from None
        response = Response({**_summary(detail.alert), "student_id": detail.alert.student_id,
                             "original": detail.original, "events": list(detail.events)})
        response["Cache-Control"] = "no-store"
        return response


class AlertActionView(APIView):
    @extend_schema(request=AlertActionSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        """Acknowledge, escalate or close (escalating and closing need a note)."""
        if safeguarding_api.alert_for_lead(user=request.user, alert_id=pk) is None:
            raise Http404
        payload = AlertActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            alert = safeguarding_api.act_on_alert(actor=request.user, alert_id=pk, where="api",
                                                  **payload.validated_data)
        except safeguarding_api.AlertActionError as error:
            return Response({"detail": str(error)}, status=409)
        return Response(_summary(alert))
