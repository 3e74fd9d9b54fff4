"""Django admin for the service catalogue and offerings."""

from django.contrib import admin

from .models import Provider, ServiceCategory, ServiceOffering


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "kind", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["label", "code", "examples"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_programme_partner", "is_active"]
    list_filter = ["kind", "is_programme_partner"]


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(admin.ModelAdmin):
    list_display = ["warkop", "category", "provider", "fee", "is_active", "last_checked_on"]
    list_filter = ["category", "is_active"]
    raw_id_fields = ["warkop", "last_checked_by"]
