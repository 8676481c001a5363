"""Django admin for KI staff, scoped to their own district(s).

Superusers see everything; KI staff see and choose only rows of the
districts they work for (the same scope the portal's views use).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import twofactor

from . import permissions
from .models import (
    BuildingBlock,
    CostType,
    District,
    DistrictRole,
    FieldOfAction,
    FundingProgramme,
    Invitation,
    Language,
    Membership,
    Municipality,
    TargetGroup,
)


@admin.action(
    description=_("Zwei-Faktor-Anmeldung der ausgewählten Personen zurücksetzen"),
    permissions=["reset_two_factor"],
)
def reset_two_factor(modeladmin, request, queryset):
    """For a lost phone: the person sets up the second factor anew at the next login.

    Only rows of the admin's own district are in ``queryset``; superusers' second factor is
    reset only by a superuser.
    """
    reset = 0
    for row in queryset.select_related("user"):
        user = row.user
        if user.is_superuser and not request.user.is_superuser:
            continue
        if twofactor.remove_two_factor(user=user):
            modeladmin.log_change(request, row, "Zwei-Faktor-Anmeldung zurückgesetzt")
            reset += 1
    modeladmin.message_user(
        request,
        ngettext(
            "Die Zwei-Faktor-Anmeldung von %(count)s Person wurde zurückgesetzt; sie richtet sie bei der "
            "nächsten Anmeldung neu ein.",
            "Die Zwei-Faktor-Anmeldung von %(count)s Personen wurde zurückgesetzt; sie richten sie bei der "
            "nächsten Anmeldung neu ein.",
            reset,
        )
        % {"count": reset},
        messages.SUCCESS,
    )


class DistrictScopedAdmin(admin.ModelAdmin):
    district_lookup = "district"

    def has_reset_two_factor_permission(self, request) -> bool:
        """KI staff (for their district's rows, see get_queryset) and superusers."""
        return permissions.is_ki_staff(request.user)

    def get_queryset(self, request):
        districts = permissions.districts_administered_by(request.user)
        return super().get_queryset(request).filter(**{f"{self.district_lookup}__in": districts})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = permissions.districts_administered_by(request.user)
        elif db_field.name == "municipality":
            kwargs["queryset"] = permissions.municipalities_administered_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(District)
class DistrictAdmin(DistrictScopedAdmin):
    district_lookup = "pk"
    list_display = ["name", "ags_prefix", "ki_name", "ki_email"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(DistrictScopedAdmin):
    list_display = ["name", "ags", "district", "population", "population_year"]
    list_filter = ["district"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}


class ReferenceDataAdmin(DistrictScopedAdmin):
    list_display = ["name", "district", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["district", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(FieldOfAction, ReferenceDataAdmin)
admin.site.register(TargetGroup, ReferenceDataAdmin)


@admin.register(Membership)
class MembershipAdmin(DistrictScopedAdmin):
    district_lookup = "municipality__district"
    list_display = ["user", "municipality", "role", "created_at"]
    list_filter = ["municipality", "role"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
    actions = [reset_two_factor]


@admin.register(DistrictRole)
class DistrictRoleAdmin(DistrictScopedAdmin):
    list_display = ["user", "district", "role", "created_at"]
    list_filter = ["district", "role"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
    actions = [reset_two_factor]


@admin.register(Invitation)
class InvitationAdmin(DistrictScopedAdmin):
    """Read-only: invitations are made and revoked in the portal, where mail is sent."""

    district_lookup = "municipality__district"
    list_display = ["email", "municipality", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["municipality"]
    search_fields = ["email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BuildingBlockInline(admin.TabularInline):
    model = BuildingBlock
    extra = 1


class CostTypeInline(admin.TabularInline):
    model = CostType
    extra = 1


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(admin.ModelAdmin):
    """Funding programmes are state-wide data shared by all districts."""

    list_display = ["name", "code", "valid_from", "valid_to", "funds_local_initiatives"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [BuildingBlockInline, CostTypeInline]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "native_name", "code", "position"]
    list_editable = ["position"]
    search_fields = ["name", "code"]
