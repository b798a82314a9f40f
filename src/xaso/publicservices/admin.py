"""Django admin of the procedure catalogue: procedures with their kept versions (read-only).

An edit here goes through ``services.catalogue.edit_procedure`` like the procedure's edit page,
so it is validated with the catalogue's rules and keeps a new version; the columns derived from
the description are read-only. Procedures come from catalogue files (``xaso catalogue sync``,
the import page) and are never deleted: dossiers refer to them and links must keep working —
a procedure that no longer applies is marked not active.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xaso.publicservices.models import Procedure, ProcedureVersion
from xaso.publicservices.services.catalogue import can_edit_catalogue, edit_procedure
from xaso.publicservices.validation import procedure_problems


class ProcedureAdminForm(forms.ModelForm):
    change_note = forms.CharField(
        label=_("Nội dung thay đổi"),
        max_length=300,
        help_text=_("Ghi vào lịch sử thay đổi của thủ tục."),
    )

    class Meta:
        model = Procedure
        fields = ["data", "active"]

    def clean_data(self):
        data = self.cleaned_data["data"]
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Nội dung phải là một đối tượng JSON."))
        if data.get("code") != self.instance.code:
            raise forms.ValidationError(_("Không được đổi mã thủ tục."))
        problems = procedure_problems(data)
        if problems:
            raise forms.ValidationError([problem.message for problem in problems])
        return data


class ProcedureVersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ["version", "effective_date", "changed_at", "changed_by", "changed_fields", "note"]
    readonly_fields = fields
    ordering = ["-version"]
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return _manages(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _manages(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and can_edit_catalogue(user)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = [
        "code",
        "name",
        "field_name",
        "online_level",
        "version",
        "effective_date",
        "active",
    ]
    list_filter = ["active", "online_level", "field_name"]
    search_fields = ["code", "name", "national_code", "search_text"]
    readonly_fields = [
        "code",
        "page",
        "name",
        "national_code",
        "field_name",
        "online_level",
        "time_limit_value",
        "time_limit_unit",
        "fee_vnd",
        "fee_text",
        "effective_date",
        "version",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["code", "page", "name", "national_code", "field_name", "version"]}),
        (
            _("Tóm tắt (tính từ nội dung)"),
            {
                "fields": [
                    "online_level",
                    "time_limit_value",
                    "time_limit_unit",
                    "fee_vnd",
                    "fee_text",
                    "effective_date",
                    "updated_at",
                ]
            },
        ),
        (_("Sửa (lưu thành phiên bản mới)"), {"fields": ["data", "active", "change_note"]}),
    ]
    inlines = [ProcedureVersionInline]

    @admin.display(description=_("Trang của thủ tục"))
    def page(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("publicservices:procedure", args=[obj.code]),
            _("Xem"),
            reverse("publicservices:procedure_edit", args=[obj.code]),
            _("Sửa bằng biểu mẫu"),
        )

    def has_module_permission(self, request):
        return _manages(request)

    def has_view_permission(self, request, obj=None):
        return _manages(request)

    def has_change_permission(self, request, obj=None):
        return _manages(request)

    def has_add_permission(self, request):
        return False  # from catalogue files: `xaso catalogue sync` or the import page

    def has_delete_permission(self, request, obj=None):
        return False  # dossiers and printed links refer to it: mark it not active instead

    def save_model(self, request, obj, form, change):
        current = Procedure.objects.get(pk=obj.pk)
        edit_procedure(
            request.user,
            procedure=current,
            data=form.cleaned_data["data"],
            note=form.cleaned_data["change_note"],
            active=form.cleaned_data["active"],
        )
        obj.refresh_from_db()
