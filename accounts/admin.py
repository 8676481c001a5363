from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, ModelChange, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language"]}),
        (
            _("Berechtigungen"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Zeitpunkte"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    """Audit entries can be read by superusers here; nobody adds, edits or deletes them."""

    list_select_related = ["actor"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)


# django-auditlog registers its own admin for the log entry model; ours leaves out the fields
# this project does not store (IP address, actor e-mail) and is read-only for everybody.
if admin.site.is_registered(ModelChange):
    admin.site.unregister(ModelChange)


@admin.register(ModelChange)
class ModelChangeAdmin(ReadOnlyAuditAdmin):
    list_display = ["timestamp", "actor", "action", "content_type", "object_pk", "object_repr", "district_id"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor", "content_type"]
    fields = [
        "timestamp",
        "actor",
        "action",
        "content_type",
        "object_pk",
        "object_repr",
        "changes",
        "district_id",
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAuditAdmin):
    list_display = ["timestamp", "actor", "action", "object_type", "object_id", "description", "district_id"]
    list_filter = ["action"]
    fields = [
        "timestamp",
        "actor",
        "action",
        "object_type",
        "object_id",
        "description",
        "district_id",
        "details",
    ]
