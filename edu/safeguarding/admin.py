"""Admin: designate safeguarding leads, set course help contacts; alerts read-only and without the
student's words. Decision: not even superusers read the words here. Reading them is the designated
lead's job, in the portal, where every reading is recorded; a superuser who must read an alert
designates themselves lead (an action the admin log records) and opens it there."""

from __future__ import annotations

from django.contrib import admin

from edu.safeguarding.models import Alert, AlertEvent, CourseSafeguarding, SafeguardingLead


@admin.register(SafeguardingLead)
class SafeguardingLeadAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "created_at")
    list_filter = ("course",)
    autocomplete_fields = ()
    raw_id_fields = ("user",)


@admin.register(CourseSafeguarding)
class CourseSafeguardingAdmin(admin.ModelAdmin):
    list_display = ("course", "hints_first")


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    fields = ("created_at", "action", "actor", "where")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("pk", "course", "category", "severity", "status", "created_at", "notified_at")
    list_filter = ("status", "category", "severity", "course")
    fields = ("course", "student", "category", "severity", "flags", "source", "status", "created_at", "notified_at",
              "closed_at")
    readonly_fields = fields
    inlines = [AlertEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
