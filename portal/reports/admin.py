from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are generated and signed on their pages; the admin only reads them."""

    list_display = ["__str__", "status", "generated_at", "signed_by", "signed_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
