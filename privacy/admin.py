"""Admin console: policies, the read-only audit trail with its privacy report, vault rows without values."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from edu.api import Course
from privacy.models import AuditEvent, ErasureRecord, PrivacyPolicy, PseudonymMapping
from privacy.selectors import redaction_report
from privacy.services import record_action


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that prove what happened: nobody edits them, and only a superuser may delete one."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(PrivacyPolicy)
class PrivacyPolicyAdmin(admin.ModelAdmin):
    list_display = ("course", "default_threshold", "version", "updated_at")
    readonly_fields = ("version", "updated_at")
    search_fields = ("course__title", "course__slug")

    def save_model(self, request: HttpRequest, obj: PrivacyPolicy, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_action(action=AuditEvent.Action.POLICY_CHANGE, actor=request.user, where="admin", course=obj.course,
                      counts={"fields": len(form.changed_data)})


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor_ref", "where", "kind", "course", "texts", "total", "subject")
    list_filter = ("action", "where", "kind", "course")
    change_list_template = "admin/privacy/auditevent/change_list.html"

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="privacy_report"), *super().get_urls()]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        """Counts per entity type and boundary per day, for all courses or one (?course=<id>&days=<n>)."""
        course = Course.objects.filter(pk=request.GET.get("course") or None).first()
        days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 30
        context = {
            **self.admin_site.each_context(request),
            "title": "Privacy report",
            "opts": self.model._meta,
            "courses": Course.objects.all(),
            "course": course,
            "report": redaction_report(course=course, days=days),
        }
        return TemplateResponse(request, "admin/privacy/report.html", context)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subject_ref", "requested_by_ref", "consent_date")


@admin.register(PseudonymMapping)
class PseudonymMappingAdmin(ReadOnlyAdmin):
    """Shows which conversations have a vault; never the values (nor the token)."""

    list_display = ("conversation_id", "owner", "course", "created_at", "updated_at")
    fields = ("conversation_id", "owner", "course", "created_at", "updated_at")
    readonly_fields = fields
