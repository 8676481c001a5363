from django.contrib import admin

from municipalities.admin import DistrictScopedAdmin

from .models import Qualification


@admin.register(Qualification)
class QualificationAdmin(DistrictScopedAdmin):
    list_display = ["name", "district"]
    prepopulated_fields = {"slug": ["name"]}
