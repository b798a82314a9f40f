"""Households (hộ gia đình), residents (nhân khẩu) and population changes (biến động dân cư).

Personal data — national ID numbers, phones, house addresses — is stored encrypted and found by
keyed hash (see ``xaso.core.crypto``). The 12-digit personal identification number follows the
structure of NĐ 137/2015 Art. 13, still used by issued numbers (see ``validation.py``).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.crypto import EncryptedTextField, blind_index
from xaso.core.models import AdministrativeUnit, ResidentialGroup
from xaso.core.tenancy import ScopedQuerySet
from xaso.core.text import fold
from xaso.population.choices import (
    ChangeKind,
    DigitalSkillsGroup,
    ImportStatus,
    Relation,
    ResidenceStatus,
    Sex,
)


class Household(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="households", verbose_name=_("xã/phường")
    )
    group = models.ForeignKey(
        ResidentialGroup, models.PROTECT, related_name="households", verbose_name=_("tổ dân phố")
    )
    code = models.CharField(_("mã hộ"), max_length=30)
    # The house number is personal (it locates a named family); the street is not.
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    street = models.CharField(_("đường/phố"), max_length=160, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "group_id"

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["group", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="household_code_unique_in_unit")
        ]
        indexes = [models.Index(fields=["group", "code"])]

    def __str__(self) -> str:
        return f"Hộ {self.code}"


class Resident(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="residents", verbose_name=_("xã/phường")
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="members", verbose_name=_("hộ gia đình")
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=130, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    national_id = EncryptedTextField(_("số định danh cá nhân"), blank=True)
    national_id_hash = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    phone = EncryptedTextField(_("số điện thoại"), blank=True)
    phone_hash = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    residence_status = models.CharField(
        _("tình trạng cư trú"),
        max_length=10,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.PERMANENT,
    )
    relation_to_head = models.CharField(
        _("quan hệ với chủ hộ"), max_length=14, choices=Relation.choices, default=Relation.OTHER
    )
    occupation = models.CharField(_("nghề nghiệp"), max_length=120, blank=True)
    has_smartphone = models.BooleanField(_("có điện thoại thông minh"), default=False)
    has_epayment = models.BooleanField(_("có tài khoản thanh toán điện tử"), default=False)
    vneid_level2 = models.BooleanField(_("đã kích hoạt VNeID mức 2"), default=False)
    digital_skills_group = models.CharField(
        _("nhóm đối tượng kỹ năng số"),
        max_length=12,
        choices=DigitalSkillsGroup.choices,
        blank=True,
    )
    is_active = models.BooleanField(
        _("đang sinh sống"), default=True, help_text=_("Bỏ chọn khi đã mất hoặc chuyển đi.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "household__group_id"

    class Meta:
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")
        ordering = ["household", "birth_date"]
        constraints = [
            # One person, one record per commune; the number itself is checked by hash.
            models.UniqueConstraint(
                fields=["unit", "national_id_hash"],
                condition=~models.Q(national_id_hash=""),
                name="resident_national_id_unique_in_unit",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "name_folded"]),
            models.Index(fields=["unit", "is_active"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        super().save(*args, **kwargs)

    def refresh_derived_fields(self) -> None:
        """Search and look-up columns derived from the clear values (call before bulk writes)."""
        self.name_folded = fold(self.full_name)
        self.national_id_hash = blind_index(self.national_id)
        self.phone_hash = blind_index(self.phone)

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class PopulationChange(models.Model):
    """A dated event in a resident's history; the resident row keeps the current state."""

    unit = models.ForeignKey(AdministrativeUnit, models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident, models.PROTECT, related_name="changes", verbose_name=_("nhân khẩu")
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="changes", verbose_name=_("hộ gia đình")
    )
    kind = models.CharField(_("loại biến động"), max_length=10, choices=ChangeKind.choices)
    date = models.DateField(_("ngày"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("core.User", models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "household__group_id"

    class Meta:
        verbose_name = _("biến động dân cư")
        verbose_name_plural = _("biến động dân cư")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class ImportJob(models.Model):
    """One upload of the household/resident template, with its progress and outcome."""

    unit = models.ForeignKey(AdministrativeUnit, models.PROTECT, related_name="+")
    created_by = models.ForeignKey("core.User", models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    stored_path = models.CharField(max_length=400)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    phase = models.CharField(max_length=80, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)
    households_updated = models.PositiveIntegerField(default=0)
    residents_created = models.PositiveIntegerField(default=0)
    residents_updated = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    error_report_path = models.CharField(max_length=400, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
