from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xaso.core.admin import ScopedAdmin
from xaso.core.crypto import mask
from xaso.population.models import Household, ImportJob, PopulationChange, Resident


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["code", "group", "street", "unit"]
    search_fields = ["code", "street"]
    raw_id_fields = ["unit", "group"]
    exclude = ["address"]  # personal: edited through the register pages, read with audit


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    list_display = [
        "full_name",
        "birth_date",
        "sex",
        "masked_national_id",
        "household",
        "residence_status",
        "is_active",
    ]
    list_filter = ["residence_status", "sex", "is_active", "vneid_level2"]
    search_fields = ["name_folded", "full_name"]
    raw_id_fields = ["unit", "household"]
    exclude = ["national_id", "phone"]  # never shown in the admin; see the resident page
    list_select_related = ["household"]

    @admin.display(description=_("Số định danh"))
    def masked_national_id(self, obj):
        return mask(obj.national_id)


@admin.register(PopulationChange)
class PopulationChangeAdmin(ScopedAdmin):
    list_display = ["date", "kind", "resident", "household"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "resident", "household", "recorded_by"]


@admin.register(ImportJob)
class ImportJobAdmin(ScopedAdmin):
    list_display = ["created_at", "file_name", "status", "created_by"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False  # imports start from the import page or `xaso import`

    def has_change_permission(self, request, obj=None):
        return False
