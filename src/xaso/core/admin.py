"""Django admin in Vietnamese for officials' data management, scoped like everything else."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from xaso.core.models import (
    AdministrativeUnit,
    ApiToken,
    AuditLog,
    Department,
    ResidentialGroup,
    User,
)


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists go through the same tenancy scope as pages and the API."""

    def get_queryset(self, request):
        return self.model.objects.for_actor(request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdmin):
    list_display = ["code", "name", "division_type", "parent"]
    list_filter = ["level", "division_type"]
    search_fields = ["code", "name", "name_folded"]
    readonly_fields = ["code", "name", "level", "division_type", "parent"]

    def has_add_permission(self, request):
        return False  # loaded from the official code list, never typed

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
