"""Django admin of the 100-day programme."""

from django.contrib import admin

from .models import (
    Milestone,
    NonWorkingDay,
    Notification,
    Programme,
    ProgrammeDigest,
    ProgrammeSnapshot,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["due_day", "title", "responsible_unit", "responsible_person", "kind", "metric"]
    fields += ["target", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["responsible_person"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "length_working_days", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["name"]
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "due_day", "kind", "metric", "status", "value"]
    list_filter = ["programme", "kind", "status"]
    search_fields = ["title", "responsible_unit"]
    readonly_fields = ["status", "value", "target_value", "evaluated_on", "recorded_at"]
    autocomplete_fields = ["responsible_person"]


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "source", "created_by"]
    list_filter = ["kind"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"


@admin.register(ProgrammeSnapshot)
class ProgrammeSnapshotAdmin(admin.ModelAdmin):
    """Written by the daily evaluation only."""

    list_display = ["programme", "date", "day_number", "done", "on_track", "at_risk", "late"]
    list_filter = ["programme", "backfilled"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["date", "milestone", "recipient", "old_status", "new_status", "emailed_at"]
    list_filter = ["new_status"]
    search_fields = ["milestone__title", "recipient__username"]

    def has_add_permission(self, request):
        return False


@admin.register(ProgrammeDigest)
class ProgrammeDigestAdmin(admin.ModelAdmin):
    list_display = ["programme", "week", "sent_at", "recipients"]

    def has_add_permission(self, request):
        return False
