"""Django admin for the registry."""

from django.contrib.gis import admin

from .models import District, Pilot, Province, Regency, Village


@admin.register(Province)
class ProvinceAdmin(admin.GISModelAdmin):
    list_display = ["code", "name", "population", "area_km2"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(admin.GISModelAdmin):
    list_display = ["code", "name", "kind", "province", "population", "area_km2"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]


@admin.register(District)
class DistrictAdmin(admin.GISModelAdmin):
    list_display = ["code", "name", "regency"]
    list_filter = ["regency"]
    search_fields = ["code", "name"]
    list_select_related = ["regency"]


@admin.register(Village)
class VillageAdmin(admin.GISModelAdmin):
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
