"""Django admin of citizen feedback: categories with their questions (Open311 services), the
Open311 client keys, and a read-only view of reports. Scoped and audited like every admin page
(``core.admin.ScopedAdmin``); reporter contact data is never shown in clear here."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from xaso.core import audit
from xaso.core.admin import ScopedAdmin
from xaso.core.choices import AuditAction, UnitLevel
from xaso.core.crypto import mask, mask_phone
from xaso.core.models import AdministrativeUnit, Department
from xaso.core.tenancy import scope_for
from xaso.feedback import services
from xaso.feedback.choices import AttributeType
from xaso.feedback.models import Category, CategoryAttribute, Open311Client, Report, ReportEvent


class _InlineOfScopedAdmin:
    """Inlines follow the rights of the page they sit on (the xaso role), not Django's
    per-model permissions, which xaso does not hand out."""

    def _parent_manages(self, request) -> bool:
        return self.admin_site._registry[self.parent_model]._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._parent_manages(request)

    def has_add_permission(self, request, obj=None):
        return self._parent_manages(request)

    def has_change_permission(self, request, obj=None):
        return self._parent_manages(request)

    def has_delete_permission(self, request, obj=None):
        return self._parent_manages(request)


def _communes_for(user):
    return AdministrativeUnit.objects.for_actor(user).filter(level=UnitLevel.COMMUNE)


# ---------------------------------------------------------------------------------------------
# Categories


class CategoryAttributeForm(forms.ModelForm):
    class Meta:
        model = CategoryAttribute
        fields = [
            "order",
            "code",
            "description",
            "datatype",
            "required",
            "variable",
            "datatype_description",
            "values",
        ]

    def clean(self):
        data = super().clean()
        values = data.get("values") or []
        if data.get("datatype") in (AttributeType.SINGLE, AttributeType.MULTI):
            # Open311 clients draw a list from these pairs: each needs a key and a name.
            if not isinstance(values, list) or not values:
                self.add_error("values", _("Câu hỏi dạng chọn cần ít nhất một lựa chọn."))
            elif not all(
                isinstance(v, dict) and str(v.get("key", "")).strip() and v.get("name")
                for v in values
            ):
                self.add_error("values", _('Mỗi lựa chọn có dạng {"key": "…", "name": "…"}.'))
        return data


class CategoryAttributeInline(_InlineOfScopedAdmin, admin.TabularInline):
    model = CategoryAttribute
    form = CategoryAttributeForm
    extra = 0


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    list_display = ["code", "name", "group", "department", "sla_hours", "active", "order", "unit"]
    list_filter = ["active", "group"]
    list_editable = ["active", "order"]
    search_fields = ["code", "name", "keywords"]
    list_select_related = ["department", "unit"]
    inlines = [CategoryAttributeInline]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.unit_id and "unit" not in initial:
            initial["unit"] = request.user.unit_id
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = _communes_for(request.user)
        elif db_field.name == "department":
            kwargs["queryset"] = Department.objects.for_actor(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        """The questions are Open311 service definitions: each change is audited, and the
        discovery document's changeset moves with it."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.record(
                actor=request.user,
                action=AuditAction.DELETE,
                obj=obj,
                unit_id=form.instance.unit_id,
                changes={"via": "admin"},
            )
            obj.delete()
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        for obj in instances:
            created = obj.pk is None
            obj.save()
            audit.record(
                actor=request.user,
                action=AuditAction.CREATE if created else AuditAction.UPDATE,
                obj=obj,
                unit_id=form.instance.unit_id,
                changes={"fields": sorted(changed.get(id(obj), [])), "via": "admin"},
            )
        formset.save_m2m()


# ---------------------------------------------------------------------------------------------
# Open311 clients


class Open311ClientAddForm(forms.ModelForm):
    class Meta:
        model = Open311Client
        fields = ["name", "unit"]


@admin.register(Open311Client)
class Open311ClientAdmin(ScopedAdmin):
    """Keys are made by ``services.create_open311_client`` and shown once, on the page that
    follows the add form; only their digest is stored. Revoked, never deleted, so the reports
    a client sent keep their origin."""

    list_display = ["name", "prefix", "unit", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    list_select_related = ["unit"]
    actions = ["revoke"]
    add_form = Open311ClientAddForm

    def get_queryset(self, request):
        scope = scope_for(request.user)
        rows = Open311Client.objects.select_related("unit")
        if scope.everything:
            return rows
        # A commune's managers see the keys bound to their commune, not platform-wide ones.
        return rows.filter(unit_id__in=scope.unit_ids)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "unit"]
        return ["name", "unit", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["unit", "prefix", "created_at", "last_used_at", "revoked_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = _communes_for(request.user)
            # Only a platform admin may issue a key that posts to every commune.
            kwargs["required"] = not scope_for(request.user).everything
            kwargs["help_text"] = _(
                "Ứng dụng chỉ gửi được phản ánh cho xã/phường này; để trống: mọi xã/phường."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        client, key = services.create_open311_client(request.user, name=obj.name, unit=obj.unit)
        obj.pk, obj.prefix, obj.digest, obj.created_at = (
            client.pk,
            client.prefix,
            client.digest,
            client.created_at,
        )
        obj._state.adding = False
        request._open311_new_key = key

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, "_open311_new_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        # Shown on this page only: never in a message, a cookie or a log.
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mã API Open311 mới"),
            "opts": self.opts,
            "client": obj,
            "key": key,
        }
        response = TemplateResponse(
            request, "admin/feedback/open311client/key_created.html", context
        )
        response["Cache-Control"] = "no-store"
        return response

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Thu hồi mã API đã chọn"))
    def revoke(self, request, queryset):
        count = 0
        for client in queryset.filter(revoked_at__isnull=True):
            services.revoke_open311_client(request.user, client=client)
            count += 1
        self.message_user(
            request,
            ngettext("Đã thu hồi %(n)d mã.", "Đã thu hồi %(n)d mã.", count) % {"n": count},
            messages.SUCCESS,
        )


# ---------------------------------------------------------------------------------------------
# Reports: read-only here (the workflow lives in the feedback pages and services)


class ReportEventInline(_InlineOfScopedAdmin, admin.TabularInline):
    model = ReportEvent
    fields = ["at", "kind", "actor_label", "from_status", "to_status", "department", "public"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ScopedAdmin):
    list_display = [
        "code",
        "category",
        "status",
        "channel",
        "group",
        "department",
        "created_at",
        "due_at",
    ]
    list_filter = [
        "status",
        "channel",
        ("category", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "department", "group"]
    # Contact data, its keyed hashes and the citizen's secret stay out of the admin entirely;
    # ``reporter`` shows them masked.
    exclude = [
        "reporter_name",
        "reporter_phone",
        "reporter_phone_hash",
        "reporter_email",
        "client_hash",
        "access_key",
    ]
    readonly_fields = ["reporter"]
    inlines = [ReportEventInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).defer("reporter_name", "reporter_phone", "reporter_email")
        )

    @admin.display(description=_("Người phản ánh (đã che)"))
    def reporter(self, obj):
        parts = [
            mask(obj.reporter_name, 1, 0) if obj.reporter_name else "",
            mask_phone(obj.reporter_phone) if obj.reporter_phone else "",
            mask(obj.reporter_email, 2, 4) if obj.reporter_email else "",
        ]
        return " · ".join(p for p in parts if p) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
