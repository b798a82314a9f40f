"""Django admin in Vietnamese for officials' data management, scoped like everything else."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from xaso.core import audit
from xaso.core.choices import AuditAction, Role
from xaso.core.models import (
    AdministrativeUnit,
    ApiToken,
    AuditLog,
    Department,
    Holiday,
    ResidentialGroup,
    User,
)
from xaso.core.permissions import can_view_audit


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists go through the same tenancy scope as pages and the API; rights come from
    the xaso role (commune leaders and officials manage their commune's data), and every
    change is written to the audit log like any other write."""

    def get_queryset(self, request):
        return self.model.objects.for_actor(request.user)

    def _manages(self, request) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.role in (Role.COMMUNE_LEADER, Role.COMMUNE_OFFICIAL))
        )

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return self._manages(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = sorted(form.changed_data) if change else sorted(form.fields)
        audit.record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            changes={"fields": fields, "via": "admin"},
        )

    def delete_model(self, request, obj):
        audit.record(
            actor=request.user, action=AuditAction.DELETE, obj=obj, changes={"via": "admin"}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdmin):
    list_display = ["code", "name", "division_type", "parent"]
    list_filter = ["level", "division_type"]
    search_fields = ["code", "name", "name_folded"]
    readonly_fields = ["code", "name", "level", "division_type", "parent"]

    def has_add_permission(self, request):
        return False  # loaded from the official code list, never typed

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResidentialGroup)
class ResidentialGroupAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "unit", "leader"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_folded"]
    autocomplete_fields = ["leader"]
    raw_id_fields = ["unit"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["code", "name", "unit", "head"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit", "head"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["unit", "department"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("xaso", {"fields": ["full_name", "role", "unit", "department"]}),
    ]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(unit_id=request.user.unit_id)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are created by `xaso token create`, shown once


@admin.register(AuditLog)
class AuditLogAdmin(ScopedAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "ip", "via"]
    list_filter = ["action", "object_type", "via"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_staff and can_view_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlatformAdmin(ScopedAdmin):
    """Platform-wide lists (not a commune's rows): only platform admins edit them."""

    def get_queryset(self, request):
        return self.model.objects.all()

    def _manages(self, request) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.role == Role.PLATFORM_ADMIN)
        )


@admin.register(Holiday)
class HolidayAdmin(PlatformAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]
