"""Django admin for the concept, scoped to the staff's district(s).

Versions, goals and values change through the portal's services (optimistic locking,
frozen adopted versions, value history), so here they are read-only; indicator
definitions are editable reference data.
"""

from django.contrib import admin

from municipalities import permissions
from municipalities.admin import DistrictScopedAdmin
from municipalities.models import FieldOfAction

from .models import AdviceMeeting, Concept, ConceptVersion, Indicator, IndicatorValue


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Concept)
class ConceptAdmin(DistrictScopedAdmin):
    list_display = ["district", "created_at"]


@admin.register(ConceptVersion)
class ConceptVersionAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    district_lookup = "concept__district"
    list_display = ["title", "number", "period_start", "period_end", "status", "adopted_on"]
    list_filter = ["status"]


@admin.register(Indicator)
class IndicatorAdmin(DistrictScopedAdmin):
    list_display = ["name", "unit", "source", "level", "is_percent", "is_active"]
    list_filter = ["source", "level", "is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "field_of_action":
            kwargs["queryset"] = FieldOfAction.objects.filter(
                district__in=permissions.districts_administered_by(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    district_lookup = "indicator__district"
    list_display = ["indicator", "municipality", "year", "value", "source", "is_demo"]
    list_filter = ["year", "is_demo"]


@admin.register(AdviceMeeting)
class AdviceMeetingAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    list_display = ["municipality", "held_on"]
