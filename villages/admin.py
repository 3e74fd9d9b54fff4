"""Django admin for the registry.

Geometry is shown as read-only text: GeoDjango's admin map widget loads OpenLayers from a CDN, and
the portal serves every asset itself. Boundaries are edited by `import_boundaries`, not by hand.
"""

from types import SimpleNamespace

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _

from portal.core.audit import describe

from .models import District, Pilot, Province, Regency, RegistryImport, Village


class GeometryReadOnlyAdmin(admin.ModelAdmin):
    """A registry unit: the centroid shown as text, the (large) boundary left out of the form."""

    exclude = ["boundary"]
    readonly_fields = ["centroid_text", "updated_at"]

    @admin.display(description="centroid (lat, lng)")
    def centroid_text(self, obj):
        if obj.centroid is None:
            return "—"
        return f"{obj.centroid.y:.6f}, {obj.centroid.x:.6f}"

    def get_exclude(self, request, obj=None):
        return ["boundary", "centroid"]

    def get_readonly_fields(self, request, obj=None):
        # A code is the unit's identity: changing it here would create another unit.
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields


@admin.register(Province)
class ProvinceAdmin(GeometryReadOnlyAdmin):
    list_display = ["code", "name", "population", "area_km2"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(GeometryReadOnlyAdmin):
    list_display = ["code", "name", "kind", "province", "population", "area_km2"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(GeometryReadOnlyAdmin):
    list_display = ["code", "name", "regency"]
    list_filter = ["regency"]
    search_fields = ["code", "name"]
    list_select_related = ["regency"]


@admin.register(Village)
class VillageAdmin(GeometryReadOnlyAdmin):
    list_display = ["code", "name", "kind", "district", "postal_code"]
    list_filter = ["kind", "district__regency"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]
    raw_id_fields = ["district"]


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ["village", "status", "proposed_on", "proposed_by", "decided_on", "decided_by"]
    list_filter = ["status", "village__district__regency"]
    search_fields = ["village__code", "village__name", "proposed_by"]
    list_select_related = ["village", "decided_by"]
    raw_id_fields = ["village", "recorded_by", "decided_by"]


class RegistryImportChangeList(ChangeList):
    """Attributes the listed imports with one query for all their users."""

    def get_results(self, request):
        super().get_results(request)
        attribute(self.result_list)


def attribute(imports) -> None:
    """Set `by_display` ("who · through what", from the audit context, as the audit pages word
    it) on each of `imports`."""
    events = describe(
        SimpleNamespace(
            pgh_context=record.context.metadata if record.context else {},
            pgh_label="insert",
            pgh_data={},
            pgh_diff=None,
        )
        for record in imports
    )
    for record, event in zip(imports, events, strict=True):
        record.by_display = f"{event.actor_display} · {event.source}"


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    """The registry imports: a record of what each `import_regions` run changed, never edited."""

    list_display = ["id", "created_at", "scope", "units_created", "by"]
    list_select_related = ["context"]
    fields = readonly_fields = ["created_at", "by", "scope", "files", "changes"]

    def get_changelist(self, request, **kwargs):
        return RegistryImportChangeList

    @admin.display(description=_("units created"))
    def units_created(self, obj):
        return obj.created_count

    @admin.display(description=_("by"))
    def by(self, obj):
        if not hasattr(obj, "by_display"):  # the change page: one import
            attribute([obj])
        return obj.by_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
