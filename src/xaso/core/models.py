"""Platform foundation: administrative units, residential groups, departments, users and roles,
API tokens and the audit log.

Administrative units follow the two-level local government in force since 1 July 2025
(Luật Tổ chức chính quyền địa phương 2025): province (tỉnh / thành phố) and commune
(xã / phường / đặc khu). They are loaded from the ``vietnam-provinces`` package, never typed.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.choices import AuditAction, GroupKind, Role, UnitLevel
from xaso.core.tenancy import ScopedQuerySet
from xaso.core.text import fold


class AdministrativeUnit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    division_type = models.CharField(_("loại"), max_length=30)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "id"
    scope_unit_wide_for_groups = True

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "parent"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def province(self) -> "AdministrativeUnit":
        return self if self.level == UnitLevel.PROVINCE else self.parent


class ResidentialGroup(models.Model):
    """Tổ dân phố / thôn / ấp / bản: a self-governing community, not an administrative level."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        models.PROTECT,
        related_name="residential_groups",
        verbose_name=_("xã/phường"),
    )
    code = models.CharField(_("mã tổ"), max_length=20)
    name = models.CharField(_("tên"), max_length=120)
    kind = models.CharField(
        _("loại"), max_length=12, choices=GroupKind.choices, default=GroupKind.TO_DAN_PHO
    )
    leader = models.ForeignKey(
        "core.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_groups",
        verbose_name=_("tổ trưởng"),
    )
    boundary = models.JSONField(_("ranh giới (GeoJSON)"), null=True, blank=True)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "id"

    class Meta:
        verbose_name = _("tổ dân phố / thôn")
        verbose_name_plural = _("tổ dân phố / thôn")
        ordering = ["unit", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="group_code_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Department(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="departments", verbose_name=_("xã/phường")
    )
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=160)
    head = models.ForeignKey(
        "core.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        verbose_name=_("trưởng bộ phận"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_unit_wide_for_groups = True

    class Meta:
        verbose_name = _("phòng/ban")
        verbose_name_plural = _("phòng/ban")
        ordering = ["unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="department_code_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. ``unit`` is the commune (or, for province officials, the province)
    the user acts for; group leaders act on the groups they lead."""

    full_name = models.CharField(_("họ và tên"), max_length=120, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    unit = models.ForeignKey(
        AdministrativeUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("đơn vị"),
    )
    department = models.ForeignKey(
        Department,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("phòng/ban"),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for scripts. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=80, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class AuditLog(models.Model):
    """Who did what, when and from where — every create, update, delete, import, export and
    every read of personal data. Snapshots never hold personal data in clear."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    action = models.CharField(_("hành động"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=60)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=200, blank=True)
    changes = models.JSONField(_("chi tiết"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    via = models.CharField(_("kênh"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"

    class Meta:
        verbose_name = _("nhật ký kiểm tra")
        verbose_name_plural = _("nhật ký kiểm tra")
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class Holiday(models.Model):
    """A day off for state bodies (Bộ luật Lao động 2019 Art. 112, plus the Tết days the Prime
    Minister fixes each year). Admins keep the list; working-time clocks read it."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày nghỉ"), max_length=120)

    class Meta:
        verbose_name = _("ngày nghỉ lễ")
        verbose_name_plural = _("ngày nghỉ lễ")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class Counter(models.Model):
    """Named sequences for human-readable codes (e.g. ``PA-2026-000123``)."""

    key = models.CharField(max_length=60, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Notification(models.Model):
    """An in-app message for one user (escalations, assignments); shown under the bell."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="notifications", verbose_name=_("người nhận")
    )
    unit = models.ForeignKey(
        AdministrativeUnit, models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
