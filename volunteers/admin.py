from django.contrib import admin

from municipalities.admin import DistrictScopedAdmin

from .models import Qualification


@admin.register(Qualification)
class QualificationAdmin(DistrictScopedAdmin):
    list_display = ["name", "district", "validity_months"]
    prepopulated_fields = {"slug": ["name"]}
