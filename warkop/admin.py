"""Django admin for kiosks (for administrators; staff work on the portal's pages)."""

from django.contrib import admin

from .models import (
    CheckIn,
    MonthlyReport,
    MonthlyReportLine,
    Warkop,
    WarkopPhoto,
    WarkopStatusChange,
)


class StatusChangeInline(admin.TabularInline):
    model = WarkopStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "changed_on", "reason", "changed_by"]
    can_delete = False


class PhotoInline(admin.TabularInline):
    model = WarkopPhoto
    extra = 0
    readonly_fields = ["uploaded_by", "created_at"]


@admin.register(Warkop)
class WarkopAdmin(admin.ModelAdmin):
    list_display = ["name", "village", "status", "is_stale", "organisation", "is_sample"]
    list_filter = ["status", "is_stale", "is_sample", "connectivity"]
    search_fields = ["name", "owner_name", "village__name", "village__code"]
    raw_id_fields = ["village", "organisation", "created_by"]
    readonly_fields = ["status", "status_changed_on", "is_stale", "stale_since", "last_check_in_at"]
    inlines = [StatusChangeInline, PhotoInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["warkop", "kind", "checked_in_at", "recorded_by"]
    raw_id_fields = ["warkop", "recorded_by"]


class ReportLineInline(admin.TabularInline):
    model = MonthlyReportLine
    extra = 0


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["warkop", "month", "learning_sessions", "learning_participants"]
    raw_id_fields = ["warkop", "submitted_by"]
    inlines = [ReportLineInline]
