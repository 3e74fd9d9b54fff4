"""Django admin for organisations, profiles and API tokens."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone

from .models import ApiToken, Organisation, Profile


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_name", "contact_email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "contact_name", "contact_email"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ["regencies"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PortalUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their users on the portal (the secret is shown once); here they can
    only be inspected and revoked."""

    list_display = ["name", "user", "prefix", "access", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["access"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "access",
        "created_at",
        "expires_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- The 100-day programme ------------------------------------------------------------------------
from .models import (  # noqa: E402
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
