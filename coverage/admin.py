"""Django admin for coverage surveys: read-only. Surveys arrive through the field form, the API
or the import, and are reviewed on the portal's pages, where the derived connectivity and map grid
are kept in step (`coverage.services`)."""

from django.contrib import admin

from .models import MapCell, Measurement, Survey, SurveyPhoto, VillageConnectivity


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


class PhotoInline(MeasurementInline):
    model = SurveyPhoto


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = [
        "client_uuid",
        "village",
        "officer",
        "observed_at",
        "best_technology",
        "review_status",
    ]
    list_filter = ["review_status", "best_technology", "place_type", "source"]
    search_fields = ["client_uuid", "village__code", "village__name", "officer__username"]
    list_select_related = ["village", "officer"]
    exclude = ["location"]
    inlines = [MeasurementInline, PhotoInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VillageConnectivity)
class VillageConnectivityAdmin(admin.ModelAdmin):
    list_display = ["village", "status", "survey_count", "latest_survey_at", "operator_count"]
    list_filter = ["status"]
    search_fields = ["village__code", "village__name"]
    list_select_related = ["village"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MapCell)
class MapCellAdmin(admin.ModelAdmin):
    """The map's grid of verified surveys, derived and kept in step by `coverage.services`."""

    list_display = ["level", "x", "y", "regency", "count"]
    list_filter = ["level", "regency"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
